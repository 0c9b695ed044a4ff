"""Every kind of bad upload gets a clear GOV.UK error and writes nothing to the directory."""

import io
import zipfile

import openpyxl
import pytest

from providers.exporting import HEADERS
from providers.importing import spreadsheet
from providers.models import ProviderImport
from tests.providers.builders import (
    confirm,
    csv_bytes,
    directory_state,
    error_rows,
    latest_import,
    sheet_row,
    upload,
    xlsx_bytes,
)
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256))


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def existing(db):
    """Something in the directory, so 'nothing changed' is a real check."""
    return ProviderFactory(ofsted_urn="SC700001", reference="KEEP-1")


def assert_file_refused(client, content, name, message):
    """The upload form shows the error summary and the error on the file field; no
    ProviderImport is kept and the directory is untouched."""
    before = directory_state()
    response = upload(client, content, name=name)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert '<a href="#id_file">' in page
    assert "govuk-form-group--error" in page
    assert "<title>Error: Import providers" in page
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert ProviderImport.objects.count() == 0
    assert directory_state() == before
    return errors


def preview_of_upload(client, content, name="providers.csv"):
    response = upload(client, content, name=name)
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response["Location"])


def assert_rows_refused(client, preview, expected):
    """The preview lists the row errors, offers no confirm button, and a confirm POST
    is refused server-side with nothing written."""
    assert preview.status_code == 200
    errors = error_rows(preview)
    for row, column, fragment in expected:
        assert any(r == row and c == column and fragment in m for r, c, m in errors), errors
    page = preview.content.decode()
    assert "Confirm and import" not in page
    assert 'id="row-errors"' in page
    before = directory_state()
    response = confirm(client, latest_import())
    assert response.status_code == 200
    assert "The spreadsheet has errors" in response.content.decode()
    assert directory_state() == before
    assert latest_import().status == ProviderImport.Status.PREVIEW


# --- The file as a whole ------------------------------------------------------------


def test_wrong_encoding(administrator_client, existing):
    content = csv_bytes([sheet_row(Name="Café Homes")], bom=False, encoding="cp1252")
    errors = assert_file_refused(administrator_client, content, "providers.csv", "UTF-8")
    assert "CSV UTF-8" in errors[0]


def test_utf8_with_and_without_bom_is_fine(administrator_client):
    for bom in (True, False):
        content = csv_bytes([sheet_row(Name="Café Homes")], bom=bom)
        preview = preview_of_upload(administrator_client, content)
        assert preview.context["result"].errors == []
        assert preview.context["result"].rows[0].name == "Café Homes"


def test_missing_and_renamed_columns_are_named(administrator_client, existing):
    headers = [h for h in HEADERS if h != "Phone"]
    headers[headers.index("Notes")] = "Comments"
    content = csv_bytes([sheet_row()], headers=headers)
    [error] = assert_file_refused(administrator_client, content, "p.csv", "column headings")
    assert "missing “Phone” and “Notes”" in error
    assert "unexpected “Comments”" in error


def test_repeated_column(administrator_client, existing):
    content = csv_bytes([sheet_row()], headers=[*HEADERS, "Phone"])
    assert_file_refused(administrator_client, content, "p.csv", "“Phone” more than once")


def test_headers_in_another_case_are_forgiven(administrator_client):
    content = csv_bytes([sheet_row()]).replace(b"Ofsted URN", b"ofsted  urn")
    preview = preview_of_upload(administrator_client, content)
    assert preview.context["result"].errors == []


def test_file_over_the_size_limit_is_refused_before_reading(administrator_client, existing):
    twenty_mb = b"Reference,Name\n" + b"x" * (20 * 1024 * 1024)
    assert_file_refused(administrator_client, twenty_mb, "big.csv", "smaller than 5MB")


def test_size_limit_is_a_setting(administrator_client, existing, settings):
    settings.PROVIDER_IMPORT_MAX_BYTES = 1024
    content = csv_bytes([sheet_row(Notes="n" * 2000)])
    assert_file_refused(administrator_client, content, "p.csv", "smaller than 1KB")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (PNG, "providers.csv", "it looks like an image"),
        (PNG, "providers.xlsx", "it looks like an image"),
        (PDF, "providers.csv", "it looks like a PDF"),
        (PDF, "providers.xlsx", "it looks like a PDF"),
        (docx_bytes(), "providers.docx", "must be a spreadsheet"),
        (docx_bytes(), "providers.xlsx", "it looks like a Word document"),
        (b"Reference,Name\nA,B\n", "providers.txt", "must be a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "providers.xls", "save it as"),
        (b"PK\x03\x04 not really a zip", "providers.xlsx", "could not be opened"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "locked.xlsx", "password protected"),
    ],
    ids=[
        "png-csv",
        "png-xlsx",
        "pdf-csv",
        "pdf-xlsx",
        "docx",
        "docx-xlsx",
        "txt",
        "xls",
        "zip",
        "locked",
    ],
)
def test_not_a_spreadsheet(administrator_client, existing, content, name, message):
    assert_file_refused(administrator_client, content, name, message)


def test_xlsx_named_csv_gets_a_helpful_message(administrator_client, existing):
    content = xlsx_bytes([sheet_row()])
    assert_file_refused(administrator_client, content, "providers.csv", "Rename it")


@pytest.mark.parametrize("content", [b"", b"   \r\n"], ids=["zero-bytes", "whitespace"])
def test_empty_file(administrator_client, existing, content):
    assert_file_refused(administrator_client, content, "providers.csv", "is empty")


def test_headings_but_no_rows(administrator_client, existing):
    assert_file_refused(administrator_client, csv_bytes([]), "p.csv", "no providers in it")
    assert_file_refused(administrator_client, xlsx_bytes([]), "p.xlsx", "no providers in it")


def test_too_many_rows(administrator_client, existing, settings):
    settings.PROVIDER_IMPORT_MAX_ROWS = 3
    rows = [sheet_row(Reference=f"R-{n}", Ofsted_URN=f"SC80000{n}") for n in range(4)]
    assert_file_refused(administrator_client, csv_bytes(rows), "p.csv", "more than 3 providers")
    assert_file_refused(administrator_client, xlsx_bytes(rows), "p.xlsx", "more than 3 providers")


def test_blank_rows_are_skipped_and_do_not_count(administrator_client, settings):
    settings.PROVIDER_IMPORT_MAX_ROWS = 1
    content = csv_bytes([sheet_row()]) + b",,,,,,,,,,,,,,,,,,,,,,,\r\n\r\n"
    preview = preview_of_upload(administrator_client, content)
    assert preview.context["result"].errors == []


# --- Row by row -----------------------------------------------------------------------


def test_duplicate_urns_name_both_rows(administrator_client, existing):
    rows = [
        sheet_row(Reference="A-1", Ofsted_URN="SC800001"),
        sheet_row(Reference="A-2", Ofsted_URN="SC800002"),
        sheet_row(Reference="A-3", Ofsted_URN="sc800001"),
    ]
    preview = preview_of_upload(administrator_client, csv_bytes(rows))
    assert_rows_refused(
        administrator_client,
        preview,
        [
            (2, "Ofsted URN", "Ofsted URN SC800001 is also on row 4"),
            (4, "Ofsted URN", "Ofsted URN SC800001 is also on row 2"),
        ],
    )


def test_duplicate_references_name_both_rows(administrator_client, existing):
    rows = [
        sheet_row(Reference="A-1", Ofsted_URN=""),
        sheet_row(Reference="a-1", Ofsted_URN="SC800009"),
    ]
    preview = preview_of_upload(administrator_client, csv_bytes(rows))
    assert_rows_refused(
        administrator_client,
        preview,
        [(2, "Reference", "is also on row 3"), (3, "Reference", "is also on row 2")],
    )


def test_two_rows_matching_one_provider(administrator_client, existing):
    rows = [
        sheet_row(Reference="KEEP-1", Ofsted_URN=""),  # matches by reference
        sheet_row(Reference="NEW-9", Ofsted_URN="SC700001"),  # the same provider by URN
    ]
    preview = preview_of_upload(administrator_client, csv_bytes(rows))
    assert_rows_refused(
        administrator_client,
        preview,
        [(2, "Reference", "all match"), (3, "Ofsted URN", "all match")],
    )


def test_reference_of_one_provider_and_urn_of_another(administrator_client, existing):
    other = ProviderFactory(ofsted_urn="SC700002", reference="KEEP-2")
    row = sheet_row(Reference="KEEP-2", Ofsted_URN=existing.ofsted_urn)
    preview = preview_of_upload(administrator_client, csv_bytes([row]))
    assert_rows_refused(
        administrator_client, preview, [(2, "Reference", f"belongs to {other.name}")]
    )


def test_invalid_emails(administrator_client, existing):
    rows = [
        sheet_row(Referral_emails="ok@provider.example; not-an-email"),
        sheet_row(Reference="B-2", Ofsted_URN="", Referral_emails=""),
    ]
    preview = preview_of_upload(administrator_client, csv_bytes(rows))
    assert_rows_refused(
        administrator_client,
        preview,
        [
            (2, "Referral emails", "not valid: not-an-email"),
            (3, "Referral emails", "Enter at least one referral email address"),
        ],
    )
    page = preview.content.decode()
    assert '<td class="govuk-table__cell">Referral emails</td>' in page


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"Name": ""}, "Name", "Enter the name"),
        ({"Type": "Boarding school"}, "Type", "Type “Boarding school” is not recognised"),
        ({"Tier": "3"}, "Tier", "is not a tier"),
        ({"In-house": "Maybe"}, "In-house", "Enter Yes or No"),
        ({"Categories": ""}, "Categories", "at least one category"),
        ({"Categories": "Fostering"}, "Categories", "framework status"),
        ({"Categories": "Boarding: Framework"}, "Categories", "is not a category"),
        ({"Categories": "Fostering: Sometimes"}, "Categories", "is not a framework status"),
        ({"Ofsted rating": "Great"}, "Ofsted rating", "Ofsted rating “Great” is not recognised"),
        ({"Ofsted inspection date": "31/02/2026"}, "Ofsted inspection date", "not a real date"),
        ({"Initial QA visit": "next week"}, "Initial QA visit", "Enter a date like"),
        ({"Age from": "ten"}, "Age from", "whole number"),
        ({"Age to": "30"}, "Age to", "from 0 to 25"),
        ({"Age from": "12", "Age to": "8"}, "Age to", "oldest age"),
        ({"Capacity": "2", "Vacancies": "3"}, "Vacancies", "more than the capacity"),
        ({"RI exception agreed by": "Someone"}, "RI exception agreed on", "Enter the date"),
        (
            {"Initial QA visit": "", "Latest annual QA visit": "01/01/2026"},
            "Initial QA visit",
            "before an annual visit",
        ),
        ({"Genders": "Any boys"}, "Genders", "Gender “Any boys” is not recognised"),
        ({"Status": "Closed"}, "Status", "Active or Archived"),
        ({"Reference": "R" * 41}, "Reference", "40 characters or fewer"),
    ],
)
def test_invalid_values(administrator_client, existing, changes, column, message):
    row = sheet_row()
    row.update(changes)
    preview = preview_of_upload(administrator_client, csv_bytes([row]))
    assert_rows_refused(administrator_client, preview, [(2, column, message)])


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example","Click")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,2)",
        "  =SUM(A1)",
    ],
)
def test_formulas_in_csv_cells(administrator_client, existing, cell):
    preview = preview_of_upload(administrator_client, csv_bytes([sheet_row(Notes=cell)]))
    assert_rows_refused(administrator_client, preview, [(2, "Notes", "Remove the formula")])


def test_formulas_in_xlsx_cells(administrator_client, existing):
    rows = [sheet_row(), sheet_row(Reference="F-2", Ofsted_URN="", Capacity="=2+2")]
    preview = preview_of_upload(administrator_client, xlsx_bytes(rows), name="p.xlsx")
    assert_rows_refused(administrator_client, preview, [(3, "Capacity", "Remove the formula")])
    assert len(error_rows(preview)) == 1


def test_excel_error_cells(administrator_client, existing):

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([sheet_row()[h] for h in HEADERS])
    sheet.cell(row=2, column=HEADERS.index("Phone") + 1).value = "#N/A"
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = preview_of_upload(administrator_client, buffer.getvalue(), name="p.xlsx")
    assert_rows_refused(administrator_client, preview, [(2, "Phone", "shows an error (#N/A)")])


def test_row_numbers_are_the_spreadsheets_own(administrator_client, existing):
    """A blank row in the middle still counts, as Excel numbers it."""
    content = (
        csv_bytes([sheet_row()])
        + b"\r\n"
        + csv_bytes([sheet_row(Reference="Z-9", Ofsted_URN="", Tier="9")]).split(b"\r\n", 1)[1]
    )
    preview = preview_of_upload(administrator_client, content)
    assert_rows_refused(administrator_client, preview, [(4, "Tier", "is not a tier")])


def test_a_sheet_formatted_far_below_its_data_stops_at_the_blank_rows(monkeypatch):
    """Rows after a long run of blank rows are formatting, not providers: reading stops
    there instead of walking a million formatted cells on every preview."""
    monkeypatch.setattr(spreadsheet, "BLANK_ROWS_END", 5)
    row = sheet_row()
    blank = dict.fromkeys(row, "")
    content = csv_bytes([row, *[blank] * 4, row, *[blank] * 5, sheet_row(Name="After")])
    table = spreadsheet.read_spreadsheet(content, "p.csv", max_rows=100)
    assert len(table.rows) == 2  # the row after the long blank run is never read
    xlsx = xlsx_bytes([row, *[blank] * 5, sheet_row(Name="After")])
    assert len(spreadsheet.read_spreadsheet(xlsx, "p.xlsx", max_rows=100).rows) == 1
