"""The in-house round as the fostering service's duty worker works it: the council's own
carers with room who fit the children (ages, the kind of care, siblings together), which
of them were asked and what they said."""
