"""Providers' invoices checked against the agreement in force on each day they claim for:
over-claims and claims after the end flagged with the amount, approved, queried or
rejected, and the totals of what was claimed, approved and saved by checking."""
