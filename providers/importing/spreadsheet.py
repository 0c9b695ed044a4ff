"""Reading an uploaded spreadsheet (CSV or Excel .xlsx) into a `Table`, and keeping it.

The file is read once, at upload: its header row is checked against the export's
columns and its non-blank rows are kept, cell by cell, as they were read. Nothing
here looks at the directory or at what a cell means (`checks` and `cells` do).
"""

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..exporting import HEADERS
from .text import _and_list, _key

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


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the upload form."""


@dataclass(frozen=True)
class RawCell:
    value: object
    is_formula: bool = False
    is_error: bool = False


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[RawCell]]]  # (row number as the spreadsheet shows it, cells)


# --- Reading the file ------------------------------------------------------------


def read_spreadsheet(content: bytes, filename: str, *, max_rows: int) -> Table:
    """The header row and the non-blank rows, or ImportFileError naming the problem."""
    table = read_table(content, filename, max_rows=max_rows)
    check_headers(table.headers)
    if not table.rows:
        raise ImportFileError("The selected file has column headings but no providers in it")
    return table


def read_table(content: bytes, filename: str, *, max_rows: int) -> Table:
    """Any CSV or Excel (.xlsx) file's header row and non-blank rows, whatever its
    headings (the caller checks them), or ImportFileError naming the problem."""
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
        rows: list[tuple[int, list[RawCell]]] = []
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
        rows: list[tuple[int, list[RawCell]]] = []
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


def _xlsx_cell(cell: Any) -> RawCell:
    data_type = getattr(cell, "data_type", "n")
    return RawCell(value=cell.value, is_formula=data_type == "f", is_error=data_type == "e")


def _header_text(value: object) -> str:
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


# --- Keeping what was read -------------------------------------------------------
# The file is read once, at upload; what it held is kept as JSON (`table_to_json`) and
# every later look (the preview, the confirm, a background import) checks that against
# the directory as it is then (`table_from_json`). Cells keep their type: a date stays a
# date, a formula stays a formula, so the checks see exactly what the reader saw.


def table_to_json(table: Table) -> dict[str, Any]:
    width = len(table.headers)  # cells past the last heading are never read
    return {
        "headers": list(table.headers),
        "rows": [
            [number, [_cell_to_json(cell) for cell in cells[:width]]]
            for number, cells in table.rows
        ],
    }


def table_from_json(data: Mapping[str, Any]) -> Table:
    return Table(
        headers=list(data["headers"]),
        rows=[(number, [_cell_from_json(c) for c in cells]) for number, cells in data["rows"]],
    )


# kind: (its type, to JSON, from JSON)
_TYPES: dict[str, tuple[type, Callable[[Any], Any], Callable[[Any], Any]]] = {
    "datetime": (dt.datetime, dt.datetime.isoformat, dt.datetime.fromisoformat),
    "date": (dt.date, dt.date.isoformat, dt.date.fromisoformat),
    "time": (dt.time, dt.time.isoformat, dt.time.fromisoformat),
    "timedelta": (dt.timedelta, dt.timedelta.total_seconds, lambda s: dt.timedelta(seconds=s)),
}


def _cell_to_json(cell: RawCell) -> object:
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


def _cell_from_json(data: object) -> RawCell:
    if not isinstance(data, dict):
        return RawCell(value=data)
    value, kind = data["v"], data.get("t")
    if kind in _TYPES:
        value = _TYPES[kind][2](value)
    return RawCell(value=value, is_formula=data["f"], is_error=data["e"])
