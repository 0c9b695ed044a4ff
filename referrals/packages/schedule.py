"""The weekly tables of a package, as pure reads: whether a row makes sense, whether it
clashes with another, how it reads, and the weekly hours of each table.

A row says when in one of three ways:
- set times: 15:30 to 18:30, 3 hours;
- a time window the hours fall in: 1 hour between 07:00 and 08:30 (getting ready for
  school), when the hours are fewer than the times span;
- a part of the day and hours, when no set times are needed: morning, 3 hours.

A child cannot be in two places at once, so rows on the same day in tables that meet
(all year meets term time and school holidays) may not overlap, whichever service they
belong to."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from referrals.models import ScheduleSlot, Service

Period = ScheduleSlot.Period

# Which tables each service has: short breaks one (whenever it is needed), home care
# separate tables for term time and the school holidays.
SERVICE_PERIODS: dict[str, tuple[str, ...]] = {
    Service.SHORT_BREAK: (Period.ALL_YEAR, Period.TERM, Period.HOLIDAY),
    Service.HOME_CARE: (Period.TERM, Period.HOLIDAY),
}

QUARTER = Decimal("0.25")


class Row(Protocol):
    """A row of a table, saved (`ScheduleSlot`) or as given on a form."""

    @property
    def service(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def day(self) -> int: ...
    @property
    def part_of_day(self) -> str: ...
    @property
    def starts(self) -> dt.time | None: ...
    @property
    def ends(self) -> dt.time | None: ...
    @property
    def hours(self) -> Decimal: ...


@dataclass(frozen=True)
class Given:
    """A row as given, before it is saved."""

    service: str
    period: str
    day: int
    part_of_day: str
    starts: dt.time | None
    ends: dt.time | None
    hours: Decimal
    pk: int | None = None


def periods_meet(one: str, other: str) -> bool:
    return one == other or Period.ALL_YEAR in (one, other)


def span_hours(starts: dt.time, ends: dt.time) -> Decimal:
    minutes = (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute)
    return Decimal(minutes) / 60


def hours_number(hours: Decimal) -> str:
    """ "9", "1.5": hours as a table shows them."""
    return f"{hours.normalize():f}"


def hours_text(hours: Decimal) -> str:
    """ "1 hour", "2.5 hours", "45 minutes"."""
    if hours < 1:
        return f"{int(hours * 60)} minutes"
    shown = hours_number(hours)
    return f"{shown} hour" if hours == 1 else f"{shown} hours"


def when_text(row: Row) -> str:
    """ "15:30 to 18:30", "1 hour between 07:00 and 08:30" or "morning, 3 hours" (tables
    capitalise it)."""
    if row.starts is None or row.ends is None:
        part = ScheduleSlot.PartOfDay(row.part_of_day).label.lower()
        return f"{part}, {hours_text(row.hours)}"
    times = f"{row.starts:%H:%M} and {row.ends:%H:%M}"
    if row.hours < span_hours(row.starts, row.ends):
        return f"{hours_text(row.hours)} between {times}"
    return f"{row.starts:%H:%M} to {row.ends:%H:%M}"


def row_label(row: Row, *, hours: bool = False) -> str:
    """ "Term time: Monday, 1 hour between 07:00 and 08:30": a row named on its own.
    With `hours`, set times say their hours too: "Term time: Tuesday, 16:00 to 18:00
    (2 hours)"."""
    when = when_text(row)
    if (
        hours
        and row.starts is not None
        and row.ends is not None
        and row.hours >= span_hours(row.starts, row.ends)
    ):
        when += f" ({hours_text(row.hours)})"
    return f"{Period(row.period).label}: {ScheduleSlot.Day(row.day).label}, {when}"


def row_problems(row: Row) -> dict[str, str]:
    """What is wrong with a row on its own, by the field to show it beside."""
    problems: dict[str, str] = {}
    if row.period not in SERVICE_PERIODS.get(row.service, ()):
        problems["period"] = "Choose term time or school holidays"
    if row.hours <= 0 or row.hours > 24:
        problems["hours"] = "Hours must be more than 0 and no more than 24"
    elif row.hours % QUARTER:
        problems["hours"] = "Give hours in quarter hours, like 1.5 or 2.25"
    if (row.starts is None) != (row.ends is None):
        field = "ends" if row.ends is None else "starts"
        problems[field] = "Give both a start and an end time, or neither"
    elif row.starts is not None and row.ends is not None:
        if row.ends <= row.starts:
            problems["ends"] = "The end time must be after the start time"
        elif "hours" not in problems and row.hours > span_hours(row.starts, row.ends):
            problems["hours"] = (
                f"{hours_text(row.hours).capitalize()} do not fit between "
                f"{row.starts:%H:%M} and {row.ends:%H:%M}"
            )
    elif not row.part_of_day:
        problems["part_of_day"] = "Give the times, or the part of the day if no set times"
    return problems


def _day(day: int) -> str:
    return ScheduleSlot.Day(day).label


def clash(row: Row, others: Iterable[Row]) -> str | None:
    """Why `row` cannot sit beside the rows already in the tables, or None. Rows with
    times clash when they overlap; rows without, when they name the same part of the
    same day."""
    for other in others:
        if other_is(row, other):
            continue
        if other.day != row.day or not periods_meet(other.period, row.period):
            continue
        where = f"{_day(row.day)} ({Period(other.period).label.lower()}, "
        where += f"{Service(other.service).label.lower()})"
        if row.starts is not None and row.ends is not None:
            if other.starts is None or other.ends is None:
                continue
            if row.starts < other.ends and other.starts < row.ends:
                return f"This overlaps {when_text(other)} on {where}"
        elif other.starts is None and other.part_of_day == row.part_of_day:
            part = ScheduleSlot.PartOfDay(row.part_of_day).label.lower()
            article = "an" if part[0] in "aeiou" else "a"
            return f"There is already {article} {part} row on {where}"
    return None


def other_is(row: Row, other: Row) -> bool:
    """Whether `other` is the saved row that `row` changes."""
    return getattr(row, "pk", None) is not None and getattr(row, "pk", None) == getattr(
        other, "pk", None
    )


def weekly_hours(rows: Iterable[Row], *, service: str, period: str) -> Decimal:
    """The hours a week of one service in one period: an all-year row counts in term
    time and the holidays alike."""
    return sum(
        (r.hours for r in rows if r.service == service and periods_meet(r.period, period)),
        Decimal(0),
    )


@dataclass(frozen=True)
class TableRow:
    """A row as a table shows it."""

    slot: ScheduleSlot
    when: str

    @property
    def pk(self) -> int:
        return self.slot.pk

    @property
    def hours(self) -> Decimal:
        return self.slot.hours

    def get_day_display(self) -> str:
        return self.slot.get_day_display()


@dataclass(frozen=True)
class Table:
    """One weekly table as shown: its rows, in day order, and their weekly hours."""

    service: str
    period: str
    rows: list[TableRow]
    total: Decimal

    @property
    def title(self) -> str:
        period = Period(self.period).label
        return f"{Service(self.service).label}: {period.lower()}"


def tables(rows: Iterable[ScheduleSlot], *, service: str) -> list[Table]:
    """A service's tables that have rows (home care: term time, then the holidays)."""
    rows = [r for r in rows if r.service == service]
    shown = []
    for period in SERVICE_PERIODS[service]:
        own = sorted(
            (r for r in rows if r.period == period),
            key=lambda r: (r.day, r.starts or dt.time(0), r.pk or 0),
        )
        if own:
            total = sum((r.hours for r in own), Decimal(0))
            shown.append(Table(service, period, [TableRow(r, when_text(r)) for r in own], total))
    return shown
