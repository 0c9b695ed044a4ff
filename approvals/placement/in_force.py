"""The agreement in force on each day of a placement, and what a period costs under it:
pure, given the placement and its changes (no database).

- A placement is paid from its start date up to, not including, the day it ended (the
  day the child left), and no later than its agreement's end date (the last day paid).
- Its terms on a day are those of the latest change recorded whose agreement is
  countersigned and which takes effect on or before that day; before any, the terms it
  was placed on. A change not yet countersigned (waiting for approval, or with the
  provider to sign) is not in force.
- A day costs a seventh of the weekly total in force that day; a period's cost is the
  sum of its days, rounded to the penny once, at the end.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import Placement, PlacementChange

# The weekly costs an agreement sets, which together make its total.
FEES = ("weekly_fee", "education_weekly", "therapy_weekly", "wraparound_weekly", "transport_weekly")
PENNY = Decimal("0.01")


def to_penny(amount: Decimal) -> Decimal:
    """Rounded to the penny, a half penny up, as an invoice is."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Terms:
    """The terms of one version: the fees a week, their total, the agreement's end."""

    fees: dict[str, Decimal]
    total_weekly: Decimal
    end_date: dt.date | None
    change: PlacementChange | None  # None: the terms it was placed on

    @classmethod
    def of(cls, values: dict[str, str], change: PlacementChange | None) -> "Terms":
        fees = {name: Decimal(values[name]) for name in FEES}
        end = values.get("end_date") or ""
        return cls(
            fees=fees,
            total_weekly=sum(fees.values(), Decimal(0)),
            end_date=dt.date.fromisoformat(end) if end else None,
            change=change,
        )


def terms_of(placement: Placement) -> dict[str, str]:
    """The fees and end date as the placement stands, as a change's record keeps them."""
    return {
        **{name: str(getattr(placement, name)) for name in FEES},
        "end_date": placement.end_date.isoformat() if placement.end_date else "",
    }


def original_terms(placement: Placement, changes: Sequence[PlacementChange]) -> Terms:
    """The terms it was placed on: before the first change, or as it stands if none."""
    first = min(changes, key=lambda c: (c.recorded_at, c.pk), default=None)
    return Terms.of(first.before if first is not None else terms_of(placement), None)


def in_force_changes(changes: Iterable[PlacementChange]) -> list[PlacementChange]:
    """The changes in force, latest recorded first."""
    return sorted(
        (c for c in changes if c.status == PlacementChange.Status.AGREEMENT and c.in_force),
        key=lambda c: (c.recorded_at, c.pk),
        reverse=True,
    )


def terms_on(
    placement: Placement,
    changes: Sequence[PlacementChange],
    day: dt.date,
) -> Terms | None:
    """The terms in force on `day`, or None when nothing is (before the start, from the
    day it ended, after the agreement's end date)."""
    if day < placement.start_date:
        return None
    if placement.ended_on is not None and day >= placement.ended_on:
        return None
    terms = next(
        (Terms.of(c.after, c) for c in in_force_changes(changes) if c.effective_from <= day),
        None,
    ) or original_terms(placement, changes)
    if terms.end_date is not None and day > terms.end_date:
        return None
    return terms


@dataclass(frozen=True)
class Day:
    day: dt.date
    terms: Terms | None  # None: nothing is in force
    absent: bool

    @property
    def cost(self) -> Decimal:
        """A seventh of the week's total, unrounded (a period rounds once)."""
        if self.terms is None or self.absent:
            return Decimal(0)
        return self.terms.total_weekly / 7


def each_day(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every date from `first` to `last`, both included (none when `last` is earlier)."""
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def days_of(
    placement: Placement,
    changes: Sequence[PlacementChange],
    first: dt.date,
    last: dt.date,
    *,
    absent: Iterable[dt.date] = (),
) -> list[Day]:
    """Each day from `first` to `last` (both included) with the terms in force."""
    if last < first:
        raise ValueError("The period ends before it starts")
    away = set(absent)
    return [
        Day(day, terms_on(placement, changes, day), day in away) for day in each_day(first, last)
    ]


def period_cost(days: Iterable[Day]) -> Decimal:
    """What the days cost under the agreement, to the penny."""
    return to_penny(sum((d.cost for d in days), Decimal(0)))
