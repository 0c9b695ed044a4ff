"""A package's weekly tables, for the pages that show a referral as answered."""

from decimal import Decimal

from django import template

from referrals.models import Referral
from referrals.packages.schedule import Table, hours_number, tables

register = template.Library()


@register.simple_tag
def package_tables(referral: Referral) -> list[Table]:
    """Every weekly table of the package, short breaks first, then home care."""
    rows = list(referral.schedule.all())
    return [
        table for service in ("short_break", "home_care") for table in tables(rows, service=service)
    ]


@register.filter
def hours(value: Decimal) -> str:
    """ "10", "1.5": hours as tables show them (never "1E+1")."""
    return hours_number(value)
