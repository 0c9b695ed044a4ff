"""The provider directory as a spreadsheet (CSV or Excel).

The columns here are the import format too: an export re-imports with no changes.
Every text cell that a spreadsheet could run as a formula is neutralised with a
leading apostrophe (OWASP "CSV injection"); the import strips it again.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Provider

HEADERS = [
    "Reference",
    "Name",
    "Type",
    "Tier",
    "In-house",
    "Categories",
    "Ofsted URN",
    "Ofsted rating",
    "Ofsted inspection date",
    "Initial QA visit",
    "Latest annual QA visit",
    "RI exception agreed by",
    "RI exception agreed on",
    "Specialisms",
    "Age from",
    "Age to",
    "Genders",
    "Capacity",
    "Vacancies",
    "Vacancy available from",
    "Referral emails",
    "Phone",
    "Notes",
    "Status",
]

# Cells starting with these run as formulas in Excel, LibreOffice and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_DATE_FORMAT = "%d/%m/%Y"
XLSX_DATE_FORMAT = "DD/MM/YYYY"
COLUMN_WIDTHS = {"Name": 36, "Categories": 40, "Specialisms": 40, "Referral emails": 40}

Cell = str | int | Decimal | dt.date | None


def neutralise(value: str) -> str:
    """Prefix text a spreadsheet would run as a formula with an apostrophe. Text that
    already starts with an apostrophe before a trigger gets one more, so the import
    (which strips one) gives back exactly what was stored."""
    if value.startswith(FORMULA_TRIGGERS) or (
        value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_TRIGGERS)
    ):
        return "'" + value
    return value


def provider_row(provider: Provider) -> list[Cell]:
    """One provider's cells, in HEADERS order. Expects `provider_list_queryset()`
    prefetching (categories with their category, specialisms)."""
    categories = "; ".join(
        f"{pc.category.name}: {pc.get_framework_status_display()}"
        for pc in provider.provider_categories.all()
    )
    specialisms = "; ".join(sorted((s.name for s in provider.specialisms.all()), key=str.lower))
    return [
        provider.reference,
        provider.name,
        provider.get_provider_type_display(),
        provider.tier,
        "Yes" if provider.is_in_house else "No",
        categories,
        provider.ofsted_urn,
        provider.get_ofsted_rating_display(),
        provider.ofsted_inspection_date,
        provider.qa_initial_visit_date,
        provider.qa_latest_annual_visit_date,
        provider.ri_exception_agreed_by,
        provider.ri_exception_agreed_on,
        specialisms,
        provider.age_from,
        provider.age_to,
        provider.get_genders_display(),
        provider.capacity,
        provider.vacancies,
        provider.vacancy_available_from,
        "; ".join(provider.referral_emails),
        provider.phone,
        provider.notes,
        "Archived" if provider.is_archived else "Active",
    ]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime(CSV_DATE_FORMAT)
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def write_csv(rows: Iterable[Sequence[Cell]], *, headers: Sequence[str] = HEADERS) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens it without mangling accents."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(
    rows: Iterable[Sequence[Cell]], *, headers: Sequence[str] = HEADERS, title: str = "Providers"
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(
            header, max(len(header) + 2, 12)
        )
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value: Cell):
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet)
        cell.value = value  # (its stubs' constructor takes a datetime, not a date)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    if isinstance(value, str):
        # openpyxl would store "=..." as a live formula; the apostrophe keeps it text.
        return neutralise(value)
    return value


def export_filename(extension: str, *, on: dt.date) -> str:
    return f"providers-{on:%Y-%m-%d}.{extension}"
