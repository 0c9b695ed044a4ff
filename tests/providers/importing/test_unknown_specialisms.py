"""A specialism the file names that the directory lacks must be added or matched to an
existing one before anything is imported."""

import pytest
from django.urls import reverse

from placements.roles import Role
from placements.services import DomainError
from providers.importing.results import SpecialismDecision
from providers.models import Provider, ProviderImport, Specialism
from providers.services.imports import provider_import_apply
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


def test_unknown_specialism_must_be_decided_before_confirming(administrator_client, autism):
    rows = [
        sheet_row(Specialisms="Autism; Sensory processing"),
        sheet_row(Reference="IMP-002", Ofsted_URN="", Specialisms="sensory  PROCESSING"),
    ]
    upload(administrator_client, csv_bytes(rows))
    provider_import = latest_import()
    url = reverse("providers:import-preview", args=[provider_import.pk])
    preview = administrator_client.get(url)
    [unknown] = preview.context["result"].unknown_specialisms
    assert unknown.name == "Sensory processing" and unknown.rows == [2, 3]
    page = preview.content.decode()
    assert "What should happen to “Sensory processing”?" in page
    assert "Used on rows 2 and 3." in page
    assert "<option" in page and "Autism" in page  # the existing ones to map to

    before = directory_state()
    response = confirm(administrator_client, provider_import)
    assert response.status_code == 200
    assert "Choose what to do with “Sensory processing”" in response.content.decode()
    response = confirm(administrator_client, provider_import, specialism_0="existing")
    assert "Choose the existing specialism to use for “Sensory processing”" in (
        response.content.decode()
    )
    assert directory_state() == before
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.PREVIEW


def test_unknown_specialism_added_as_new(administrator_client, autism):
    upload(administrator_client, csv_bytes([sheet_row(Specialisms="Autism; Sensory processing")]))
    response = confirm(administrator_client, latest_import(), specialism_0="add")
    assert response.status_code == 302
    added = Specialism.objects.get(name="Sensory processing")
    provider = Provider.objects.get()
    assert set(provider.specialisms.all()) == {autism, added}


def test_unknown_specialism_mapped_to_an_existing_one(administrator_client, autism):
    upload(administrator_client, csv_bytes([sheet_row(Specialisms="ASD; Autism")]))
    response = confirm(
        administrator_client,
        latest_import(),
        specialism_0="existing",
        specialism_0_existing=str(autism.pk),
    )
    assert response.status_code == 302
    assert list(Specialism.objects.all()) == [autism]
    assert list(Provider.objects.get().specialisms.all()) == [autism]


def test_the_service_refuses_an_undecided_specialism(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    content = csv_bytes([sheet_row(Specialisms="Brand new thing")])
    provider_import = stored_import(admin, content)
    before = directory_state()
    with pytest.raises(DomainError, match="Brand new thing"):
        provider_import_apply(provider_import=provider_import, specialism_decisions={}, actor=admin)
    assert directory_state() == before
    decision = SpecialismDecision(key="brand new thing", name="Brand new thing")
    provider_import_apply(
        provider_import=provider_import,
        specialism_decisions={"brand new thing": decision},
        actor=admin,
    )
    assert Specialism.objects.filter(name="Brand new thing").exists()
