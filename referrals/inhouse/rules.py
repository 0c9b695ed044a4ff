"""Which of the council's own carers fit a referral, and why not: pure, no database."""

import datetime as dt
from dataclasses import dataclass, field

from providers.fostering.models import CarerVacancy, CareType, FosterCarer


@dataclass(frozen=True)
class Need:
    """What the round asks of a household."""

    ages: list[int]  # each child's, on the day needed
    needed: dt.date
    kinds: list[str]  # CareType values, any of which will do


@dataclass
class Fit:
    carer: FosterCarer
    room: int  # places recorded, free by the day needed, of a kind that will do
    reasons: list[str] = field(default_factory=list)  # why not, empty when they fit

    @property
    def fits(self) -> bool:
        return not self.reasons


def need_of(*, ages: list[int], needed: dt.date, emergency: bool, parent_and_child: bool) -> Need:
    if emergency:
        kinds = [CareType.EMERGENCY]
    elif parent_and_child:
        kinds = [CareType.PARENT_AND_CHILD]
    else:
        kinds = [CareType.SHORT_TERM, CareType.LONG_TERM]
    return Need(ages=ages, needed=needed, kinds=[str(k) for k in kinds])


def fit(carer: FosterCarer, vacancies: list[CarerVacancy], need: Need) -> Fit:
    reasons = []
    if need.ages and not all(
        carer.approved_age_from <= age <= carer.approved_age_to for age in need.ages
    ):
        reasons.append(f"approved for ages {carer.approved_age_from} to {carer.approved_age_to}")
    if not set(carer.care_types) & set(need.kinds):
        reasons.append("not approved for this kind of care")
    room = sum(
        v.places
        for v in vacancies
        if (v.available_from is None or v.available_from <= need.needed)
        and set(v.care_types) & set(need.kinds)
    )
    wanted = max(len(need.ages), 1)
    if room < wanted:
        together = " for the children together" if wanted > 1 else ""
        reasons.append(f"room for {room}{together}" if room else "no room recorded")
    return Fit(carer=carer, room=room, reasons=reasons)


def fits(carers: list[FosterCarer], need: Need) -> list[Fit]:
    """Every active household, those that fit first."""
    found = [fit(carer, list(carer.vacancies.all()), need) for carer in carers]
    return sorted(found, key=lambda f: (not f.fits, -f.room, f.carer.reference))
