"""The council's own carers and in-house rounds, built through the services."""

import datetime as dt

from providers.fostering import services as carers
from referrals.models import SearchRound
from tests.journeys import in_house_provider, searchable, sent_round


def household(duty, reference, *, ages=(0, 17), at_once=2, kinds=("long_term",), room=1):
    carer = carers.carer_save(
        values={
            "reference": reference,
            "names": f"Carers {reference}",
            "postcode_district": "",
            "approved_age_from": ages[0],
            "approved_age_to": ages[1],
            "approved_children": at_once,
            "supervising_social_worker": "",
            "skills": "",
            "is_active": True,
        },
        care_types=list(kinds),
        actor=duty,
    )
    if room:
        carers.vacancy_add(
            carer=carer, places=room, available_from=None, care_types=[kinds[0]], actor=duty
        )
    return carer


def carer_child(duty, carer, initials="AB", *, age=9):
    today = dt.date.today()
    return carers.child_add(
        carer=carer,
        values={
            "initials": initials,
            "date_of_birth": today.replace(year=today.year - age) - dt.timedelta(days=3),
            "placed_on": today - dt.timedelta(days=200),
            "social_worker": f"Sol Worker {initials}",
            "social_worker_email": f"sw.{initials.lower()}@elsewhere.example",
            "iro": f"Iris Reviewer {initials}",
            "iro_email": f"iro.{initials.lower()}@elsewhere.example",
        },
        actor=duty,
    )


def in_house_round_for(social_worker, officer, **kwargs):
    """A referral searchable and its in-house round sent (the in-house service made)."""
    in_house_provider()
    referral = searchable(social_worker, officer, **kwargs)
    return sent_round(referral, officer, kind=SearchRound.Kind.IN_HOUSE)
