import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placements.roles import Role
from providers.exporting import HEADERS, neutralise
from providers.models import FrameworkStatus, OfstedRating, Provider, Specialism
from providers.services.directory import provider_archive
from tests.providers.builders import confirm, directory_state, latest_import, upload
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("providers:export")


def export(client, query="format=csv"):
    return client.get(f"{EXPORT}?{query}")


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def xlsx_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return workbook["Providers"]


@pytest.fixture
def varied_directory(db, make_user):
    """Providers with every kind of value the export must carry, archived one included."""
    admin = make_user(Role.ADMINISTRATOR)
    autism = Specialism.objects.create(name="Autism")
    trauma = Specialism.objects.create(name="Trauma-informed care")
    providers = [
        ProviderFactory(
            name="Acorn Fostering",
            specialisms=[autism, trauma],
            categories={
                "fostering": FrameworkStatus.FRAMEWORK,
                "parent-and-child": FrameworkStatus.SPOT,
            },
            referral_emails=["one@acorn.example", "two@acorn.example"],
            notes='First line\nSecond line, with a comma and "quotes"',
            qa_initial_visit_date=dt.date(2024, 1, 15),
            qa_latest_annual_visit_date=dt.date(2026, 5, 1),
            vacancy_available_from=dt.date(2026, 12, 24),
            actor=admin,
        ),
        ProviderFactory(
            name='=HYPERLINK("http://evil.example","Click")',
            ofsted_urn="",
            ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT,
            ri_exception_agreed_by="@Head of Service",
            ri_exception_agreed_on=dt.date(2026, 9, 9),
            phone="+44 1632 960000",
            notes="-2+3",
            genders="female",
            tier=2,
            is_in_house=True,
            actor=admin,
        ),
        ProviderFactory(name="Café Lodge", age_from=16, age_to=21, capacity=0, vacancies=0),
    ]
    archived = ProviderFactory(name="Zed Closed Homes", notes="'=already quoted")
    provider_archive(provider=archived, actor=admin)
    return [*providers, archived]


# --- Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["officer_client", "administrator_client", "duty_lead_client"])
def test_officers_and_administrators_can_export(request, fixture):
    client = request.getfixturevalue(fixture)
    ProviderFactory()
    assert export(client).status_code == 200
    assert export(client, "format=xlsx").status_code == 200


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.DIRECTOR])
def test_others_get_403(client_for, role):
    client = client_for(role)
    assert export(client).status_code == 403
    assert export(client, "format=xlsx").status_code == 403


def test_unknown_format_is_a_bad_request(officer_client):
    assert export(officer_client, "format=pdf").status_code == 400


# --- CSV ---------------------------------------------------------------------------------


def test_csv_has_bom_headers_filename_and_all_matching_rows(officer_client):
    for n in range(30):  # more than one page of the list
        ProviderFactory(name=f"Provider {n:02d}")
    response = export(officer_client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = dt.date.today()
    assert (
        response["Content-Disposition"] == f'attachment; filename="providers-{today:%Y-%m-%d}.csv"'
    )
    rows = csv_rows(response)
    assert list(rows[0].keys()) == HEADERS
    assert len(rows) == 30


def test_csv_follows_the_list_filters(officer_client, varied_directory):
    rows = csv_rows(export(officer_client))
    assert "Zed Closed Homes" not in {r["Name"] for r in rows}  # the list shows active only
    rows = csv_rows(export(officer_client, "format=csv&status=all"))
    assert "Zed Closed Homes" in {r["Name"] for r in rows}
    rows = csv_rows(export(officer_client, "format=csv&q=acorn"))
    assert [r["Name"] for r in rows] == ["Acorn Fostering"]
    rows = csv_rows(export(officer_client, "format=csv&tier=2&status=all"))
    assert len(rows) == 1 and rows[0]["Tier"] == "2"


def test_csv_cells_are_in_the_import_format(officer_client, varied_directory):
    rows = {r["Name"]: r for r in csv_rows(export(officer_client, "format=csv&status=all"))}
    acorn = rows["Acorn Fostering"]
    assert acorn["Categories"] == "Fostering: Framework; Parent and child: Spot"
    assert acorn["Specialisms"] == "Autism; Trauma-informed care"
    assert acorn["Referral emails"] == "one@acorn.example; two@acorn.example"
    assert acorn["Latest annual QA visit"] == "01/05/2026"
    assert acorn["Type"] == "Independent fostering agency"
    assert acorn["In-house"] == "No" and acorn["Status"] == "Active"
    assert acorn["Notes"] == 'First line\nSecond line, with a comma and "quotes"'
    assert rows["Zed Closed Homes"]["Status"] == "Archived"


def test_csv_neutralises_formulas(officer_client, varied_directory):
    rows = csv_rows(export(officer_client, "format=csv&status=all"))
    risky = next(r for r in rows if "HYPERLINK" in r["Name"])
    assert risky["Name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert risky["RI exception agreed by"] == "'@Head of Service"
    assert risky["Phone"] == "'+44 1632 960000"
    assert risky["Notes"] == "'-2+3"
    closed = next(r for r in rows if r["Name"] == "Zed Closed Homes")
    assert closed["Notes"] == "''=already quoted"


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("plain") == "plain"
    assert neutralise("'quoted") == "'quoted"
    assert neutralise("'=x") == "''=x"
    assert neutralise("") == ""


# --- XLSX -------------------------------------------------------------------------------


def test_xlsx_has_bold_frozen_headers_and_real_dates(officer_client, varied_directory):
    response = export(officer_client, "format=xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = xlsx_sheet(response)
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1 + 3  # the archived provider is filtered out
    rows = [dict(zip(HEADERS, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    acorn = next(row for row in rows if row["Name"].value == "Acorn Fostering")
    assert acorn["Latest annual QA visit"].is_date
    assert acorn["Latest annual QA visit"].value.date() == dt.date(2026, 5, 1)
    assert acorn["Tier"].value == 1 and acorn["Capacity"].data_type == "n"


def test_xlsx_neutralises_formulas(officer_client, varied_directory):
    sheet = xlsx_sheet(export(officer_client, "format=xlsx"))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [c for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells if isinstance(c.value, str)}
    for value in (
        '\'=HYPERLINK("http://evil.example","Click")',
        "'@Head of Service",
        "'+44 1632 960000",
        "'-2+3",
    ):
        assert by_value[value].data_type == "s"


# --- Round trip -------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_reimports_with_no_changes(administrator_client, varied_directory, file_format):
    response = export(administrator_client, f"format={file_format}&status=all")
    before = directory_state()
    upload(administrator_client, response.content, name=f"providers.{file_format}")
    provider_import = latest_import()
    preview = administrator_client.get(
        reverse("providers:import-preview", args=[provider_import.pk])
    )
    result = preview.context["result"]
    assert result.errors == []
    assert result.unknown_specialisms == []
    assert (result.created_count, result.updated_count) == (0, 0), [
        (r.number, r.changes) for r in result.rows
    ]
    assert result.unchanged_count == len(varied_directory)
    assert confirm(administrator_client, provider_import).status_code == 302
    assert directory_state() == before


def test_edited_export_reimports_only_the_edit(administrator_client, varied_directory):
    response = export(administrator_client, "format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Providers"]
    names = [cell.value for cell in sheet["B"]]
    acorn_row = names.index("Acorn Fostering") + 1
    sheet.cell(row=acorn_row, column=HEADERS.index("Vacancies") + 1).value = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(administrator_client, buffer.getvalue(), name="edited.xlsx")
    response = confirm(administrator_client, latest_import())
    assert response.status_code == 302
    acorn = Provider.objects.get(name="Acorn Fostering")
    assert acorn.vacancies == 0
    assert latest_import().updated_count == 1 and latest_import().created_count == 0


# --- Queries --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_query_count_does_not_grow_with_rows(officer_client, file_format):
    autism = Specialism.objects.create(name="Autism")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert export(officer_client, f"format={file_format}").status_code == 200
        return len(captured)

    ProviderFactory(specialisms=[autism])
    queries()  # the first request also loads the session and council settings
    few = queries()
    for _ in range(15):
        ProviderFactory(
            specialisms=[autism],
            categories={"fostering": FrameworkStatus.SPOT, "short-breaks": FrameworkStatus.SPOT},
        )
    assert queries() == few
