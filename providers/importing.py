"""Reading a provider spreadsheet (CSV or Excel .xlsx) and checking every row.

Nothing here writes. `read_spreadsheet` reads the file, once, at upload; what it
held is kept (`table_to_json`). `check_rows` checks each row against the directory as
it is now and returns an `ImportResult`: what each row would do (create, update,
unchanged), every row-level error, and the specialisms the file names that the
directory does not have. `services.provider_import_confirm` writes.

The format is the export's (`exporting.HEADERS`), so an export re-imports cleanly.
"""

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from placements.forms import GDSForm

from .exporting import HEADERS, neutralise
from .models import (
    Category,
    FrameworkStatus,
    Genders,
    OfstedRating,
    Provider,
    ProviderType,
    Specialism,
    Tier,
    provider_list_queryset,
)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
MAX_AGE = 25
MAX_PLACES = 9999
# An .xlsx is a zip; refuse one that would expand past this (a "zip bomb").
MAX_XLSX_EXPANDED_BYTES = 100 * 1024 * 1024
# After this many blank rows in a row the data has ended: a sheet formatted down to
# row 1,048,576 is not read to the bottom (a 95 MB file took 45 s, every preview).
BLANK_ROWS_END = 1000

SAVE_AS_UTF8 = (
    "The selected file is not saved as UTF-8. In Excel, choose File, Save a copy (or "
    "Save as), pick “CSV UTF-8 (Comma delimited) (*.csv)” and upload that file"
)
NOT_A_SPREADSHEET = "The selected file must be a spreadsheet saved as CSV or Excel (.xlsx)"
DAMAGED = (
    "The selected file could not be opened as an Excel workbook. It may be damaged: open "
    "it in Excel, save it as “Excel Workbook (.xlsx)” and upload it again"
)
FORMULA_MESSAGE = "Remove the formula from this cell and type the value itself"

# Header in the file -> the Provider field it sets (the others are handled apart).
FIELD_COLUMNS = {
    "reference": "Reference",
    "name": "Name",
    "provider_type": "Type",
    "tier": "Tier",
    "is_in_house": "In-house",
    "ofsted_urn": "Ofsted URN",
    "ofsted_rating": "Ofsted rating",
    "ofsted_inspection_date": "Ofsted inspection date",
    "qa_initial_visit_date": "Initial QA visit",
    "qa_latest_annual_visit_date": "Latest annual QA visit",
    "ri_exception_agreed_by": "RI exception agreed by",
    "ri_exception_agreed_on": "RI exception agreed on",
    "age_from": "Age from",
    "age_to": "Age to",
    "genders": "Genders",
    "capacity": "Capacity",
    "vacancies": "Vacancies",
    "vacancy_available_from": "Vacancy available from",
    "referral_emails": "Referral emails",
    "phone": "Phone",
    "notes": "Notes",
}


# What the upload page tells administrators to put in each column (export order).
COLUMN_GUIDANCE = {
    "Reference": "Required. Your council's reference, like PRV-0123. Each row must be different.",
    "Name": "Required. The provider's name.",
    "Type": "Required. For example “Independent fostering agency” or “Residential home”.",
    "Tier": "Required. 1 (inside the council's boundary) or 2 (outside).",
    "In-house": "Yes or No. Blank means No.",
    "Categories": "Required. Each category with its framework status, separated by "
    "semicolons, like “Fostering: Framework; Parent and child: Spot”.",
    "Ofsted URN": "Optional. Rows are matched to providers by Ofsted URN first, then by reference.",
    "Ofsted rating": "Outstanding, Good, Requires improvement, Inadequate or Not yet "
    "inspected. Blank means Not yet inspected.",
    "Ofsted inspection date": "Optional. A date like 23/11/2026 or 2026-11-23.",
    "Initial QA visit": "Optional date. Needed before an annual visit.",
    "Latest annual QA visit": "Optional date.",
    "RI exception agreed by": "Name and role, only where an RI-process exception was agreed.",
    "RI exception agreed on": "The date the RI exception was agreed.",
    "Specialisms": "Optional. Separated by semicolons. New ones are listed for you to "
    "add or match to an existing specialism before anything is imported.",
    "Age from": "Required. The youngest age accepted, 0 to 25.",
    "Age to": "Required. The oldest age accepted, 0 to 25.",
    "Genders": "Any gender, Boys and young men only, or Girls and young women only. "
    "Blank means any.",
    "Capacity": "Required. Number of places.",
    "Vacancies": "Current vacancies, no more than the capacity. Blank means 0.",
    "Vacancy available from": "Optional date.",
    "Referral emails": "Required. One or more, separated by semicolons or commas.",
    "Phone": "Optional.",
    "Notes": "Optional.",
    "Status": "Active or Archived. Blank leaves an existing provider as it is.",
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the upload form."""


class CellError(Exception):
    """One cell's value is not acceptable; the message is shown against the cell."""


# --- Results ---------------------------------------------------------------------


@dataclass(frozen=True)
class RawCell:
    value: object
    is_formula: bool = False
    is_error: bool = False


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[RawCell]]]  # (row number as the spreadsheet shows it, cells)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class UnknownSpecialism:
    key: str  # case-folded, for matching decisions
    name: str  # as first written in the file
    rows: list[int] = field(default_factory=list)


@dataclass
class ImportRow:
    number: int
    values: dict
    categories: dict[Category, str]
    specialisms: list[Specialism]
    unknown_specialisms: list[str]  # keys of UnknownSpecialism
    is_archived: bool | None  # None: the Status cell was blank, leave it as it is
    provider: Provider | None = None  # the existing provider this row updates
    matched_by: str = ""
    changes: list[str] = field(default_factory=list)  # headers whose value changes

    @property
    def action(self) -> str:
        if self.provider is None:
            return CREATE
        return UPDATE if self.changes else UNCHANGED

    @property
    def name(self) -> str:
        return self.values.get("name", "")


@dataclass
class ImportResult:
    rows: list[ImportRow]
    errors: list[RowError]
    unknown_specialisms: list[UnknownSpecialism]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def rows_that(self, action: str) -> list[ImportRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def created_count(self) -> int:
        return len(self.rows_that(CREATE))

    @property
    def updated_count(self) -> int:
        return len(self.rows_that(UPDATE))

    @property
    def unchanged_count(self) -> int:
        return len(self.rows_that(UNCHANGED))


@dataclass
class Directory:
    """What rows are checked against: the directory as it is now."""

    categories: dict[str, Category]
    specialisms: dict[str, Specialism]
    by_urn: dict[str, Provider]
    by_reference: dict[str, Provider]

    @classmethod
    def load(cls) -> "Directory":
        categories = {}
        for category in Category.objects.all():
            categories[_key(category.name)] = category
            categories[_key(category.slug)] = category
        providers = list(provider_list_queryset())
        return cls(
            categories=categories,
            specialisms={_key(s.name): s for s in Specialism.objects.all()},
            by_urn={p.ofsted_urn.upper(): p for p in providers if p.ofsted_urn},
            by_reference={p.reference.upper(): p for p in providers},
        )


@dataclass(frozen=True)
class SpecialismDecision:
    """What the administrator chose for a specialism the directory does not have:
    add it (existing is None) or use an existing specialism instead."""

    key: str
    name: str
    existing: Specialism | None = None


# --- Reading the file ------------------------------------------------------------


def parse_import(content: bytes, filename: str) -> ImportResult:
    """Read and check a whole upload against the directory as it is now."""
    table = read_spreadsheet(content, filename, max_rows=settings.PROVIDER_IMPORT_MAX_ROWS)
    return check_rows(table, Directory.load())


# --- Keeping what was read -------------------------------------------------------
# The file is read once, at upload; what it held is kept as JSON (`table_to_json`) and
# every later look (the preview, the confirm, a background import) checks that against
# the directory as it is then (`table_from_json`). Cells keep their type: a date stays a
# date, a formula stays a formula, so the checks see exactly what the reader saw.


def table_to_json(table: Table) -> dict:
    width = len(table.headers)  # cells past the last heading are never read
    return {
        "headers": list(table.headers),
        "rows": [
            [number, [_cell_to_json(cell) for cell in cells[:width]]]
            for number, cells in table.rows
        ],
    }


def table_from_json(data: Mapping) -> Table:
    return Table(
        headers=list(data["headers"]),
        rows=[(number, [_cell_from_json(c) for c in cells]) for number, cells in data["rows"]],
    )


_TYPES = {
    "datetime": (dt.datetime, dt.datetime.isoformat, dt.datetime.fromisoformat),
    "date": (dt.date, dt.date.isoformat, dt.date.fromisoformat),
    "time": (dt.time, dt.time.isoformat, dt.time.fromisoformat),
    "timedelta": (dt.timedelta, dt.timedelta.total_seconds, lambda s: dt.timedelta(seconds=s)),
}


def _cell_to_json(cell: RawCell):
    """A plain value as itself; anything else (a date, a formula, an error) tagged."""
    value = cell.value
    plain = (
        value is None
        or isinstance(value, str | bool | int)
        or (isinstance(value, float) and math.isfinite(value))
    )
    if plain and not (cell.is_formula or cell.is_error):
        return value
    kind = next((k for k, (cls, *_rest) in _TYPES.items() if type(value) is cls), None)
    if kind:
        value = _TYPES[kind][1](value)
    elif not plain:
        kind, value = "text", str(value)  # an array formula's object, an infinite float
    return {"t": kind, "v": value, "f": cell.is_formula, "e": cell.is_error}


def _cell_from_json(data) -> RawCell:
    if not isinstance(data, dict):
        return RawCell(value=data)
    value, kind = data["v"], data.get("t")
    if kind in _TYPES:
        value = _TYPES[kind][2](value)
    return RawCell(value=value, is_formula=data["f"], is_error=data["e"])


def read_spreadsheet(content: bytes, filename: str, *, max_rows: int) -> Table:
    """The header row and the non-blank rows, or ImportFileError naming the problem."""
    if not content or not content.strip():
        raise ImportFileError("The selected file is empty")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        table = _read_xlsx(content, max_rows=max_rows)
    elif extension == "csv":
        table = _read_csv(content, max_rows=max_rows)
    elif extension in {"xls", "xlsm", "ods", "numbers"}:
        raise ImportFileError(
            "The selected file must be a CSV or Excel (.xlsx) file. Open it in Excel and "
            "save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”"
        )
    else:
        raise ImportFileError(NOT_A_SPREADSHEET)
    while table.headers and not table.headers[-1]:
        table.headers.pop()  # spreadsheets often carry empty columns after the last heading
    check_headers(table.headers)
    if not table.rows:
        raise ImportFileError("The selected file has column headings but no providers in it")
    return table


BINARY_SIGNATURES = {
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"GIF8": "an image",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old-style Office file",
}


def _sniff_binary(content: bytes) -> str | None:
    for signature, what in BINARY_SIGNATURES.items():
        if content.startswith(signature):
            return what
    if content.startswith(b"PK\x03\x04"):
        return "a zip file"
    return None


def _read_csv(content: bytes, *, max_rows: int) -> Table:
    what = _sniff_binary(content)
    if what == "a zip file" and _is_xlsx(content):
        raise ImportFileError(
            "The selected file is an Excel workbook with a .csv name. "
            "Rename it to end in .xlsx, or save it as “CSV UTF-8”"
        )
    if what or b"\x00" in content[:8192]:
        raise ImportFileError(f"{NOT_A_SPREADSHEET}, but it looks like {what or 'a binary file'}")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(SAVE_AS_UTF8) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        # Some European Excel settings save "CSV" with semicolons or tabs.
        delimiter = next((d for d in (";", "\t") if d in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = iter(reader)
        headers = [cell.strip() for cell in next(records, [])]
        rows = []
        blank = 0
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                blank += 1
                if blank >= BLANK_ROWS_END:
                    break  # the data has ended: the rest is formatting
                continue
            blank = 0
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            cells = [RawCell(value=cell, is_formula=looks_like_formula(cell)) for cell in record]
            rows.append((number, cells))
    except csv.Error as error:
        raise ImportFileError(
            f"The selected file could not be read as CSV ({error}). Save it again as “CSV UTF-8”"
        ) from error
    return Table(headers=headers, rows=rows)


def _is_xlsx(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _read_xlsx(content: bytes, *, max_rows: int) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        what = _sniff_binary(content)
        if what == "a zip file":
            raise ImportFileError(DAMAGED) from error
        if what == "an old-style Office file":
            # Excel saves a password-protected workbook in the old container format.
            raise ImportFileError(
                "The selected file could not be opened. It may be password protected or an "
                "old Excel (.xls) file: remove the password, or save it as “Excel Workbook "
                "(.xlsx)”"
            ) from error
        hint = f", but it looks like {what}" if what else ""
        raise ImportFileError(f"{NOT_A_SPREADSHEET}{hint}") from error
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" not in names:
            if "word/document.xml" in names:
                raise ImportFileError(f"{NOT_A_SPREADSHEET}, but it looks like a Word document")
            raise ImportFileError(NOT_A_SPREADSHEET)
        if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_EXPANDED_BYTES:
            raise ImportFileError("The selected file is too large to read")
    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise ImportFileError(DAMAGED) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError("The selected file has no worksheets")
        sheet = next(
            (ws for ws in workbook.worksheets if ws.title.strip().lower() == "providers"),
            workbook.worksheets[0],
        )
        sheet.reset_dimensions()  # trust the cells, not the size the file claims
        rows_iter = iter(sheet.iter_rows())
        header_cells = next(rows_iter, ())
        headers = [_header_text(cell.value) for cell in header_cells]
        rows = []
        blank = 0
        for number, row in enumerate(rows_iter, start=2):
            cells = [_xlsx_cell(cell) for cell in row]
            if not any(_is_filled(cell) for cell in cells):
                blank += 1
                if blank >= BLANK_ROWS_END:
                    break  # the data has ended: the rest is formatted blank cells
                continue
            blank = 0
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            rows.append((number, cells))
    finally:
        workbook.close()
    return Table(headers=headers, rows=rows)


def _xlsx_cell(cell) -> RawCell:
    data_type = getattr(cell, "data_type", "n")
    return RawCell(value=cell.value, is_formula=data_type == "f", is_error=data_type == "e")


def _header_text(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _is_filled(cell: RawCell) -> bool:
    return cell.value is not None and str(cell.value).strip() != ""


def _too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(
        f"The selected file has more than {max_rows:,} providers. "
        f"Split it into files of {max_rows:,} rows or fewer"
    )


def check_headers(headers: list[str]) -> None:
    """Every export column, each once, and nothing else. Case and spacing are forgiven."""
    wanted = {_key(h): h for h in HEADERS}
    seen: dict[str, str] = {}
    unexpected, duplicated = [], []
    for index, header in enumerate(headers, start=1):
        key = _key(header)
        if not key:
            unexpected.append(f"a column with no heading (column {get_column_letter(index)})")
        elif key not in wanted:
            unexpected.append(f"“{header}”")
        elif key in seen:
            duplicated.append(f"“{wanted[key]}”")
        else:
            seen[key] = header
    missing = [f"“{h}”" for k, h in wanted.items() if k not in seen]
    if not (missing or unexpected or duplicated):
        return
    if not seen:
        raise ImportFileError(
            "The first row of the selected file must be the column headings from the "
            "sample spreadsheet, starting with “Reference” and “Name”"
        )
    problems = []
    if missing:
        problems.append(f"missing {_and_list(missing)}")
    if unexpected:
        problems.append(f"has unexpected {_and_list(unexpected)}")
    if duplicated:
        problems.append(f"has {_and_list(duplicated)} more than once")
    raise ImportFileError(
        "The column headings must match the sample spreadsheet. The file is "
        + "; it ".join(problems)
    )


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def looks_like_formula(text: str) -> bool:
    """A CSV cell a spreadsheet would run as a formula: "=..." or +, -, @ followed by
    anything but a plain number or phone number. An apostrophe first makes it text."""
    text = text.strip()
    if not text:
        return False
    if text[0] == "=":
        return True
    if text[0] in "+-@":
        rest = text[1:].strip()
        # "-5", "+44 (0)1632 960000": a number or phone. Anything else would run.
        return bool(rest) and not re.fullmatch(r"[\d\s().-]*\d[\d\s().-]*", rest)
    return False


# --- Checking rows ---------------------------------------------------------------


def check_rows(table: Table, directory: Directory) -> ImportResult:
    positions = {_key(header): index for index, header in enumerate(table.headers)}
    errors: list[RowError] = []
    rows: list[ImportRow] = []
    unknown: dict[str, UnknownSpecialism] = {}
    for number, cells in table.rows:
        cell_map = {
            header: (
                cells[positions[_key(header)]]
                if positions[_key(header)] < len(cells)
                else RawCell(None)
            )
            for header in HEADERS
        }
        row, row_errors, names = _check_row(number, cell_map, directory)
        errors.extend(row_errors)
        for key, name in names:
            unknown.setdefault(key, UnknownSpecialism(key=key, name=name)).rows.append(number)
        rows.append(row)
    errors.extend(_check_duplicates(rows))
    errors.extend(_match_existing(rows, directory))
    for row in rows:
        if row.provider is not None:
            row.changes = _changes(row, row.provider)
    errors.sort(key=lambda e: (e.row, _header_position(e.column)))
    return ImportResult(rows=rows, errors=errors, unknown_specialisms=list(unknown.values()))


def _header_position(header: str) -> int:
    return HEADERS.index(header) if header in HEADERS else len(HEADERS)


def _check_row(number: int, cells: Mapping[str, RawCell], directory: Directory):
    errors: list[RowError] = []
    parsed: dict[str, object] = {}

    def take(header: str, parse, *args, **kwargs):
        raw = cells[header]
        try:
            value = _cell_value(raw)
            parsed[header] = parse(value, *args, **kwargs)
        except CellError as error:
            errors.append(RowError(row=number, column=header, message=str(error)))

    take("Reference", _text, "reference", max_length=40, required=True, upper=True)
    take("Name", _text, "name", max_length=200, required=True)
    take("Type", _choice, ProviderType, "type", required=True)
    take("Tier", _tier)
    take("In-house", _yes_no, default=False)
    take("Categories", _categories, directory)
    take("Ofsted URN", _text, "Ofsted URN", max_length=20, upper=True)
    take("Ofsted rating", _choice, OfstedRating, "Ofsted rating", default="not_yet_inspected")
    for header in (
        "Ofsted inspection date",
        "Initial QA visit",
        "Latest annual QA visit",
        "RI exception agreed on",
        "Vacancy available from",
    ):
        take(header, _date)
    take("RI exception agreed by", _text, "name", max_length=200)
    take("Specialisms", _specialisms, directory)
    take("Age from", _whole_number, required=True, maximum=MAX_AGE)
    take("Age to", _whole_number, required=True, maximum=MAX_AGE)
    take("Genders", _choice, Genders, "gender", default=Genders.ANY, aliases=GENDER_ALIASES)
    take("Capacity", _whole_number, required=True, maximum=MAX_PLACES)
    take("Vacancies", _whole_number, default=0, maximum=MAX_PLACES)
    take("Referral emails", _emails)
    take("Phone", _text, "phone number", max_length=40)
    take("Notes", _text, "notes", max_length=10_000, multiline=True)
    take("Status", _status)

    def rule(header: str, message: str):
        errors.append(RowError(row=number, column=header, message=message))

    age_from, age_to = parsed.get("Age from"), parsed.get("Age to")
    if age_from is not None and age_to is not None and age_from > age_to:
        rule("Age to", "The oldest age must be the same as or more than the youngest")
    capacity, vacancies = parsed.get("Capacity"), parsed.get("Vacancies")
    if capacity is not None and vacancies is not None and vacancies > capacity:
        rule("Vacancies", "Vacancies cannot be more than the capacity")
    if "RI exception agreed by" in parsed and "RI exception agreed on" in parsed:
        if parsed["RI exception agreed by"] and not parsed["RI exception agreed on"]:
            rule("RI exception agreed on", "Enter the date the RI exception was agreed")
        if parsed["RI exception agreed on"] and not parsed["RI exception agreed by"]:
            rule("RI exception agreed by", "Enter who agreed the RI exception")
    initial, annual = parsed.get("Initial QA visit"), parsed.get("Latest annual QA visit")
    if "Initial QA visit" in parsed and annual and not initial:
        rule("Initial QA visit", "Enter the initial QA visit date before an annual visit")
    elif initial and annual and annual < initial:
        rule("Latest annual QA visit", "The annual visit must be after the initial visit")

    values = {name: parsed[header] for name, header in FIELD_COLUMNS.items() if header in parsed}
    known, unknown_names = parsed.get("Specialisms", ([], []))
    row = ImportRow(
        number=number,
        values=values,
        categories=parsed.get("Categories", {}),
        specialisms=known,
        unknown_specialisms=[key for key, _name in unknown_names],
        is_archived=parsed.get("Status"),
    )
    return row, errors, unknown_names


def _check_duplicates(rows: list[ImportRow]) -> list[RowError]:
    errors = []
    for name, header in (("ofsted_urn", "Ofsted URN"), ("reference", "Reference")):
        seen: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            value = row.values.get(name)
            if value:
                seen[value].append(row.number)
        for value, numbers in seen.items():
            if len(numbers) < 2:
                continue
            for number in numbers:
                others = [str(n) for n in numbers if n != number]
                errors.append(
                    RowError(
                        row=number,
                        column=header,
                        message=f"{header} {value} is also on row{'s' if len(others) > 1 else ''} "
                        f"{_and_list(others)}. Each provider must appear once",
                    )
                )
    return errors


def _match_existing(rows: list[ImportRow], directory: Directory) -> list[RowError]:
    """Match by Ofsted URN first, else by reference; refuse rows that would clash."""
    errors = []
    claimed: dict[int, list[ImportRow]] = defaultdict(list)
    for row in rows:
        urn, reference = row.values.get("ofsted_urn"), row.values.get("reference")
        provider = directory.by_urn.get(urn) if urn else None
        if provider is not None:
            row.provider, row.matched_by = provider, "Ofsted URN"
        elif reference and reference in directory.by_reference:
            row.provider, row.matched_by = directory.by_reference[reference], "Reference"
        if row.provider is None:
            continue
        claimed[row.provider.pk].append(row)
        holder = directory.by_reference.get(reference) if reference else None
        if holder is not None and holder.pk != row.provider.pk:
            errors.append(
                RowError(
                    row=row.number,
                    column="Reference",
                    message=f"Reference {reference} belongs to {holder.name}, but Ofsted URN "
                    f"{urn} belongs to {row.provider.name}. Correct one of them",
                )
            )
    for matched in claimed.values():
        if len(matched) < 2:
            continue
        for row in matched:
            others = [str(r.number) for r in matched if r is not row]
            errors.append(
                RowError(
                    row=row.number,
                    column=row.matched_by,
                    message=f"This row and row{'s' if len(others) > 1 else ''} "
                    f"{_and_list(others)} all match {row.provider.name}. "
                    "Each provider must appear once",
                )
            )
    return errors


def _changes(row: ImportRow, provider: Provider) -> list[str]:
    """The headers whose value in the row differs from the provider's."""
    changed = set()
    for name, header in FIELD_COLUMNS.items():
        if name not in row.values:
            continue
        current = getattr(provider, name)
        if _same(row.values[name]) != _same(current):
            changed.add(header)
        else:
            row.values[name] = current  # keep the stored line breaks exactly

    current = {pc.category_id: pc.framework_status for pc in provider.provider_categories.all()}
    if row.categories and {c.pk: s for c, s in row.categories.items()} != current:
        changed.add("Categories")
    if row.unknown_specialisms or {s.pk for s in row.specialisms} != {
        s.pk for s in provider.specialisms.all()
    }:
        changed.add("Specialisms")
    if row.is_archived is not None and row.is_archived != provider.is_archived:
        changed.add("Status")
    return [header for header in HEADERS if header in changed]


def _same(value):
    """Compare text as a spreadsheet keeps it: Excel stores line breaks as LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


# --- Cell values -----------------------------------------------------------------


def _key(text) -> str:
    """Forgive case, spacing, underscores and hyphens when matching words."""
    return " ".join(str(text).replace("_", " ").replace("-", " ").casefold().split())


def _cell_value(raw: RawCell):
    """The cell's value with surrounding space gone and our export's apostrophe removed."""
    if raw.is_formula:
        raise CellError(FORMULA_MESSAGE)
    if raw.is_error:
        raise CellError(f"This cell shows an error ({raw.value}). Type the value itself")
    value = raw.value
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("'") and neutralise(value[1:]) == value:
            value = value[1:]
    return value


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _text(value, what: str, *, max_length: int, required=False, upper=False, multiline=False):
    text = _as_text(value)
    text = _same(text) if multiline else " ".join(text.split())
    if upper:
        text = text.upper()
    if required and not text:
        raise CellError(f"Enter the {what}")
    if len(text) > max_length:
        raise CellError(f"This must be {max_length:,} characters or fewer")
    return text


GENDER_ALIASES = {
    "any": Genders.ANY,
    "all": Genders.ANY,
    "mixed": Genders.ANY,
    "male": Genders.MALE,
    "boys": Genders.MALE,
    "female": Genders.FEMALE,
    "girls": Genders.FEMALE,
}


def _choice(value, choices, what: str, *, required=False, default=None, aliases=None):
    text = _as_text(value)
    if not text:
        if required:
            raise CellError(f"Enter the {what}")
        return default
    lookup = {_key(v): v for v in choices.values}
    lookup.update({_key(label): v for v, label in choices.choices})
    lookup.update({_key(k): v for k, v in (aliases or {}).items()})
    found = lookup.get(_key(text))
    if found is None:
        labels = [str(label) for _v, label in choices.choices]
        raise CellError(
            f"{what.capitalize()} “{text}” is not recognised. Use one of: {', '.join(labels)}"
        )
    return str(found)


def _tier(value) -> int:
    text = _as_text(value)
    if not text:
        raise CellError("Enter the tier: 1 (inside the boundary) or 2 (outside)")
    key = _key(text)
    for tier in Tier:
        if key in {str(tier.value), f"tier {tier.value}", _key(tier.label)}:
            return tier.value
    raise CellError(f"“{text}” is not a tier. Enter 1 (inside the boundary) or 2 (outside)")


def _yes_no(value, *, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    text = _key(_as_text(value))
    if not text:
        return default
    if text in {"yes", "y", "true", "1"}:
        return True
    if text in {"no", "n", "false", "0"}:
        return False
    raise CellError(f"Enter Yes or No, not “{_as_text(value)}”")


def _status(value) -> bool | None:
    text = _key(_as_text(value))
    if not text:
        return None
    if text == "active":
        return False
    if text == "archived":
        return True
    raise CellError(f"Enter Active or Archived, not “{_as_text(value)}”")


DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+0{1,2}:00(?::00)?)?")
YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?")


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.year < 1900:
            raise CellError("Enter a date after 1900")
        return value
    text = _as_text(value)
    if match := DAY_FIRST.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := YEAR_FIRST.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise CellError(f"Enter a date like 23/11/2026, not “{text}”")
    try:
        date = dt.date(year, month, day)
    except ValueError as error:
        raise CellError(f"“{text}” is not a real date") from error
    if date.year < 1900:
        raise CellError("Enter a date after 1900")
    return date


def _whole_number(value, *, required=False, default=None, maximum: int) -> int | None:
    if isinstance(value, bool):
        raise CellError("Enter a whole number, like 3")
    if value is None or value == "":
        if required:
            raise CellError("Enter a whole number, like 3")
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\d+(\.0+)?", value.strip()):
        number = int(value.strip().split(".")[0])
    else:
        raise CellError(f"Enter a whole number, like 3, not “{_as_text(value)}”")
    if number < 0 or number > maximum:
        raise CellError(f"Enter a number from 0 to {maximum:,}")
    return number


def _categories(value, directory: Directory) -> dict[Category, str]:
    text = _as_text(value)
    if not text:
        raise CellError(
            "Enter at least one category with its framework status, like “Fostering: Framework”"
        )
    statuses = {_key(v): v for v in FrameworkStatus.values}
    statuses.update({_key(label): v for v, label in FrameworkStatus.choices})
    chosen: dict[Category, str] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        name, colon, status = part.rpartition(":")
        if not colon:
            raise CellError(
                f"Give “{part}” a framework status, like “{part}: Framework”. Statuses: "
                + ", ".join(str(label) for _v, label in FrameworkStatus.choices)
            )
        category = directory.categories.get(_key(name))
        if category is None:
            names = sorted({c.name for c in directory.categories.values()})
            raise CellError(f"“{name.strip()}” is not a category. Use one of: {', '.join(names)}")
        framework = statuses.get(_key(status))
        if framework is None:
            raise CellError(
                f"“{status.strip()}” is not a framework status. Use one of: "
                + ", ".join(str(label) for _v, label in FrameworkStatus.choices)
            )
        if category in chosen:
            raise CellError(f"{category.name} is listed more than once")
        chosen[category] = framework
    if not chosen:
        raise CellError("Enter at least one category with its framework status")
    return chosen


def _specialisms(value, directory: Directory):
    """(known specialisms, [(key, name) of ones the directory does not have])."""
    known: list[Specialism] = []
    unknown: list[tuple[str, str]] = []
    seen = set()
    for part in re.split(r"[;\n]", _as_text(value)):
        name = " ".join(part.split())
        key = _key(name)
        if not key or key in seen:
            continue
        seen.add(key)
        if len(name) > 120:
            raise CellError("Each specialism must be 120 characters or fewer")
        if key in directory.specialisms:
            known.append(directory.specialisms[key])
        else:
            unknown.append((key, name))
    return known, unknown


def _emails(value) -> list[str]:
    emails, invalid = [], []
    for part in re.split(r"[;,\s]+", _as_text(value)):
        email = part.strip().strip("<>").lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            invalid.append(part.strip())
        else:
            if email not in emails:
                emails.append(email)
    if invalid:
        raise CellError(
            "Enter email addresses in the correct format, like referrals@provider.co.uk "
            f"(not valid: {', '.join(invalid)})"
        )
    if not emails:
        raise CellError("Enter at least one referral email address")
    return emails


# --- The administrator's choices for unknown specialisms -------------------------

ADD_NEW, USE_EXISTING = "add", "existing"


class SpecialismDecisionsForm(GDSForm, forms.Form):
    """For each specialism the file names that the directory lacks: add it, or use an
    existing one instead. Every one must be decided before the import is applied."""

    def __init__(self, *args, unknown: Iterable[UnknownSpecialism], **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = list(unknown)
        existing = Specialism.objects.filter(is_active=True)
        layout = []
        for index, item in enumerate(self.unknown):
            rows = _and_list([str(n) for n in item.rows])
            action, target = self.field_names(index)
            self.fields[action] = forms.ChoiceField(
                label=f"What should happen to “{item.name}”?",
                help_text=f"Used on row{'s' if len(item.rows) > 1 else ''} {rows}.",
                choices=[
                    (ADD_NEW, f"Add “{item.name}” as a new specialism"),
                    (USE_EXISTING, "Use an existing specialism instead"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose what to do with “{item.name}”"},
            )
            self.fields[target] = forms.ModelChoiceField(
                queryset=existing,
                required=False,
                label=f"Existing specialism to use for “{item.name}”",
                empty_label="Choose a specialism",
            )
            layout.append(
                ConditionalRadios(
                    action,
                    f"Add “{item.name}” as a new specialism",
                    ConditionalQuestion("Use an existing specialism instead", target),
                )
            )
        self.helper.disable_csrf = True  # the page's form has its own token
        self.helper.layout = Layout(*layout)

    @staticmethod
    def field_names(index: int) -> tuple[str, str]:
        return f"specialism_{index}", f"specialism_{index}_existing"

    def clean(self):
        cleaned = super().clean()
        for index, item in enumerate(self.unknown):
            action, target = self.field_names(index)
            if cleaned.get(action) == USE_EXISTING and not cleaned.get(target):
                self.add_error(target, f"Choose the existing specialism to use for “{item.name}”")
        return cleaned

    def decisions(self) -> dict[str, SpecialismDecision]:
        decisions = {}
        for index, item in enumerate(self.unknown):
            action, target = self.field_names(index)
            use_existing = self.cleaned_data[action] == USE_EXISTING
            decisions[item.key] = SpecialismDecision(
                key=item.key,
                name=item.name,
                existing=self.cleaned_data[target] if use_existing else None,
            )
        return decisions
