import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from placements.calendar import (
    LONDON,
    add_working_days,
    add_working_minutes,
    is_working_day,
    subtract_working_days,
    working_day_deadline,
    working_minutes_between,
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2026, 11, 23), 5, dt.date(2026, 11, 30)),  # Monday to Monday
        (dt.date(2026, 11, 27), 1, dt.date(2026, 11, 30)),  # Friday skips the weekend
        # Christmas: 25 Dec is a Friday, Boxing Day Saturday so 28 Dec is substitute.
        (dt.date(2026, 12, 23), 2, dt.date(2026, 12, 29)),
        (dt.date(2026, 12, 24), 5, dt.date(2027, 1, 5)),  # and New Year's Day off too
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        (dt.date(2027, 3, 25), 1, dt.date(2027, 3, 30)),
        (dt.date(2027, 3, 24), 2, dt.date(2027, 3, 30)),
    ],
)
def test_add_working_days_skips_weekends_and_england_bank_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_subdivision_matters_scotland_has_2_january():
    assert is_working_day(dt.date(2026, 1, 2))  # Friday: a working day in England
    assert not is_working_day(dt.date(2026, 1, 2), subdivision="SCT")


def test_deadline_falls_at_five_pm_london_in_winter_and_summer():
    winter = working_day_deadline(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), 5)
    assert winter == dt.datetime(2026, 11, 30, 17, tzinfo=LONDON)
    assert winter.utcoffset() == dt.timedelta(0)
    summer = working_day_deadline(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), 2)
    assert summer.astimezone(dt.UTC).hour == 16  # 17:00 BST


def test_late_evening_utc_counts_from_the_london_date():
    # 23:30 UTC on 31 May 2026 is already 1 June in London (BST).
    start = dt.datetime(2026, 5, 31, 23, 30, tzinfo=dt.UTC)
    assert working_day_deadline(start, 1).date() == dt.date(2026, 6, 2)


def test_negative_days_refused():
    with pytest.raises(ValueError):
        add_working_days(dt.date(2026, 1, 1), -1)


@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=30),
)
def test_adding_then_subtracting_returns_to_a_working_day_at_or_after_start(start, days):
    end = add_working_days(start, days)
    assert end >= start
    if days:
        assert is_working_day(end)
        assert subtract_working_days(end, days) <= start
        between = [start + dt.timedelta(d) for d in range(1, (end - start).days + 1)]
        assert sum(is_working_day(d) for d in between) == days


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (at(2026, 11, 23, 10), 4, at(2026, 11, 23, 14)),  # Monday morning: the same day
        (at(2026, 11, 23, 13), 4, at(2026, 11, 23, 17)),  # exactly to the end of the day
        (at(2026, 11, 23, 15, 30), 4, at(2026, 11, 24, 11, 30)),  # into Tuesday
        (at(2026, 11, 27, 15), 4, at(2026, 11, 30, 11)),  # Friday to Monday
        (at(2026, 11, 23, 6), 4, at(2026, 11, 23, 13)),  # before hours: from 09:00
        (at(2026, 11, 23, 20), 4, at(2026, 11, 24, 13)),  # after hours: from tomorrow
        (at(2026, 11, 28, 11), 4, at(2026, 11, 30, 13)),  # Saturday
        # Christmas Eve afternoon 2026: the 25th and the 28th are bank holidays.
        (at(2026, 12, 24, 15), 4, at(2026, 12, 29, 11)),
        # The clocks go forward on 28 March 2027 (after Easter Monday the 29th).
        (at(2027, 3, 25, 16), 4, at(2027, 3, 30, 12)),
        (at(2026, 11, 23, 10), 12, at(2026, 11, 24, 14)),  # more than a working day
    ],
)
def test_working_hours_count_only_the_working_day(start, hours, expected):
    assert add_working_minutes(start, hours * 60) == expected


def test_the_working_day_is_the_councils():
    late = add_working_minutes(at(2026, 11, 23, 18), 60, day_starts=8, day_ends=20)
    assert late == at(2026, 11, 23, 19)
    with pytest.raises(ValueError, match="start before it ends"):
        add_working_minutes(at(2026, 11, 23, 10), 60, day_starts=17, day_ends=9)


@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2028, 12, 31)),
    minutes=st.integers(min_value=0, max_value=60 * 8 * 15),
)
def test_working_time_added_is_working_time_between(start, minutes):
    begin = start.replace(tzinfo=LONDON)
    end = add_working_minutes(begin, minutes)
    assert end >= begin
    assert working_minutes_between(begin, end) == minutes
    # The end is inside working hours on a working day.
    local = end.astimezone(LONDON)
    assert is_working_day(local.date()) and dt.time(9) <= local.time() <= dt.time(17)
