"""An invoice's check against the agreement in force on each day it claims for: pure,
given the placement, its changes and the one-off costs still to pay."""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from placements.formatting import money
from referrals.packages.schedule import hours_number

from ..packages.models import PackageVariation
from ..placement import in_force
from ..placement.models import Placement, PlacementChange
from .models import InvoiceLine

Kind = InvoiceLine.Kind
to_penny = in_force.to_penny
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
    notes: list[str] = field(default_factory=list)  # a package's: rates and hours over

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
        found += self.notes
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
    today: dt.date | None = None,
) -> Check:
    """Each kind of line against the agreement day by day: the weekly fee in force, the
    other weekly costs in force, and the one-off costs agreed and not yet paid. Days on
    another invoice (`elsewhere`) are not paid twice. Days after `today` are paid in
    advance, and said."""
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
    weekly_allowed = to_penny(weekly)
    total_allowed = to_penny(total)
    claimed: dict[str, Decimal] = {kind: Decimal(0) for kind in Kind.values}
    for kind, amount in lines:
        claimed[kind] += amount
    allowed = {
        Kind.WEEKLY: weekly_allowed,
        Kind.ADDITIONAL: total_allowed - weekly_allowed,
        Kind.ONE_OFF: max(one_off_left, Decimal(0)),
    }
    to_come = sum(1 for d in days if today and d.day > today and d.terms is not None)
    return Check(
        notes=[f"{to_come} day{'s' * (to_come != 1)} still to come, paid in advance"]
        if to_come
        else [],
        kinds=[
            KindCheck(kind, claimed[kind], allowed[Kind(kind)])
            for kind in (Kind.WEEKLY, Kind.ADDITIONAL, Kind.ONE_OFF)
            if claimed[kind] or kind != Kind.ONE_OFF
        ],
        **_days_counted(placement, [(d.day, d.terms is not None, d.absent) for d in days], billed),
    )


def _days_counted(
    placement: Placement,
    days: Sequence[tuple[dt.date, bool, bool]],
    billed: set[dt.date],
    *,
    end_on: Callable[[dt.date], dt.date | None] | None = None,
) -> dict[str, Any]:
    """The period's days (day, anything in force, the child away) counted for a Check;
    `end_on(day)` is the end date in force on a day (the placement's, when not given)."""
    ended = placement.ended_on
    end_on = end_on or (lambda _day: placement.end_date)
    return {
        "days": len(days),
        "paid_days": sum(1 for _, paid, away in days if paid and not away),
        "absent_days": sum(1 for _, paid, away in days if away and paid),
        "after_end": [
            day
            for day, paid, _ in days
            if not paid
            and day >= placement.start_date
            and (
                (ended is not None and day >= ended)
                or ((end := end_on(day)) is not None and day > end)
            )
        ],
        "before_start": sum(1 for day, _, _ in days if day < placement.start_date),
        "elsewhere": sum(1 for day, paid, _ in days if day in billed and paid),
    }


# --- A package's invoice: hours of support at hourly rates ----------------------------

# A line of hours at most: every hour of the longest period; a rate at most, an hour.
MOST_HOURS = Decimal(24 * LONGEST_PERIOD_DAYS)
MOST_RATE = Decimal("999.99")
# The package terms' rate labels, and the rate each names.
RATES = {"standard": "Standard", "unsocial": "Unsocial hours", "two_carers": "Two carers"}


@dataclass(frozen=True)
class HoursLine:
    rate_kind: str  # a key of RATES
    hours: Decimal
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PackageTerms:
    """What a package's terms allow: each agreed rate an hour, the hours of its busiest
    week and the cost of its dearest."""

    rates: dict[str, Decimal]
    week_hours: Decimal
    week_cost: Decimal

    @classmethod
    def of(cls, terms: dict[str, Any]) -> "PackageTerms":
        kinds = {label: kind for kind, label in RATES.items()}
        weeks = terms.get("weeks", [])
        return cls(
            rates={
                kinds[rate["label"]]: Decimal(rate["hourly"])
                for rate in terms.get("rates", [])
                if rate.get("label") in kinds
            },
            week_hours=max((Decimal(w["hours"]) for w in weeks), default=Decimal(0)),
            week_cost=max((Decimal(w["cost"]) for w in weeks), default=Decimal(0)),
        )


def _package_terms_dict_on(
    placement: Placement, variations: Sequence[PackageVariation], day: dt.date
) -> dict[str, Any]:
    """The terms (as `Placement.package_terms` keeps them, with the end date) in force on
    `day`: those the latest variation set whose new agreement is countersigned and which
    takes effect by then; before any, the terms it was awarded on."""
    recorded = sorted(variations, key=lambda v: (v.recorded_at, v.pk))
    in_force = [
        v
        for v in recorded
        if v.terms_after and v.agreement is not None and v.agreement.countersigned_at is not None
    ]
    terms = next((v.terms_after for v in reversed(in_force) if v.effective_from <= day), None)
    if terms is None:
        first = next((v for v in recorded if v.terms_before), None)
        terms = first.terms_before if first is not None else placement.package_terms
    return terms


def _end_of(placement: Placement, terms: dict[str, Any]) -> dt.date | None:
    if "end_date" not in terms:  # kept before variations recorded their terms
        return placement.end_date
    return dt.date.fromisoformat(terms["end_date"]) if terms["end_date"] else None


def package_terms_on(
    placement: Placement, variations: Sequence[PackageVariation], day: dt.date
) -> PackageTerms | None:
    """The package's terms in force on `day`, or None before the start, from the day it
    ended, or after the end date in force that day."""
    if day < placement.start_date:
        return None
    if placement.ended_on is not None and day >= placement.ended_on:
        return None
    terms = _package_terms_dict_on(placement, variations, day)
    end = _end_of(placement, terms)
    if end is not None and day > end:
        return None
    return PackageTerms.of(terms)


def hours_check(
    placement: Placement,
    variations: Sequence[PackageVariation],
    *,
    period_start: dt.date,
    period_end: dt.date,
    lines: Sequence[HoursLine],
    today: dt.date,
    absent: Iterable[dt.date] = (),
    elsewhere: Iterable[dt.date] = (),
) -> Check:
    """Hours of support delivered against the package's terms day by day: each hour at no
    more than the rate agreed for it, no more hours than a seventh of the busiest week's
    on each day paid, and no more than a seventh of the dearest week's cost a day. A day
    after `today` is not paid yet (the hours are not delivered). A week's hours are not
    split between term time and the holidays: the busiest week is the ceiling."""
    if period_end < period_start:
        raise ValueError("The period ends before it starts")
    away, billed = set(absent), set(elsewhere)
    days = [
        (day, package_terms_on(placement, variations, day))
        for day in in_force.each_day(period_start, period_end)
    ]
    to_come = sum(1 for day, terms in days if terms and day > today)
    paid = [
        terms
        for day, terms in days
        if terms and day not in away and day not in billed and day <= today
    ]
    hours_allowed = to_penny(sum((t.week_hours / 7 for t in paid), Decimal(0)))
    cost_allowed = to_penny(sum((t.week_cost / 7 for t in paid), Decimal(0)))
    agreed: dict[str, Decimal] = {}
    in_force_days = [terms for _, terms in days if terms] or [
        PackageTerms.of(placement.package_terms or {})
    ]
    for terms in in_force_days:
        for kind, rate in terms.rates.items():
            agreed[kind] = max(agreed.get(kind, Decimal(0)), rate)
    notes = []
    if to_come:
        notes.append(
            f"{to_come} day{'s' * (to_come != 1)} still to come: hours are paid once delivered"
        )
    if placement.period:
        part = "school holidays" if placement.period == "holiday" else "term time"
        notes.append(
            f"This part covers the {part} only: check the days invoiced fall in it (term "
            "dates are not kept here)"
        )
    if any(not v.terms_after for v in variations):
        notes.append(
            "The package was varied before each variation's terms were kept: every day is "
            "checked against its terms as they now stand"
        )
    at_rates = Decimal(0)
    hours_claimed = Decimal(0)
    for line in lines:
        label = RATES.get(line.rate_kind, line.rate_kind)
        if line.rate_kind not in agreed:
            notes.append(f"{label} hours: no {label.lower()} rate is agreed for the period")
            continue
        rate = agreed[line.rate_kind]
        hours_claimed += line.hours
        at_rates += line.hours * min(line.rate, rate)
        if line.rate > rate:
            notes.append(
                f"{label} rate: claimed {money(line.rate)} an hour, the agreement says "
                f"{money(rate)}: {money(to_penny(line.hours * (line.rate - rate)))} over"
            )
    if hours_claimed > hours_allowed:
        notes.append(
            f"Hours: claimed {hours_number(hours_claimed)}, the agreement allows at most "
            f"{hours_number(hours_allowed)} for the days paid"
        )
        at_rates = at_rates * hours_allowed / hours_claimed
    claimed = sum((line.amount for line in lines), Decimal(0))
    allowed = min(claimed, to_penny(at_rates), cost_allowed)
    if to_penny(at_rates) > cost_allowed and claimed > cost_allowed:
        notes.append(
            f"Cost: the agreement allows at most {money(cost_allowed)} for the days paid "
            "(a seventh of the dearest week a day)"
        )
    return Check(
        kinds=[KindCheck(Kind.HOURS, claimed, allowed)],
        notes=notes,
        **_days_counted(
            placement,
            [(day, t is not None, day in away) for day, t in days],
            billed,
            end_on=lambda day: _end_of(
                placement, _package_terms_dict_on(placement, variations, day)
            ),
        ),
    )
