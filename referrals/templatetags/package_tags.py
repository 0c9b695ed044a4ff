"""A package's weekly tables, for the pages that show a referral as answered."""

from decimal import Decimal

from django import template
from django.utils import timezone

from placements.models import CouncilSettings
from referrals.models import Referral, SummerSchemeRequest
from referrals.packages.schedule import Table, hours_number, tables
from referrals.packages.summer import summer_handling

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


@register.simple_tag
def summer_note(summer: SummerSchemeRequest) -> str:
    """How brokerage deals with a summer play scheme request, as of when it was made
    (the referral's submission, or today for a draft)."""
    referral = summer.referral
    made = timezone.localdate(referral.submitted_at) if referral.submitted_at else None
    return summer_handling(
        year=summer.year,
        case=summer.case,
        on=made or timezone.localdate(),
        council=CouncilSettings.load(),
    )
