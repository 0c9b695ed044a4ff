"""Every write to the provider directory (providers and specialisms), each leaving
field-level history, and the snapshot of a provider that history compares."""

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from placements.models import User
from placements.services import (
    DomainError,
    field_changes_record,
    field_changes_record_many,
    shown_value,
)

from ..models import Area, Category, Provider, ProviderCategory, Specialism

# Plain model fields a form or an import may set, in the order history shows them.
PROVIDER_FIELDS = [
    "name",
    "reference",
    "provider_type",
    "tier",
    "is_in_house",
    "ofsted_urn",
    "postcode_district",
    "ofsted_rating",
    "ofsted_inspection_date",
    "ofsted_registration_status",
    "qa_initial_visit_date",
    "qa_latest_annual_visit_date",
    "ri_exception_agreed_by",
    "ri_exception_agreed_on",
    "age_from",
    "age_to",
    "genders",
    "capacity",
    "vacancies",
    "vacancy_available_from",
    "referral_emails",
    "phone",
    "notes",
]


def _field_label(name: str) -> str:
    """A Provider field's label as history shows it: "Ofsted URN", "In-house"."""
    field = Provider._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"Provider.{name} is not a field of its own")
    return str(capfirst(field.verbose_name))


def provider_snapshot(provider: Provider) -> dict[str, str]:
    """What a person reads as the provider's values, keyed by field label."""
    shown = {_field_label(name): shown_value(provider, name) for name in PROVIDER_FIELDS}
    if provider.pk:
        shown["Categories"] = "; ".join(
            f"{pc.category.name} ({pc.get_framework_status_display()})"
            for pc in provider.provider_categories.select_related("category")
        )
        shown["Specialisms"] = ", ".join(s.name for s in provider.specialisms.order_by("name"))
        shown["Areas covered"] = ", ".join(a.name for a in provider.areas.order_by("name"))
        shown["Status"] = "Archived" if provider.is_archived else "Active"
    return shown


def _apply(
    provider: Provider,
    *,
    values: Mapping[str, Any],
    categories: Mapping[Category, str] | None,
    specialisms: list[Specialism] | None,
    areas: list[Area] | None = None,
) -> None:
    for name in PROVIDER_FIELDS:
        if name in values:
            setattr(provider, name, values[name])
    if provider.age_from > provider.age_to:
        raise DomainError("The youngest age must not be more than the oldest age")
    if provider.vacancies > provider.capacity:
        raise DomainError("Vacancies cannot be more than capacity")
    provider.full_clean(exclude=["categories", "specialisms"], validate_unique=True)
    provider.save()
    if categories is not None:
        wanted = {category.pk: status for category, status in categories.items()}
        existing = {pc.category_id: pc for pc in provider.provider_categories.all()}
        provider.provider_categories.exclude(category_id__in=wanted).delete()
        for category_id, status in wanted.items():
            current = existing.get(category_id)
            if current is None:
                ProviderCategory.objects.create(
                    provider=provider, category_id=category_id, framework_status=status
                )
            elif current.framework_status != status:
                current.framework_status = status
                current.save(update_fields=["framework_status"])
    if specialisms is not None:
        provider.specialisms.set(specialisms)
    if areas is not None:
        provider.areas.set(areas)


@transaction.atomic
def provider_create(
    *,
    values: Mapping[str, Any],
    categories: Mapping[Category, str],
    specialisms: list[Specialism],
    actor: User | None,
    source: str = "created",
    areas: list[Area] | None = None,
) -> Provider:
    provider = Provider()
    _apply(provider, values=values, categories=categories, specialisms=specialisms, areas=areas)
    field_changes_record(
        instance=provider, before={}, after=provider_snapshot(provider), actor=actor, source=source
    )
    return provider


@transaction.atomic
def provider_update(
    *,
    provider: Provider,
    values: Mapping[str, Any],
    categories: Mapping[Category, str] | None,
    specialisms: list[Specialism] | None,
    actor: User | None,
    source: str = "edit",
    areas: list[Area] | None = None,
) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    before = provider_snapshot(provider)
    _apply(provider, values=values, categories=categories, specialisms=specialisms, areas=areas)
    field_changes_record(
        instance=provider,
        before=before,
        after=provider_snapshot(provider),
        actor=actor,
        source=source,
    )
    return provider


@transaction.atomic
def providers_fields_update(
    *,
    values_by_provider: Mapping[int, Mapping[str, Any]],
    actor: User | None,
    source: str,
) -> list[Provider]:
    """Plain fields (`PROVIDER_FIELDS`, not categories, specialisms or areas) of many
    providers at once, keyed by the provider's pk: each value checked as the model checks
    it, the history of every change kept, in a few statements however many there are
    (a feed like Ofsted's changes hundreds together)."""
    names = sorted({name for values in values_by_provider.values() for name in values})
    if set(names) - set(PROVIDER_FIELDS):
        raise ValueError(f"Not plain provider fields: {set(names) - set(PROVIDER_FIELDS)}")
    if not names:
        return []
    providers = Provider.objects.select_for_update().in_bulk(list(values_by_provider))
    others = [f.name for f in Provider._meta.concrete_fields if f.name not in names]
    now = timezone.now()
    history = []
    for pk, values in values_by_provider.items():
        provider = providers[pk]
        before = {_field_label(name): shown_value(provider, name) for name in values}
        for name, value in values.items():
            setattr(provider, name, value)
        try:
            provider.clean_fields(exclude=others)
        except ValidationError as error:
            raise DomainError(f"{provider.name}: {' '.join(error.messages)}") from error
        provider.updated_at = now
        after = {_field_label(name): shown_value(provider, name) for name in values}
        history.append((provider, before, after))
    changed = [providers[pk] for pk in values_by_provider]
    Provider.objects.bulk_update(changed, [*names, "updated_at"], batch_size=500)
    field_changes_record_many(history, actor=actor, source=source)
    return changed


@transaction.atomic
def provider_archive(*, provider: Provider, actor: User) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if provider.is_archived:
        raise DomainError("This provider is already archived")
    _provider_set_archived(provider=provider, archived=True, actor=actor, source="archived")
    return provider


@transaction.atomic
def provider_restore(*, provider: Provider, actor: User) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if not provider.is_archived:
        raise DomainError("This provider is not archived")
    _provider_set_archived(provider=provider, archived=False, actor=actor, source="restored")
    return provider


def _provider_set_archived(
    *, provider: Provider, archived: bool, actor: User | None, source: str
) -> None:
    before = provider_snapshot(provider)
    provider.is_archived = archived
    provider.archived_at = timezone.now() if archived else None
    provider.archived_by = actor if archived else None
    provider.save(update_fields=["is_archived", "archived_at", "archived_by", "updated_at"])
    field_changes_record(
        instance=provider,
        before=before,
        after=provider_snapshot(provider),
        actor=actor,
        source=source,
    )


@transaction.atomic
def specialism_create(*, name: str, actor: User | None) -> Specialism:
    name = " ".join(name.split())
    if Specialism.objects.filter(name__iexact=name).exists():
        raise DomainError(f"There is already a specialism called {name}")
    return Specialism.objects.create(name=name)


@transaction.atomic
def specialism_update(
    *, specialism: Specialism, name: str, is_active: bool, actor: User
) -> Specialism:
    name = " ".join(name.split())
    if Specialism.objects.filter(name__iexact=name).exclude(pk=specialism.pk).exists():
        raise DomainError(f"There is already a specialism called {name}")
    specialism = Specialism.objects.select_for_update().get(pk=specialism.pk)
    specialism.name = name
    specialism.is_active = is_active
    specialism.save(update_fields=["name", "is_active"])
    return specialism


DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


def _districts(text: str) -> list[str]:
    """ "LE1, le2 LE67" → ["LE1", "LE2", "LE67"]; anything else is refused."""
    given = [part for part in re.split(r"[\s,;]+", text.upper()) if part]
    wrong = [part for part in given if not DISTRICT.fullmatch(part)]
    if wrong:
        raise DomainError(
            "Give postcode districts, the part of a postcode before the space, like LE1 or "
            f"LE67 (not: {', '.join(wrong)})"
        )
    if not given:
        raise DomainError("Give at least one postcode district, like LE1")
    return list(dict.fromkeys(given))


@transaction.atomic
def area_save(
    *, name: str, districts: str, actor: User, area: Area | None = None, is_active: bool = True
) -> Area:
    """Add an area or zone, or change one: its name and its postcode districts."""
    name = name.strip()
    same_name = Area.objects.filter(name__iexact=name)
    if (same_name.exclude(pk=area.pk) if area else same_name).exists():
        raise DomainError(f"There is already an area called {name}")
    area = Area.objects.select_for_update().get(pk=area.pk) if area else Area()
    before = {"Area": f"{area.name}: {', '.join(area.districts)}"} if area.pk else {}
    area.name, area.districts, area.is_active = name, _districts(districts), is_active
    area.save()
    field_changes_record(
        instance=area,
        before=before,
        after={"Area": f"{area.name}: {', '.join(area.districts)}"},
        actor=actor,
    )
    return area
