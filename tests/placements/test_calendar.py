import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from placements.calendar import (
    LONDON,
    add_working_days,
    is_working_day,
    subtract_working_days,
    working_day_deadline,
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
