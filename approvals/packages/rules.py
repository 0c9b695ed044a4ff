"""The rules of awarding a package, as pure reads: which parts make a whole award (each
service asked for, whole or, where the council allows, home care's term time and
school holidays to one provider each), and what a week of the awarded package costs."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from referrals.models import ProviderAnswer, ScheduleSlot, Service
from referrals.packages.costing import WeekCost, answer_weeks

Period = ScheduleSlot.Period
WHOLE = ""
SPLIT = (Period.TERM, Period.HOLIDAY)


@dataclass(frozen=True)
class Part:
    """One provider's part of an award: a service, whole or for one part of the year."""

    answer: ProviderAnswer
    service: str
    period: str = WHOLE

    @property
    def label(self) -> str:
        name = Service(self.service).label
        return f"{name}, {Period(self.period).label.lower()}" if self.period else name


def parts_problem(
    parts: Sequence[Part], *, services_asked: Sequence[str], split_allowed: bool
) -> str | None:
    """Why these parts are not a whole award of the package, or None."""
    for part in parts:
        if part.service not in services_asked:
            return "This referral does not ask for that service"
    for service in services_asked:
        label = Service(service).label.lower()
        periods = sorted(part.period for part in parts if part.service == service)
        if periods == [WHOLE]:
            continue
        if not periods:
            return f"Award the {label} too: every service asked for is awarded at once"
        if periods == sorted(SPLIT) and service == Service.HOME_CARE:
            if not split_allowed:
                return "The council does not split home care between two providers"
            continue
        return (
            f"Award the {label} to one provider, or (home care, where the council allows "
            "it) term time to one provider and the school holidays to another"
        )
    return None


def part_weeks(part: Part, slots: Iterable[ScheduleSlot]) -> list[WeekCost]:
    """The weeks a part pays for: a split part only its own kind of week."""
    weeks = answer_weeks(part.answer, [s for s in slots if s.service == part.service])
    return [w for w in weeks if not part.period or w.period == part.period]


def part_weekly(part: Part, slots: Iterable[ScheduleSlot]) -> Decimal:
    """What the part costs in its dearest week."""
    return max((w.cost for w in part_weeks(part, slots)), default=Decimal(0))


def package_weekly(
    parts: Sequence[Part],
    slots: Sequence[ScheduleSlot],
    in_place: Iterable[tuple[str, Decimal]] = (),
) -> Decimal:
    """What the whole package costs in its dearest week: the parts that run at once
    (each service; term time or the holidays) added up, week by week, with the weeks of
    any parts already in place (kind of week, cost)."""
    weeks = [(w.period, w.cost) for part in parts for w in part_weeks(part, slots)]
    totals: dict[str, Decimal] = {Period.TERM: Decimal(0), Period.HOLIDAY: Decimal(0)}
    for period, cost in [*weeks, *in_place]:
        for kind in SPLIT if period == Period.ALL_YEAR else (period,):
            totals[kind] += cost
    return max(totals.values())
