"""The council's rules for summer play schemes (Annex 1), as pure reads: the most days
a child may have, the closing date for children already open to the service, the date
until which new children's requests are processed (while places remain), and that a
request made before the scheme's window opens (January) is kept on file and brokered
then, while any other support on the referral goes ahead at once.

A request outside the rules is refused with what the rule is, never silently."""

import datetime as dt
from dataclasses import dataclass

from placements.models import CouncilSettings
from referrals.models import SummerSchemeRequest

Case = SummerSchemeRequest.Case


@dataclass(frozen=True)
class SchemeDates:
    """One summer's dates under the council's settings."""

    year: int
    window_opens: dt.date
    open_cases_close: dt.date
    new_cases_until: dt.date


def scheme_dates(year: int, council: CouncilSettings) -> SchemeDates:
    return SchemeDates(
        year,
        dt.date(year, council.summer_window_opens_month, 1),
        dt.date(year, council.summer_open_cases_close_month, council.summer_open_cases_close_day),
        dt.date(year, council.summer_new_cases_until_month, council.summer_new_cases_until_day),
    )


def _day(date: dt.date) -> str:
    return f"{date:%-d %B %Y}"


def summer_problems(
    *,
    year: int,
    case: str,
    days: int,
    more_days_reason: str,
    on: dt.date,
    council: CouncilSettings,
) -> dict[str, str]:
    """What stops a request made `on` this date, by the answer it is about."""
    problems: dict[str, str] = {}
    dates = scheme_dates(year, council)
    if year < on.year:
        problems["year"] = f"The summer play scheme for {year} has passed"
    elif year > on.year + 1:
        problems["year"] = (
            f"Ask for the {year} summer play scheme from January {year - 1}: requests are "
            "kept on file for the coming summer only"
        )
    elif case == Case.OPEN and on > dates.open_cases_close:
        problems["case"] = (
            f"The closing date for children already open to the service was "
            f"{_day(dates.open_cases_close)}: ask the brokerage team whether a late request "
            "can be taken"
        )
    elif case == Case.NEW and on > dates.new_cases_until:
        problems["case"] = (
            f"New children's requests were processed until {_day(dates.new_cases_until)}: "
            "ask the brokerage team whether any places remain"
        )
    if days > council.summer_scheme_max_days and not more_days_reason.strip():
        problems["days"] = (
            f"A child may have up to {council.summer_scheme_max_days} days. For more, say what "
            "the assessed need for them is; otherwise an alternative may be sought"
        )
    return problems


def summer_handling(*, year: int, case: str, on: dt.date, council: CouncilSettings) -> str:
    """How brokerage deals with a request made `on` this date, in a sentence."""
    dates = scheme_dates(year, council)
    if on < dates.window_opens:
        return (
            f"Kept on file and brokered from {_day(dates.window_opens)}, when the summer "
            "scheme window opens; any other support on the referral goes ahead now"
        )
    if case == Case.NEW and on > dates.open_cases_close:
        return (
            f"Processed until {_day(dates.new_cases_until)} while places remain: a place is "
            "awarded if there is one"
        )
    return "Brokered with the rest of the referral"


def on_file(request: SummerSchemeRequest, *, on: dt.date, council: CouncilSettings) -> bool:
    """Whether the request waits on file for the scheme's window to open."""
    return on < scheme_dates(request.year, council).window_opens
