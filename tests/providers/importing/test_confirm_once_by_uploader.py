"""An import is applied once, and only by the administrator who uploaded it; it can be
discarded instead; only administrators may upload."""

import pytest
from django.urls import reverse

from placements.roles import Role
from placements.services import DomainError
from providers.models import Provider, ProviderImport
from providers.services.imports import provider_import_apply, provider_import_discard
from tests.providers.builders import (
    confirm,
    csv_bytes,
    directory_state,
    latest_import,
    sheet_row,
    stored_import,
    upload,
)

pytestmark = pytest.mark.django_db


def test_confirming_twice_imports_once(administrator_client):
    upload(administrator_client, csv_bytes([sheet_row()]))
    provider_import = latest_import()
    assert confirm(administrator_client, provider_import).status_code == 302
    after_first = directory_state()
    second = confirm(administrator_client, provider_import)
    assert second.status_code == 302  # a double click lands on the list, not an error page
    assert directory_state() == after_first
    assert Provider.objects.count() == 1


def test_the_service_refuses_a_second_apply(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider_import = stored_import(admin, csv_bytes([sheet_row()]))
    provider_import_apply(provider_import=provider_import, specialism_decisions={}, actor=admin)
    state = directory_state()
    with pytest.raises(DomainError, match="already been imported"):
        provider_import_apply(provider_import=provider_import, specialism_decisions={}, actor=admin)
    with pytest.raises(DomainError):
        provider_import_discard(provider_import=provider_import, actor=admin)
    assert directory_state() == state


def test_a_concurrent_second_confirm_lands_on_the_list(administrator_client, monkeypatch):
    """Two confirms racing: both pass the loader, the second finds the import applied
    once it gets the row lock. Simulated by applying first and then letting the
    loader hand back the applied import."""
    upload(administrator_client, csv_bytes([sheet_row()]))
    provider_import = latest_import()
    provider_import_apply(
        provider_import=provider_import,
        specialism_decisions={},
        actor=administrator_client.user,
    )
    state = directory_state()
    monkeypatch.setattr(
        "providers.views.imports.selectors.get_import_for_user",
        lambda *, user, pk: ProviderImport.objects.get(pk=pk),
    )
    response = confirm(administrator_client, provider_import)
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:list")
    followed = administrator_client.get(response["Location"])
    assert "This spreadsheet has already been imported" in followed.content.decode()
    assert directory_state() == state
    assert Provider.objects.count() == 1


def test_a_repeated_confirm_says_it_was_already_imported(administrator_client):
    upload(administrator_client, csv_bytes([sheet_row()]))
    provider_import = latest_import()
    confirm(administrator_client, provider_import)
    response = confirm(administrator_client, provider_import)
    followed = administrator_client.get(response["Location"])
    assert "This spreadsheet has already been imported." in followed.content.decode()


def test_another_administrator_gets_404(administrator_client, client_for):
    upload(administrator_client, csv_bytes([sheet_row()]))
    provider_import = latest_import()
    other = client_for(Role.ADMINISTRATOR)
    url = reverse("providers:import-preview", args=[provider_import.pk])
    before = directory_state()
    assert other.get(url).status_code == 404
    assert other.post(url, {"action": "confirm"}).status_code == 404
    assert other.post(url, {"action": "discard"}).status_code == 404
    assert directory_state() == before
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.PREVIEW


def test_the_service_refuses_another_administrator(make_user):
    owner, other = make_user(Role.ADMINISTRATOR), make_user(Role.ADMINISTRATOR)
    provider_import = stored_import(owner, csv_bytes([sheet_row()]))
    with pytest.raises(DomainError):
        provider_import_apply(provider_import=provider_import, specialism_decisions={}, actor=other)
    assert Provider.objects.count() == 0


def test_discard(administrator_client):
    upload(administrator_client, csv_bytes([sheet_row()]))
    provider_import = latest_import()
    url = reverse("providers:import-preview", args=[provider_import.pk])
    before = directory_state()
    response = administrator_client.post(url, {"action": "discard"})
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:import")
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.DISCARDED
    assert directory_state() == before
    assert administrator_client.get(url).status_code == 404
    assert confirm(administrator_client, provider_import).status_code == 302
    assert directory_state() == before


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.BROKERAGE_OFFICER, Role.DIRECTOR])
def test_only_administrators_may_upload(client_for, role):
    client = client_for(role)
    assert client.get(reverse("providers:import")).status_code == 403
    assert client.get(reverse("providers:import") + "?sample=csv").status_code == 403
    before = directory_state()
    assert upload(client, csv_bytes([sheet_row()])).status_code == 403
    assert ProviderImport.objects.count() == 0
    assert directory_state() == before
