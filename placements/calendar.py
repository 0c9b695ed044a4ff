"""Working days: weekends and the council's bank holidays skipped."""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=16)
def _bank_holidays(subdivision: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.UK(subdiv=subdivision, years=year).keys())


def is_working_day(day: dt.date, *, subdivision: str = "ENG") -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(subdivision, day.year)


def add_working_days(start: dt.date, days: int, *, subdivision: str = "ENG") -> dt.date:
    """The date `days` working days after `start` (`start` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current, subdivision=subdivision):
            remaining -= 1
    return current


def subtract_working_days(end: dt.date, days: int, *, subdivision: str = "ENG") -> dt.date:
    current = end
    remaining = days
    while remaining:
        current -= dt.timedelta(days=1)
        if is_working_day(current, subdivision=subdivision):
            remaining -= 1
    return current


def working_day_deadline(
    start: dt.datetime, days: int, *, subdivision: str = "ENG", hour: int = 17
) -> dt.datetime:
    """Deadline at `hour`:00 Europe/London, `days` working days after `start`."""
    local_day = start.astimezone(LONDON).date()
    day = add_working_days(local_day, days, subdivision=subdivision)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)
