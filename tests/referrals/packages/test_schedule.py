"""The weekly tables of a package: what a row may say, overlaps refused, windows, and
the weekly hours of each table."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referrals.models import ScheduleSlot
from referrals.packages.schedule import Given, clash, row_problems, weekly_hours, when_text

TERM, HOLIDAY, ALL_YEAR = "term", "holiday", "all_year"
MON, TUE = 0, 1


def row(
    starts=None,
    ends=None,
    hours="1",
    *,
    day=MON,
    period=TERM,
    service="home_care",
    part="",
    pk=None,
):
    return Given(
        service=service,
        period=period,
        day=day,
        part_of_day=part,
        starts=dt.time.fromisoformat(starts) if starts else None,
        ends=dt.time.fromisoformat(ends) if ends else None,
        hours=Decimal(hours),
        pk=pk,
    )


def test_set_times_read_as_a_span_and_fewer_hours_as_a_window():
    assert when_text(row("15:30", "18:30", "3")) == "15:30 to 18:30"
    assert when_text(row("07:00", "08:30", "1")) == "1 hour between 07:00 and 08:30"
    assert when_text(row(hours="3", part="morning")) == "morning, 3 hours"
    assert when_text(row("07:00", "08:00", "0.75")) == "45 minutes between 07:00 and 08:00"


def test_hours_that_do_not_fit_the_times_are_refused():
    assert row_problems(row("07:00", "08:30", "2")) == {
        "hours": "2 hours do not fit between 07:00 and 08:30"
    }
    assert row_problems(row("07:00", "08:30", "1.5")) == {}


@pytest.mark.parametrize(
    ("given_row", "field", "message"),
    [
        (row("09:00", "08:00", "1"), "ends", "The end time must be after the start time"),
        (row("09:00", None, "1"), "ends", "Give both a start and an end time, or neither"),
        (row(None, "09:00", "1"), "starts", "Give both a start and an end time, or neither"),
        (row(hours="2"), "part_of_day", "Give the times, or the part of the day if no set times"),
        (row(hours="0", part="morning"), "hours", "Hours must be more than 0 and no more than 24"),
        (row(hours="25", part="morning"), "hours", "Hours must be more than 0 and no more than 24"),
        (
            row(hours="1.1", part="morning"),
            "hours",
            "Give hours in quarter hours, like 1.5 or 2.25",
        ),
        (
            row(hours="1", part="morning", period=ALL_YEAR),
            "period",
            "Choose term time or school holidays",
        ),
    ],
)
def test_a_row_that_makes_no_sense_is_refused_beside_its_field(given_row, field, message):
    assert row_problems(given_row) == {field: message}


def test_a_short_break_may_be_all_year():
    assert (
        row_problems(row(hours="3", part="afternoon", period=ALL_YEAR, service="short_break")) == {}
    )


def test_overlapping_times_on_the_same_day_are_refused_across_services():
    saved = [row("15:30", "18:30", "3", pk=1)]
    assert clash(row("18:00", "19:00", "1"), saved) == (
        "This overlaps 15:30 to 18:30 on Monday (term time, home care)"
    )
    # A short break all year meets home care in term time.
    assert clash(
        row("17:00", "20:00", "3", period=ALL_YEAR, service="short_break"), saved
    ).startswith("This overlaps")
    # Touching is not overlapping; another day, or the holidays, are apart.
    assert clash(row("18:30", "19:30", "1"), saved) is None
    assert clash(row("16:00", "17:00", "1", day=TUE), saved) is None
    assert clash(row("16:00", "17:00", "1", period=HOLIDAY), saved) is None


def test_a_window_counts_all_of_its_span():
    saved = [row("07:00", "08:30", "1", pk=1)]
    assert clash(row("08:00", "09:00", "1"), saved) is not None


def test_the_same_part_of_the_day_twice_is_refused_and_a_row_does_not_clash_with_itself():
    saved = [row(hours="3", part="morning", pk=7)]
    assert clash(row(hours="2", part="morning"), saved) == (
        "There is already a morning row on Monday (term time, home care)"
    )
    assert clash(row(hours="2", part="afternoon"), saved) is None
    afternoon = [row(hours="3", part="afternoon", pk=8)]
    assert clash(row(hours="1", part="afternoon"), afternoon) == (
        "There is already an afternoon row on Monday (term time, home care)"
    )
    assert clash(row(hours="2", part="morning", pk=7), saved) is None


def test_weekly_hours_per_table_count_all_year_rows_in_both():
    rows = [
        row("07:00", "08:30", "1", day=MON),
        row("15:30", "18:30", "3", day=TUE),
        row(hours="6", part="morning", period=HOLIDAY),
        row(hours="2", part="evening", period=ALL_YEAR, service="short_break"),
    ]
    assert weekly_hours(rows, service="home_care", period=TERM) == Decimal("4")
    assert weekly_hours(rows, service="home_care", period=HOLIDAY) == Decimal("6")
    assert weekly_hours(rows, service="short_break", period=TERM) == Decimal("2")
    assert weekly_hours(rows, service="short_break", period=HOLIDAY) == Decimal("2")


minutes = st.integers(min_value=0, max_value=24 * 4 - 1).map(lambda q: q * 15)


def _time(total: int) -> dt.time:
    return dt.time(total // 60, total % 60)


@given(minutes, minutes, minutes, minutes)
def test_two_timed_rows_clash_exactly_when_their_spans_overlap(a, b, c, d):
    if a == b or c == d:
        return
    (a, b), (c, d) = sorted((a, b)), sorted((c, d))
    one = row(_time(a).isoformat(), _time(b).isoformat(), "0.25", pk=1)
    other = row(_time(c).isoformat(), _time(d).isoformat(), "0.25")
    assert (clash(other, [one]) is not None) == (a < d and c < b)


def test_the_database_refuses_what_the_rules_refuse(db, social_worker):
    from django.db import IntegrityError, transaction

    from referrals.drafting import services as drafting

    referral = drafting.referral_start(social_worker=social_worker, service="home_care")
    values = dict(referral=referral, service="home_care", period=TERM, day=MON)
    for bad in (
        {"starts": dt.time(9), "ends": dt.time(8), "hours": 1},
        {"starts": None, "ends": None, "part_of_day": "", "hours": 1},
        {"part_of_day": "morning", "hours": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ScheduleSlot.objects.create(**values, **bad)


def test_hours_read_as_people_write_them():
    from referrals.packages.schedule import hours_number
    from referrals.templatetags.package_tags import hours

    assert [hours_number(Decimal(v)) for v in ("10.00", "1.50", "0.25", "24")] == [
        "10",
        "1.5",
        "0.25",
        "24",
    ]
    assert hours(Decimal("20.00")) == "20"
