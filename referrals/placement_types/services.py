"""The administrator's list of the kinds of placement a referral may ask for."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from placements.models import User
from placements.services import DomainError, field_changes_record, shown_value
from referrals.models import (
    PlacementType,
)


@transaction.atomic
def placement_type_save(
    *, values: Mapping[str, Any], actor: User, placement_type: PlacementType | None = None
) -> PlacementType:
    name = " ".join(values["name"].split())
    clash = PlacementType.objects.filter(name__iexact=name)
    if placement_type is not None:
        clash = clash.exclude(pk=placement_type.pk)
    if clash.exists():
        raise DomainError(f"There is already a placement type called {name}")
    if placement_type is None:
        placement_type = PlacementType(
            slug=slugify(name)[:90] or "type",
            ordering=PlacementType.objects.count(),
        )
        while PlacementType.objects.filter(slug=placement_type.slug).exists():
            placement_type.slug = f"{placement_type.slug}-{PlacementType.objects.count()}"
        before = {}
    else:
        placement_type = PlacementType.objects.select_for_update().get(pk=placement_type.pk)
        before = {
            "Name": placement_type.name,
            "Category": str(placement_type.category or ""),
            "In-house": shown_value(placement_type, "is_in_house"),
            "In use": shown_value(placement_type, "is_active"),
        }
    placement_type.name = name
    placement_type.category = values["category"]
    placement_type.is_in_house = values["is_in_house"]
    placement_type.is_active = values["is_active"]
    placement_type.save()
    field_changes_record(
        instance=placement_type,
        before=before,
        after={
            "Name": placement_type.name,
            "Category": str(placement_type.category or ""),
            "In-house": shown_value(placement_type, "is_in_house"),
            "In use": shown_value(placement_type, "is_active"),
        },
        actor=actor,
    )
    return placement_type
