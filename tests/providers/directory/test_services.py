"""Writing providers through the services: every change leaves field-level history, bad
values write nothing, and archiving never deletes."""

import pytest
from django.utils import timezone

from placements.models import FieldChange
from placements.roles import Role
from placements.services import DomainError
from providers.models import Category, FrameworkStatus, Specialism
from providers.services.directory import provider_archive, provider_restore, provider_update
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate()


def history(provider):
    return FieldChange.objects.filter(object_id=provider.pk, content_type__model="provider")


def test_create_records_every_shown_field_as_history(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory(name="Willow House", actor=admin)
    created = history(provider)
    assert created.filter(field="Name", new_value="Willow House", source="created").exists()
    assert created.filter(field="Categories", new_value="Fostering (Framework)").exists()
    assert set(created.values_list("actor", flat=True)) == {admin.pk}


def test_update_records_only_what_changed_with_old_and_new(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory(vacancies=1, capacity=4)
    before = history(provider).count()
    provider_update(
        provider=provider, values={"vacancies": 3}, categories=None, specialisms=None, actor=admin
    )
    changes = history(provider)[: history(provider).count() - before]
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("Vacancies", "1", "3")]


def test_category_and_specialism_changes_are_in_history(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory()
    autism = Specialism.objects.create(name="Autism")
    residential = Category.objects.get(slug="residential")
    fostering = Category.objects.get(slug="fostering")
    provider_update(
        provider=provider,
        values={},
        categories={fostering: FrameworkStatus.SPOT, residential: FrameworkStatus.FRAMEWORK},
        specialisms=[autism],
        actor=admin,
    )
    latest = {c.field: c for c in history(provider).filter(source="edit")}
    assert latest["Categories"].old_value == "Fostering (Framework)"
    assert latest["Categories"].new_value == "Fostering (Spot); Residential care (Framework)"
    assert latest["Specialisms"].new_value == "Autism"


def test_invalid_values_are_refused_and_nothing_is_written(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory(capacity=2, vacancies=0)
    with pytest.raises(DomainError):
        provider_update(
            provider=provider,
            values={"vacancies": 5},
            categories=None,
            specialisms=None,
            actor=admin,
        )
    provider.refresh_from_db()
    assert provider.vacancies == 0


def test_archive_and_restore_never_delete(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory()
    provider_archive(provider=provider, actor=admin)
    provider.refresh_from_db()
    assert provider.is_archived and provider.archived_by == admin
    with pytest.raises(DomainError, match="already archived"):
        provider_archive(provider=provider, actor=admin)
    provider_restore(provider=provider, actor=admin)
    provider.refresh_from_db()
    assert not provider.is_archived
    assert list(history(provider).filter(field="Status").values_list("source", flat=True)) == [
        "restored",
        "archived",
        "created",
    ]
