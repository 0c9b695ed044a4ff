"""An invoice's check against the agreement in force on each day it claims for: pure,
given the placement, its changes and the one-off costs still to pay."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from placements.formatting import money

from ..placement import in_force
from ..placement.models import Placement, PlacementChange
from .models import InvoiceLine

Kind = InvoiceLine.Kind
PENNY = in_force.PENNY
# The longest period one invoice may cover.
LONGEST_PERIOD_DAYS = 93


@dataclass(frozen=True)
class KindCheck:
    """The lines of one kind against what the agreement allows for them."""

    kind: str
    claimed: Decimal
    allowed: Decimal

    @property
    def over(self) -> Decimal:
        return max(self.claimed - self.allowed, Decimal(0))

    @property
    def label(self) -> str:
        return str(Kind(self.kind).label)


@dataclass
class Check:
    kinds: list[KindCheck]
    days: int  # in the period
    paid_days: int  # in force and the child there
    absent_days: int
    after_end: list[dt.date] = field(default_factory=list)  # days after the placement ended
    before_start: int = 0
    elsewhere: int = 0  # days already on another invoice

    @property
    def claimed(self) -> Decimal:
        return sum((k.claimed for k in self.kinds), Decimal(0))

    @property
    def allowed(self) -> Decimal:
        """What may be approved: each kind's claim, no more than the agreement allows."""
        return sum((min(k.claimed, k.allowed) for k in self.kinds), Decimal(0))

    @property
    def over(self) -> Decimal:
        return self.claimed - self.allowed

    @property
    def flags(self) -> list[str]:
        """What the officer should look at, each with its amount or days."""
        found = [
            f"{k.label}: claimed {money(k.claimed)}, the agreement allows {money(k.allowed)}: "
            f"{money(k.over)} over"
            for k in self.kinds
            if k.over
        ]
        if self.after_end:
            found.append(
                f"{len(self.after_end)} day{'s' * (len(self.after_end) != 1)} claimed after the "
                f"placement ended (from {self.after_end[0]:%-d %B %Y})"
            )
        if self.before_start:
            found.append(
                f"{self.before_start} day{'s' * (self.before_start != 1)} before the placement "
                "started"
            )
        if self.elsewhere:
            found.append(
                f"{self.elsewhere} day{'s' * (self.elsewhere != 1)} already on another invoice"
            )
        if self.absent_days:
            found.append(
                f"{self.absent_days} day{'s' * (self.absent_days != 1)} the child was not there"
            )
        return found


def invoice_check(
    placement: Placement,
    changes: Sequence[PlacementChange],
    *,
    period_start: dt.date,
    period_end: dt.date,
    lines: Iterable[tuple[str, Decimal]],
    absent: Iterable[dt.date] = (),
    elsewhere: Iterable[dt.date] = (),
    one_off_left: Decimal = Decimal(0),
) -> Check:
    """Each kind of line against the agreement day by day: the weekly fee in force, the
    other weekly costs in force, and the one-off costs agreed and not yet paid. Days on
    another invoice (`elsewhere`) are not paid twice."""
    days = in_force.days_of(placement, changes, period_start, period_end, absent=absent)
    billed = set(elsewhere)
    weekly = Decimal(0)
    total = Decimal(0)
    for day in days:
        if day.terms is None or day.absent or day.day in billed:
            continue
        weekly += day.terms.fees["weekly_fee"] / 7
        total += day.terms.total_weekly / 7
    # Rounded once, as the period's cost is: the other weekly costs are the rest.
    weekly_allowed = weekly.quantize(PENNY)
    total_allowed = total.quantize(PENNY)
    claimed: dict[str, Decimal] = {kind: Decimal(0) for kind in Kind.values}
    for kind, amount in lines:
        claimed[kind] += amount
    allowed = {
        Kind.WEEKLY: weekly_allowed,
        Kind.ADDITIONAL: total_allowed - weekly_allowed,
        Kind.ONE_OFF: max(one_off_left, Decimal(0)),
    }
    ended = placement.ended_on
    return Check(
        kinds=[
            KindCheck(kind, claimed[kind], allowed[Kind(kind)])
            for kind in Kind.values
            if claimed[kind] or kind != Kind.ONE_OFF
        ],
        days=len(days),
        paid_days=sum(1 for d in days if d.terms is not None and not d.absent),
        absent_days=sum(1 for d in days if d.absent and d.terms is not None),
        after_end=[
            d.day
            for d in days
            if d.terms is None
            and d.day >= placement.start_date
            and (
                (ended is not None and d.day >= ended)
                or (placement.end_date is not None and d.day > placement.end_date)
            )
        ],
        before_start=sum(1 for d in days if d.day < placement.start_date),
        elsewhere=sum(1 for d in days if d.day in billed and d.terms is not None),
    )
