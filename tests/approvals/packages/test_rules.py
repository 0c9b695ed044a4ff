"""The rules of an award, as pure reads: which parts make a whole award, and what the
package costs in its dearest week when parts run at once."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from approvals.packages.rules import Part, package_weekly, parts_problem
from referrals.models import CoveredSlot, ScheduleSlot

D = Decimal


def answer_of(rate, rows):
    """An answer, unsaved, covering `rows` at £`rate` an hour (no database)."""
    covered = [CoveredSlot(slot_id=slot.pk, rate="standard") for slot in rows]
    return SimpleNamespace(
        hourly_rate=D(rate),
        unsocial_hourly_rate=None,
        two_carer_hourly_rate=None,
        covered=SimpleNamespace(all=lambda: covered),
    )


def row(pk, service, period, hours):
    return ScheduleSlot(
        pk=pk, service=service, period=period, day=0, part_of_day="morning", hours=D(hours)
    )


PLAY = row(1, "short_break", "all_year", "4")
TERM = row(2, "home_care", "term", "9")
HOLIDAY = row(3, "home_care", "holiday", "6")
SLOTS = [PLAY, TERM, HOLIDAY]


@pytest.mark.parametrize(
    ("periods", "split", "problem"),
    [
        ([""], False, None),
        (["term", "holiday"], True, None),
        (["term", "holiday"], False, "does not split home care"),
        (["term"], True, "to one provider, or"),
        ([], False, "Award the home care too"),
    ],
)
def test_the_parts_of_a_whole_award(periods, split, problem):
    answer = answer_of("10", [TERM, HOLIDAY])
    parts = [Part(answer, "home_care", period) for period in periods]
    found = parts_problem(parts, services_asked=["home_care"], split_allowed=split)
    assert (found is None) if problem is None else (problem in found)


def test_a_service_not_asked_for_cannot_be_awarded():
    parts = [Part(answer_of("10", [PLAY]), "short_break")]
    assert parts_problem(parts, services_asked=["home_care"], split_allowed=False) == (
        "This referral does not ask for that service"
    )


def test_the_dearest_week_adds_up_the_parts_that_run_at_once():
    play = Part(answer_of("20", [PLAY]), "short_break")  # £80 every week
    care = Part(answer_of("10", [TERM, HOLIDAY]), "home_care")  # £90 term, £60 holidays
    assert package_weekly([play, care], SLOTS) == D("170.00")
    # Split home care: the term provider paid in term time only, the other in holidays.
    term = Part(answer_of("10", [TERM, HOLIDAY]), "home_care", "term")
    holiday = Part(answer_of("30", [TERM, HOLIDAY]), "home_care", "holiday")
    assert package_weekly([term, holiday], SLOTS) == D("180.00")  # 6 hours at £30 in the holidays
    assert package_weekly([play, term, holiday], SLOTS) == D("260.00")
