"""An upload is previewed (what each row would do) without writing; confirming creates and
updates providers, with history from the import."""

import datetime as dt

import pytest
from django.urls import reverse

from placements.models import FieldChange
from providers.importing.checks import check_rows
from providers.importing.results import UPDATE, Directory
from providers.importing.spreadsheet import read_spreadsheet
from providers.models import FrameworkStatus, Provider, ProviderImport
from tests.providers.builders import (
    confirm,
    csv_bytes,
    directory_state,
    latest_import,
    sheet_row,
    upload,
    xlsx_bytes,
)
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def provider_history(provider, **filters):
    return FieldChange.objects.filter(object_id=provider.pk, **filters)


def test_upload_page_explains_the_columns_and_links_the_samples(administrator_client):
    response = administrator_client.get(reverse("providers:import"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Import providers from a spreadsheet" in page
    assert 'enctype="multipart/form-data"' in page
    assert "?sample=xlsx" in page and "?sample=csv" in page
    for header in ("Reference", "Categories", "Referral emails", "Status"):
        assert f'<th scope="row" class="govuk-table__header">{header}</th>' in page


def test_upload_shows_a_preview_and_writes_nothing(administrator_client):
    by_urn = ProviderFactory(ofsted_urn="SC800001", reference="OLD-1", name="Old name")
    by_reference = ProviderFactory(ofsted_urn="", reference="IMP-002", vacancies=0)
    before = directory_state()
    rows = [
        sheet_row(Reference="OLD-1", Name="New name"),  # matches by URN
        sheet_row(Reference="imp-002", Ofsted_URN="", Name=by_reference.name, Vacancies="3"),
        sheet_row(Reference="IMP-003", Ofsted_URN="SC800003", Name="Brand new"),
    ]
    response = upload(administrator_client, csv_bytes(rows))
    provider_import = latest_import()
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:import-preview", args=[provider_import.pk])
    assert provider_import.status == ProviderImport.Status.PREVIEW
    assert provider_import.uploaded_by == administrator_client.user

    preview = administrator_client.get(response["Location"])
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (result.created_count, result.updated_count, result.unchanged_count) == (1, 2, 0)
    assert result.errors == []
    rows_by_number = {row.number: row for row in result.rows}
    assert rows_by_number[2].provider == by_urn and rows_by_number[2].matched_by == "Ofsted URN"
    assert "Name" in rows_by_number[2].changes
    assert rows_by_number[3].provider == by_reference
    assert rows_by_number[3].matched_by == "Reference"
    page = preview.content.decode()
    assert 'id="count-create">1<' in page and 'id="count-update">2<' in page
    assert "Confirm and import" in page
    assert directory_state() == before


def test_confirm_creates_and_updates_with_import_history(administrator_client, autism):
    by_urn = ProviderFactory(ofsted_urn="SC800001", reference="OLD-1", name="Old name")
    by_reference = ProviderFactory(ofsted_urn="", reference="IMP-002", vacancies=0, capacity=4)
    rows = [
        sheet_row(Reference="OLD-1", Name="New name", Specialisms="autism"),
        sheet_row(
            Reference="IMP-002",
            Ofsted_URN="",
            Name=by_reference.name,
            Vacancies="3",
            Capacity="4",
            Phone=by_reference.phone,
            Referral_emails="; ".join(by_reference.referral_emails),
        ),
        sheet_row(
            Reference="IMP-003",
            Ofsted_URN="SC800003",
            Name="Brand new",
            Categories="Fostering: Spot; Parent and child: Framework",
        ),
    ]
    upload(administrator_client, csv_bytes(rows))
    provider_import = latest_import()
    response = confirm(administrator_client, provider_import)
    assert response.status_code == 302
    assert response["Location"] == reverse("providers:list")

    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.APPLIED
    assert (provider_import.created_count, provider_import.updated_count) == (1, 2)
    assert provider_import.applied_at is not None

    by_urn.refresh_from_db()
    assert by_urn.name == "New name"
    assert list(by_urn.specialisms.all()) == [autism]
    name_change = provider_history(by_urn, field="Name").first()
    assert name_change.source == "import"
    assert name_change.actor == administrator_client.user
    assert (name_change.old_value, name_change.new_value) == ("Old name", "New name")

    by_reference.refresh_from_db()
    assert by_reference.vacancies == 3
    changed = set(provider_history(by_reference, source="import").values_list("field", flat=True))
    assert "Vacancies" in changed and "Ofsted URN" not in changed

    created = Provider.objects.get(reference="IMP-003")
    assert created.ofsted_urn == "SC800003"
    assert {pc.category.slug: pc.framework_status for pc in created.provider_categories.all()} == {
        "fostering": FrameworkStatus.SPOT,
        "parent-and-child": FrameworkStatus.FRAMEWORK,
    }
    assert created.qa_initial_visit_date == dt.date(2024, 3, 8)
    assert provider_history(created).exists()
    assert set(provider_history(created).values_list("source", flat=True)) == {"import"}

    followed = administrator_client.get(response["Location"])
    assert "Import complete: 1 provider added and 2 providers updated." in (
        followed.content.decode()
    )


def test_update_action_is_reported_for_changed_rows(make_user):
    provider = ProviderFactory(ofsted_urn="SC800001", capacity=4, vacancies=1)
    table = read_spreadsheet(
        csv_bytes([sheet_row(Reference=provider.reference, Capacity="5")]), "x.csv", max_rows=10
    )
    [row] = check_rows(table, Directory.load()).rows
    assert row.action == UPDATE
    assert "Capacity" in row.changes


def test_status_archived_archives_with_import_history(administrator_client):
    provider = ProviderFactory(ofsted_urn="SC800001")
    row = sheet_row(Reference=provider.reference, Name=provider.name, Status="Archived")
    upload(administrator_client, csv_bytes([row]))
    preview = administrator_client.get(
        reverse("providers:import-preview", args=[latest_import().pk])
    )
    assert "Status" in preview.context["result"].rows[0].changes
    confirm(administrator_client, latest_import())
    provider.refresh_from_db()
    assert provider.is_archived
    assert provider.archived_by == administrator_client.user
    change = provider_history(provider, field="Status").first()
    assert (change.old_value, change.new_value, change.source) == ("Active", "Archived", "import")


def test_reimporting_the_same_rows_changes_nothing(administrator_client):
    rows = [sheet_row(), sheet_row(Reference="IMP-002", Ofsted_URN="SC800002")]
    upload(administrator_client, csv_bytes(rows))
    confirm(administrator_client, latest_import())
    before = directory_state()
    upload(administrator_client, xlsx_bytes(rows), name="again.xlsx")
    preview = administrator_client.get(
        reverse("providers:import-preview", args=[latest_import().pk])
    )
    result = preview.context["result"]
    assert (result.created_count, result.updated_count, result.unchanged_count) == (0, 0, 2)
    response = confirm(administrator_client, latest_import())
    assert response.status_code == 302
    assert directory_state() == before
