"""How the service writes amounts of money in chronology lines, flags, messages and
emails: one formatter."""

from decimal import Decimal


def money(amount: Decimal | int | float | None) -> str:
    """£1,234.50; blank for no amount."""
    if amount is None:
        return ""
    return f"£{Decimal(amount):,.2f}"
