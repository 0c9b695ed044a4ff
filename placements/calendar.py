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


def _working_hours(day: dt.date, starts: int, ends: int) -> tuple[dt.datetime, dt.datetime]:
    """When working time opens and closes on `day` (an end of 24 is the next midnight)."""
    opens = dt.datetime.combine(day, dt.time(starts), tzinfo=LONDON)
    if ends == 24:
        return opens, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    return opens, dt.datetime.combine(day, dt.time(ends), tzinfo=LONDON)


def add_working_minutes(
    start: dt.datetime,
    minutes: int,
    *,
    subdivision: str = "ENG",
    day_starts: int = 9,
    day_ends: int = 17,
) -> dt.datetime:
    """The moment `minutes` of working time after `start`, working time being
    `day_starts`:00 to `day_ends`:00 Europe/London on working days. Time before the
    working day, after it, at weekends and on bank holidays does not count: four
    working hours from 15:00 on a Friday end at 11:00 on the Monday."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if not 0 <= day_starts < day_ends <= 24:
        raise ValueError("the working day must start before it ends")
    remaining = dt.timedelta(minutes=minutes)
    cursor = start.astimezone(LONDON)
    day = cursor.date()
    while True:
        if is_working_day(day, subdivision=subdivision):
            opens, closes = _working_hours(day, day_starts, day_ends)
            begin = max(cursor, opens)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += dt.timedelta(days=1)
        cursor = dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


def working_minutes_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    subdivision: str = "ENG",
    day_starts: int = 9,
    day_ends: int = 17,
) -> int:
    """Minutes of working time (as add_working_minutes counts it) from `start` to `end`."""
    total = dt.timedelta()
    cursor = start.astimezone(LONDON)
    end = end.astimezone(LONDON)
    day = cursor.date()
    while day <= end.date():
        if is_working_day(day, subdivision=subdivision):
            opens, closes = _working_hours(day, day_starts, day_ends)
            begin, finish = max(cursor, opens), min(end, closes)
            if begin < finish:
                total += finish - begin
        day += dt.timedelta(days=1)
        cursor = dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)
    return int(total.total_seconds() // 60)
