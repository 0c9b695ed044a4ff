"""Referrals built the way people build them: through the services."""

import datetime as dt

from django.utils import timezone

from referrals import services
from referrals.models import PlacementType, Referral

CHILD = {
    "first_name": "Jayden",
    "middle_names": "",
    "last_name": "O'Brien",
    "known_as": "Jay",
    "date_of_birth": dt.date(2013, 3, 4),
    "gender": "Male",
    "ethnicity": "White British",
    "religion": "None",
    "first_language": "English",
    "legal_status": "Section 20",
    "address": "12 Mill Lane, Barnley",
    "postcode": "LE1 6ZG",
    "school": "Barnley Academy",
    "sen_disability": "ADHD",
    "health": "Asthma",
    "behaviours": "None",
    "risks": "Goes missing when anxious",
    "interests": "Football",
}


def needs(**overrides) -> dict:
    values = {
        "kind": Referral.Kind.PLANNED,
        "is_urgent": False,
        "placement_type": PlacementType.objects.get(slug="external-foster"),
        "date_needed": timezone.localdate() + dt.timedelta(days=14),
        "expected_duration": "Long term",
        "location_preferences": "Near school",
        "location_restrictions": "N/A",
        "education_needed": False,
        "therapy_needed": False,
        "education_therapy_details": "",
        "weekly_budget": None,
    }
    values.update(overrides)
    return values


def complete_draft(social_worker, *, children=1) -> Referral:
    referral = services.referral_start(social_worker=social_worker)
    for n in range(children):
        services.child_save(
            referral=referral,
            values={**CHILD, "first_name": f"{CHILD['first_name']}{n or ''}"},
            actor=social_worker,
        )
    services.person_save(
        referral=referral,
        values={"full_name": "Kerry O'Brien", "relationship": "Mum", "notes": ""},
        actor=social_worker,
    )
    extra = {"siblings": Referral.Siblings.TOGETHER} if children > 1 else {}
    services.referral_update_needs(referral=referral, values=needs(**extra), actor=social_worker)
    services.outcomes_set(referral=referral, texts=["Stays at his school"], actor=social_worker)
    services.referral_update_profile(
        referral=referral, getting_to_know_me="I like football.", actor=social_worker
    )
    referral.refresh_from_db()
    return referral


def submitted(social_worker) -> Referral:
    return services.referral_submit(referral=complete_draft(social_worker), actor=social_worker)


# --- What the section pages post -------------------------------------------------------


def child_form(**overrides):
    data = {k: v for k, v in CHILD.items() if k != "date_of_birth"}
    data.update({"date_of_birth_0": "4", "date_of_birth_1": "3", "date_of_birth_2": "2013"})
    data.update(overrides)
    return data


def needs_form(referral_type, **overrides):
    needed = timezone.localdate() + dt.timedelta(days=7)
    data = {
        "kind": "planned",
        "is_urgent": "False",
        "placement_type": referral_type.pk,
        "date_needed_0": needed.day,
        "date_needed_1": needed.month,
        "date_needed_2": needed.year,
        "expected_duration": "Long term",
        "location_preferences": "None",
        "location_restrictions": "N/A",
        "education_needed": "False",
        "therapy_needed": "False",
        "education_therapy_details": "",
        "weekly_budget": "",
    }
    data.update(overrides)
    return data
