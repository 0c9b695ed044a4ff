"""What a provider's answer to a package covers and costs, as pure reads: for each week
of the year that differs (term time, the school holidays), the hours asked, the hours
covered and their cost at the rates the provider gave."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from referrals.models import CoveredSlot, ScheduleSlot
from referrals.packages.schedule import periods_meet

Period = ScheduleSlot.Period
Rate = CoveredSlot.Rate

# Which of the answer's rates a covered row is paid at.
RATE_FIELDS: dict[str, str] = {
    Rate.STANDARD: "hourly_rate",
    Rate.UNSOCIAL: "unsocial_hourly_rate",
    Rate.TWO_CARERS: "two_carer_hourly_rate",
}
WEEKS = (Period.TERM, Period.HOLIDAY)
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class WeekCost:
    """One kind of week: the hours asked, the hours covered and what they cost."""

    period: str
    asked_hours: Decimal
    covered_hours: Decimal
    cost: Decimal

    @property
    def label(self) -> str:
        labels: dict[str, str] = {
            Period.TERM: "A term-time week",
            Period.HOLIDAY: "A school-holiday week",
            Period.ALL_YEAR: "A week",
        }
        return labels[self.period]

    @property
    def covers_all(self) -> bool:
        return self.covered_hours >= self.asked_hours


def week_costs(
    slots: Iterable[ScheduleSlot],
    covered: Mapping[int, str],
    rates: Mapping[str, Decimal | None],
) -> list[WeekCost]:
    """Each kind of week the tables ask for, with what `covered` (slot id → rate) gives
    at `rates` (rate → pounds an hour). A week with no rows asked is left out; when
    every row is all year, term time and the holidays are the same week, given once."""
    slots = list(slots)
    weeks = []
    for period in WEEKS:
        asked = [s for s in slots if periods_meet(s.period, period)]
        if not asked:
            continue
        cost = Decimal(0)
        hours = Decimal(0)
        for slot in asked:
            if slot.pk in covered:
                hours += slot.hours
                cost += slot.hours * (rates.get(covered[slot.pk]) or Decimal(0))
        weeks.append(
            WeekCost(period, sum((s.hours for s in asked), Decimal(0)), hours, cost.quantize(PENNY))
        )
    if len(weeks) == 2 and all(s.period == Period.ALL_YEAR for s in slots):
        same = weeks[0]
        return [WeekCost(Period.ALL_YEAR, same.asked_hours, same.covered_hours, same.cost)]
    return weeks


def dearest_week(weeks: Iterable[WeekCost]) -> Decimal:
    """The most a week costs: what cost approval is asked for."""
    return max((w.cost for w in weeks), default=Decimal(0))


def rate_missing(covered: Mapping[int, str], rates: Mapping[str, Decimal | None]) -> str | None:
    """The first rate a covered row is paid at that the provider did not give, if any."""
    for rate in dict.fromkeys(covered.values()):
        if not rates.get(rate):
            return rate
    return None


def answer_rates(answer) -> dict[str, Decimal | None]:
    """An answer's rates, by the kind of rate."""
    return {rate: getattr(answer, field) for rate, field in RATE_FIELDS.items()}


def answer_weeks(answer, slots: Iterable[ScheduleSlot]) -> list[WeekCost]:
    """What a saved answer covers and costs (its `covered` rows prefetched)."""
    covered = {c.slot_id: c.rate for c in answer.covered.all()}
    return week_costs(slots, covered, answer_rates(answer))
