"""Every write to the provider directory (providers and specialisms), each leaving
field-level history, and the snapshot of a provider that history compares."""

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from placements.models import User
from placements.services import DomainError, field_changes_record, shown_value

from ..models import Category, Provider, ProviderCategory, Specialism

# Plain model fields a form or an import may set, in the order history shows them.
PROVIDER_FIELDS = [
    "name",
    "reference",
    "provider_type",
    "tier",
    "is_in_house",
    "ofsted_urn",
    "ofsted_rating",
    "ofsted_inspection_date",
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
        shown["Status"] = "Archived" if provider.is_archived else "Active"
    return shown


def _apply(
    provider: Provider,
    *,
    values: Mapping[str, Any],
    categories: Mapping[Category, str] | None,
    specialisms: list[Specialism] | None,
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


@transaction.atomic
def provider_create(
    *,
    values: Mapping[str, Any],
    categories: Mapping[Category, str],
    specialisms: list[Specialism],
    actor: User,
    source: str = "created",
) -> Provider:
    provider = Provider()
    _apply(provider, values=values, categories=categories, specialisms=specialisms)
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
    actor: User,
    source: str = "edit",
) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    before = provider_snapshot(provider)
    _apply(provider, values=values, categories=categories, specialisms=specialisms)
    field_changes_record(
        instance=provider,
        before=before,
        after=provider_snapshot(provider),
        actor=actor,
        source=source,
    )
    return provider


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


def _provider_set_archived(*, provider: Provider, archived: bool, actor: User, source: str) -> None:
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
def specialism_create(*, name: str, actor: User) -> Specialism:
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
