"""The council's own foster carers (households), kept by the in-house fostering service's
duty worker: their approval (ages, how many children, the kinds of care), the children
living with them now, and their room. Never named in anything a provider reads."""
