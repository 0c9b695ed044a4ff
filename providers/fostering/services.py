"""The fostering service's writes about its carers, each with field history."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.services import DomainError, field_changes_record

from .models import CarerChild, CarerVacancy, CareType, FosterCarer

CARER_FIELDS = (
    "reference",
    "names",
    "postcode_district",
    "approved_age_from",
    "approved_age_to",
    "approved_children",
    "supervising_social_worker",
    "skills",
    "is_active",
)


def _shown(carer: FosterCarer) -> dict[str, str]:
    return {
        "Reference": carer.reference,
        "Carers": carer.names,
        "Postcode district": carer.postcode_district,
        "Approved for ages": f"{carer.approved_age_from} to {carer.approved_age_to}",
        "Children at once": str(carer.approved_children),
        "Kinds of care": ", ".join(carer.care_type_labels),
        "Supervising social worker": carer.supervising_social_worker,
        "Training and experience": carer.skills,
        "Status": "Active" if carer.is_active else "No longer fostering",
    }


@transaction.atomic
def carer_save(
    *,
    values: Mapping[str, Any],
    care_types: Sequence[str],
    actor: User,
    carer: FosterCarer | None = None,
) -> FosterCarer:
    """Add a household of carers, or change one: its approval and who supervises it."""
    if not care_types or set(care_types) - set(CareType.values):
        raise DomainError("Choose at least one kind of care the carers are approved for")
    reference = str(values["reference"]).strip().upper()
    same = FosterCarer.objects.filter(reference__iexact=reference)
    if (same.exclude(pk=carer.pk) if carer else same).exists():
        raise DomainError(f"There are already carers with the reference {reference}")
    if values["approved_age_from"] > values["approved_age_to"]:
        raise DomainError("The youngest age must not be more than the oldest age")
    carer = FosterCarer.objects.select_for_update().get(pk=carer.pk) if carer else FosterCarer()
    before = _shown(carer) if carer.pk else {}
    for name in CARER_FIELDS:
        if name in values:
            setattr(carer, name, values[name])
    carer.reference = reference
    carer.postcode_district = "".join(carer.postcode_district.upper().split())
    carer.care_types = [value for value in CareType.values if value in care_types]
    carer.full_clean()
    carer.save()
    field_changes_record(instance=carer, before=before, after=_shown(carer), actor=actor)
    return carer


def children_now(carer: FosterCarer) -> list[CarerChild]:
    return [child for child in carer.children.all() if child.left_on is None]


@transaction.atomic
def child_add(*, carer: FosterCarer, values: Mapping[str, Any], actor: User) -> CarerChild:
    """A child now living with the carers (placed by this council or another)."""
    locked = FosterCarer.objects.select_for_update().get(pk=carer.pk)
    if len(children_now(locked)) >= locked.approved_children:
        raise DomainError(
            f"The carers are approved for {locked.approved_children} "
            f"child{'ren' if locked.approved_children != 1 else ''} at once and have that many"
        )
    if values["placed_on"] > timezone.localdate():
        raise DomainError("The date the child came must be today or earlier")
    child = CarerChild(carer=locked, **values)
    child.full_clean()
    child.save()
    field_changes_record(
        instance=locked,
        before={"Children living with them": ""},
        after={
            "Children living with them": f"{child.initials} came on {child.placed_on:%-d %B %Y}"
        },
        actor=actor,
    )
    return child


@transaction.atomic
def child_leave(*, child: CarerChild, left_on: dt.date, actor: User) -> CarerChild:
    locked = CarerChild.objects.select_for_update().get(pk=child.pk)
    if locked.left_on is not None:
        raise DomainError("This child has already left")
    if left_on < locked.placed_on or left_on > timezone.localdate():
        raise DomainError("The date the child left must be after they came, and not in the future")
    locked.left_on = left_on
    locked.save(update_fields=["left_on"])
    field_changes_record(
        instance=locked.carer,
        before={"Children living with them": f"{locked.initials}"},
        after={"Children living with them": f"{locked.initials} left on {left_on:%-d %B %Y}"},
        actor=actor,
    )
    return locked


def room_for(carer: FosterCarer) -> int:
    """How many more children the carers' approval leaves room for now."""
    return max(carer.approved_children - len(children_now(carer)), 0)


@transaction.atomic
def vacancy_add(
    *,
    carer: FosterCarer,
    places: int,
    available_from: dt.date | None,
    care_types: Sequence[str],
    actor: User,
) -> CarerVacancy:
    """Room the carers have: no more places than their approval leaves, of kinds of care
    they are approved for."""
    locked = FosterCarer.objects.select_for_update().get(pk=carer.pk)
    if not locked.is_active:
        raise DomainError("These carers are no longer fostering")
    declared = sum(v.places for v in locked.vacancies.all())
    if places < 1 or declared + places > room_for(locked):
        raise DomainError(
            f"The carers' approval leaves room for {room_for(locked)} more "
            f"child{'ren' if room_for(locked) != 1 else ''}, and {declared} "
            f"{'is' if declared == 1 else 'are'} already recorded"
        )
    if not care_types or set(care_types) - set(locked.care_types):
        raise DomainError("Choose kinds of care the carers are approved for")
    if available_from and available_from < timezone.localdate():
        raise DomainError("The date the room is free from must be today or later")
    vacancy = CarerVacancy.objects.create(
        carer=locked, places=places, available_from=available_from, care_types=list(care_types)
    )
    field_changes_record(
        instance=locked,
        before={"Room": ""},
        after={
            "Room": f"{places} from {available_from:%-d %B %Y}"
            if available_from
            else f"{places} now"
        },
        actor=actor,
    )
    return vacancy


@transaction.atomic
def vacancy_remove(*, vacancy: CarerVacancy, actor: User) -> None:
    locked = FosterCarer.objects.select_for_update().get(pk=vacancy.carer_id)
    CarerVacancy.objects.filter(pk=vacancy.pk, carer=locked).delete()
    field_changes_record(
        instance=locked,
        before={"Room": f"{vacancy.places}"},
        after={"Room": "taken off"},
        actor=actor,
    )
