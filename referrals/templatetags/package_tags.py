"""A package's weekly tables, for the pages that show a referral as answered."""

from django import template

from referrals.models import Referral
from referrals.packages.schedule import Table, tables

register = template.Library()


@register.simple_tag
def package_tables(referral: Referral) -> list[Table]:
    """Every weekly table of the package, short breaks first, then home care."""
    rows = list(referral.schedule.all())
    return [
        table for service in ("short_break", "home_care") for table in tables(rows, service=service)
    ]
