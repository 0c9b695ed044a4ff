"""Part C's terms for a package, as the placement records them when it is confirmed:
the weekly tables the provider covers (days, times, hours and the rate each is paid at),
the rates, each kind of week's hours and cost, the service dates and bank holidays.
Kept on the placement, so the agreement says what was awarded even if anything changes."""

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal

from referrals.models import ProviderAnswer, Referral, ScheduleSlot, SupportPackage
from referrals.packages.costing import answer_rates, week_costs
from referrals.packages.schedule import hours_number, periods_meet, tables


def package_terms(
    referral: Referral,
    answer: ProviderAnswer,
    *,
    redact: Callable[[str], str],
    period: str = "",
    hours: Mapping[str, str] | None = None,
    dropped: Collection[int] = (),
    end: dt.date | None = None,
) -> dict:
    """The terms of one provider's part (a service, whole or `period` of it), every word
    from the referral through `redact` (the pack's redactor): the agreement goes to the
    provider. After a variation: rows' `hours` as varied (slot id → hours), the rows
    `dropped` and the new `end`."""
    service = answer.request.round.service
    asked = answer.request.round.rows
    slots = [
        slot
        for slot in referral.schedule.filter(service=service)
        if (not period or periods_meet(slot.period, period)) and (not asked or slot.pk in asked)
    ]
    for slot in slots:
        if hours and str(slot.pk) in hours:
            slot.hours = Decimal(hours[str(slot.pk)])
    covered = {
        c.slot_id: c
        for c in answer.covered.all()
        if c.slot_id in {s.pk for s in slots} and c.slot_id not in dropped
    }
    package = SupportPackage.objects.get(referral=referral)
    rates = answer_rates(answer)
    return {
        "service": answer.request.round.get_service_display()
        + (f", {ScheduleSlot.Period(period).label.lower()}" if period else ""),
        "staff_reference": answer.carer_reference,
        "rates": [
            {"label": label, "hourly": str(rates[rate])}
            for rate, label in (
                ("standard", "Standard"),
                ("unsocial", "Unsocial hours"),
                ("two_carers", "Two carers"),
            )
            if rates[rate]
        ],
        "tables": [
            {
                "title": table.title,
                "rows": [
                    {
                        "day": row.get_day_display(),
                        "when": row.when,
                        "hours": hours_number(row.hours),
                        "rate": covered[row.pk].get_rate_display(),
                    }
                    for row in table.rows
                ],
                "total": hours_number(table.total),
            }
            for table in tables([s for s in slots if s.pk in covered], service=service)
        ],
        "weeks": [
            {
                "label": week.label,
                "period": str(week.period),
                "hours": hours_number(week.covered_hours),
                "cost": str(week.cost),
            }
            for week in week_costs(slots, {pk: c.rate for pk, c in covered.items()}, rates)
            if not period or week.period == period
        ],
        "uncovered": len(slots) - len(covered),
        "start": f"{package.start_date:%-d %B %Y}" if package.start_date else "",
        "end": f"{(end or package.end_date):%-d %B %Y}" if (end or package.end_date) else "",
        "bank_holidays": (
            f"Covered: {redact(package.bank_holiday_reason)}"
            if package.bank_holidays_needed
            else "Not covered"
        ),
    }
