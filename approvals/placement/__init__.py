"""After the cost is approved: the placement confirmed, its agreement issued, signed
by the provider through a secret link and countersigned; feedback to the providers not
chosen; the placements tracker."""
