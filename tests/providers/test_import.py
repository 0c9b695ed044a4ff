import datetime as dt

import openpyxl
import pytest
from django.urls import reverse

from approvals.management.commands.seed_demo import SPECIALISMS
from placements.models import FieldChange
from placements.roles import Role
from placements.services import DomainError
from providers import services
from providers.importing import (
    CREATE,
    UPDATE,
    SpecialismDecision,
    check_rows,
    parse_import,
    read_spreadsheet,
)
from providers.models import (
    FrameworkStatus,
    OfstedRating,
    Provider,
    ProviderImport,
    Specialism,
)
from providers.samples.make_samples import HERE as SAMPLES
from providers.samples.make_samples import UNKNOWN_SPECIALISM, sample_rows
from tests.providers.factories import ProviderFactory
from tests.providers.test_import_helpers import (
    confirm,
    csv_bytes,
    directory_state,
    latest_import,
    sheet_row,
    stored_import,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def provider_history(provider, **filters):
    return FieldChange.objects.filter(object_id=provider.pk, **filters)


@pytest.fixture
def autism(db):
    return Specialism.objects.create(name="Autism")


# --- Upload and preview ------------------------------------------------------------


def test_upload_page_explains_the_columns_and_links_the_samples(administrator_client):
    response = administrator_client.get(reverse("providers:import"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Import providers from a spreadsheet" in page
    assert 'enctype="multipart/form-data"' in page
    assert "?sample=xlsx" in page and "?sample=csv" in page
    for header in ("Reference", "Categories", "Referral emails", "Status"):
        assert f'<th scope="row" class="govuk-table__header">{header}</th>' in page


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_sample_files_are_served_to_administrators(administrator_client, extension):
    response = administrator_client.get(reverse("providers:import") + f"?sample={extension}")
    assert response.status_code == 200
    assert f"sample-providers.{extension}" in response["Content-Disposition"]
    assert (
        b"".join(response.streaming_content)
        == (SAMPLES / f"sample-providers.{extension}").read_bytes()
    )


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


def test_xlsx_with_real_excel_dates_and_numbers(administrator_client):
    row = sheet_row(Tier=2, Age_from=5, Age_to=17.0, Capacity=6, Vacancies=0)
    row["Ofsted inspection date"] = dt.datetime(2026, 11, 2)
    row["Initial QA visit"] = dt.date(2025, 1, 31)
    row["Latest annual QA visit"] = None
    upload(administrator_client, xlsx_bytes([row]), name="providers.xlsx")
    response = confirm(administrator_client, latest_import())
    assert response.status_code == 302
    provider = Provider.objects.get(reference="IMP-001")
    assert provider.tier == 2 and provider.age_from == 5 and provider.age_to == 17
    assert provider.ofsted_inspection_date == dt.date(2026, 11, 2)
    assert provider.qa_initial_visit_date == dt.date(2025, 1, 31)
    assert provider.qa_latest_annual_visit_date is None


def test_labels_or_stored_values_in_any_case(administrator_client):
    rows = [
        sheet_row(
            Type="RESIDENTIAL",
            Tier="Tier 2",
            In_house="yes",
            Categories="residential care: off_framework",
            Ofsted_rating="requires improvement",
            RI_exception_agreed_by="Hugh Pemberton, Head of Service",
            RI_exception_agreed_on="2026-10-01",
            Genders="girls and young women only",
            Referral_emails="A@one.example, b@two.example; a@one.example",
            Status="active",
        ),
        sheet_row(
            Reference="IMP-002",
            Ofsted_URN="sc800002",
            Type="Independent fostering agency",
            Ofsted_rating="OUTSTANDING",
            Genders="male",
            Vacancies="",
        ),
    ]
    upload(administrator_client, csv_bytes(rows))
    assert confirm(administrator_client, latest_import()).status_code == 302
    first = Provider.objects.get(reference="IMP-001")
    assert first.provider_type == "residential"
    assert first.tier == 2 and first.is_in_house
    assert first.provider_categories.get().framework_status == FrameworkStatus.OFF_FRAMEWORK
    assert first.ofsted_rating == OfstedRating.REQUIRES_IMPROVEMENT
    assert first.ri_exception_agreed_on == dt.date(2026, 10, 1)
    assert first.genders == "female"
    assert first.referral_emails == ["a@one.example", "b@two.example"]
    second = Provider.objects.get(reference="IMP-002")
    assert second.ofsted_urn == "SC800002"
    assert second.ofsted_rating == OfstedRating.OUTSTANDING
    assert second.genders == "male" and second.vacancies == 0


def test_leading_apostrophe_from_our_export_is_stripped(administrator_client):
    row = sheet_row(Notes="'=not a formula", Phone="'+44 1632 960000", Name="'-Dash Homes")
    upload(administrator_client, csv_bytes([row]))
    assert confirm(administrator_client, latest_import()).status_code == 302
    provider = Provider.objects.get(reference="IMP-001")
    assert provider.notes == "=not a formula"
    assert provider.phone == "+44 1632 960000"
    assert provider.name == "-Dash Homes"


def test_plain_phone_and_negative_looking_numbers_are_not_formulas(administrator_client):
    upload(administrator_client, csv_bytes([sheet_row(Phone="+44 (0)1632 960000")]))
    assert confirm(administrator_client, latest_import()).status_code == 302
    assert Provider.objects.get().phone == "+44 (0)1632 960000"


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


# --- Unknown specialisms -------------------------------------------------------------


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
        services.provider_import_apply(
            provider_import=provider_import, specialism_decisions={}, actor=admin
        )
    assert directory_state() == before
    decision = SpecialismDecision(key="brand new thing", name="Brand new thing")
    services.provider_import_apply(
        provider_import=provider_import,
        specialism_decisions={"brand new thing": decision},
        actor=admin,
    )
    assert Specialism.objects.filter(name="Brand new thing").exists()


# --- Once only, and only for the uploader --------------------------------------------


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
    services.provider_import_apply(
        provider_import=provider_import, specialism_decisions={}, actor=admin
    )
    state = directory_state()
    with pytest.raises(DomainError, match="already been imported"):
        services.provider_import_apply(
            provider_import=provider_import, specialism_decisions={}, actor=admin
        )
    with pytest.raises(DomainError):
        services.provider_import_discard(provider_import=provider_import, actor=admin)
    assert directory_state() == state


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
        services.provider_import_apply(
            provider_import=provider_import, specialism_decisions={}, actor=other
        )
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


# --- The shipped samples -------------------------------------------------------------


@pytest.mark.parametrize("name", ["sample-providers.csv", "sample-providers.xlsx"])
def test_sample_files_import_with_one_new_specialism(name):
    for specialism in SPECIALISMS:
        Specialism.objects.create(name=specialism)
    result = parse_import((SAMPLES / name).read_bytes(), name)
    assert result.errors == []
    assert result.created_count == len(sample_rows()) == 15
    assert [u.name for u in result.unknown_specialisms] == [UNKNOWN_SPECIALISM]
    assert len(result.unknown_specialisms[0].rows) == 2


def test_sample_files_hold_the_same_rows():
    csv_table = read_spreadsheet(
        (SAMPLES / "sample-providers.csv").read_bytes(), "s.csv", max_rows=100
    )
    xlsx_table = read_spreadsheet(
        (SAMPLES / "sample-providers.xlsx").read_bytes(), "s.xlsx", max_rows=100
    )
    from providers.importing import Directory

    directory = Directory.load()
    from_csv = check_rows(csv_table, directory)
    from_xlsx = check_rows(xlsx_table, directory)
    assert [r.values for r in from_csv.rows] == [r.values for r in from_xlsx.rows]
    assert [r.action for r in from_csv.rows] == [CREATE] * 15
    workbook = openpyxl.load_workbook(SAMPLES / "sample-providers.xlsx", read_only=True)
    assert workbook.sheetnames == ["Providers"]


def test_sample_upload_end_to_end(administrator_client):
    for specialism in SPECIALISMS:
        Specialism.objects.create(name=specialism)
    existing = Specialism.objects.get(name="Autism")
    upload(
        administrator_client,
        (SAMPLES / "sample-providers.xlsx").read_bytes(),
        name="sample-providers.xlsx",
    )
    response = confirm(
        administrator_client,
        latest_import(),
        specialism_0="existing",
        specialism_0_existing=str(existing.pk),
    )
    assert response.status_code == 302
    assert Provider.objects.count() == 15
    assert Specialism.objects.count() == len(SPECIALISMS)
    assert Provider.objects.filter(specialisms=existing).count() >= 2


def test_update_action_is_reported_for_changed_rows(make_user):
    provider = ProviderFactory(ofsted_urn="SC800001", capacity=4, vacancies=1)
    table = read_spreadsheet(
        csv_bytes([sheet_row(Reference=provider.reference, Capacity="5")]), "x.csv", max_rows=10
    )
    from providers.importing import Directory

    [row] = check_rows(table, Directory.load()).rows
    assert row.action == UPDATE
    assert "Capacity" in row.changes


def test_a_concurrent_second_confirm_lands_on_the_list(administrator_client, monkeypatch):
    """Two confirms racing: both pass the loader, the second finds the import applied
    once it gets the row lock. Simulated by applying first and then letting the
    loader hand back the applied import."""
    upload(administrator_client, csv_bytes([sheet_row()]))
    provider_import = latest_import()
    services.provider_import_apply(
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
