"""Reading an Ofsted data file into a `Table` holding only the columns we use, under
their own names (`COLUMNS`), whatever the file calls them and wherever they are.

Ofsted's files vary by year: a title and notes above the heading row, columns added,
moved and renamed, empty unnamed columns, CSV saved as Windows-1252 rather than UTF-8,
and the spreadsheet as ODS. The heading row is the first (of the first few) that has a
URN heading; every other column is found by its heading.
"""

import csv
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from python_calamine import CalamineError, CalamineWorkbook

from ..importing.spreadsheet import (
    BLANK_ROWS_END,
    MAX_XLSX_EXPANDED_BYTES,
    ImportFileError,
    RawCell,
    Table,
    _sniff_binary,
)
from ..importing.text import _and_list

# How far down the heading row may be (Ofsted's spreadsheets put a title and notes first).
HEADING_ROWS = 30
# The most cells a sheet may have (rows by columns): Ofsted's data for all of England is a
# few hundred thousand.
MAX_CELLS = 5_000_000
NOT_OFSTED = (
    "The selected file must be Ofsted's provider-level data: a CSV or ODS file with a “URN” column"
)


@dataclass(frozen=True)
class Column:
    name: str  # ours: how the table, the rows and the preview call it
    label: str  # how the page names it
    headings: tuple[str, ...]  # what Ofsted's files have called it, as `_key` reads them
    starts: tuple[str, ...] = ()  # or what its heading starts with
    required: bool = False


COLUMNS = (
    Column("urn", "URN", ("urn",), required=True),
    Column("name", "Setting name", ("setting name", "name", "provider name", "provision name")),
    Column("provision_type", "Provision type", ("provision type", "provider type")),
    Column(
        "registration_status",
        "Registration status",
        ("registration status", "provider status", "status"),
    ),
    Column("local_authority", "Local authority", ("local authority", "provider local authority")),
    Column(
        "places",
        "Places",
        ("places", "number of places", "registered places", "number of registered places"),
    ),
    Column(
        "owner",
        "Organisation which owns the provider",
        ("organisation which owns the provider", "owner name", "owner", "organisation name"),
    ),
    Column(
        "inspection_date",
        "Inspection date",
        ("inspection date", "latest full inspection date", "date of latest full inspection"),
        starts=("inspection date",),
    ),
    Column("publication_date", "Publication date", ("publication date",)),
    Column(
        "rating",
        "Overall experiences and progress of children and young people",
        ("overall effectiveness", "overall judgement"),
        starts=("overall experiences and progress",),
        required=True,
    ),
)
NAMES = [column.name for column in COLUMNS]


def _key(heading: object) -> str:
    """ "Overall experiences and progress of children and young people " → lower case,
    punctuation as spaces, single spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(heading or "").lower()).split())


def read_ofsted_file(content: bytes, filename: str, *, max_rows: int) -> Table:
    """The rows under the heading row, with our columns in `NAMES` order, or
    ImportFileError saying why the file cannot be read."""
    if not content or not content.strip():
        raise ImportFileError("The selected file is empty")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        grid = _csv_rows(content)
    elif extension in ("ods", "xlsx"):
        grid = _workbook_rows(content)
    else:
        raise ImportFileError("The selected file must be a CSV or ODS file")
    return _table(grid, max_rows=max_rows)


def _csv_rows(content: bytes) -> Iterator[Sequence[object]]:
    """The file's records, one at a time (a file of millions of short lines is never
    held as a list)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")  # Excel's "Unicode text"
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{NOT_OFSTED}, but it could not be read as text") from error
    else:
        what = _sniff_binary(content)
        if what or b"\x00" in content[:8192]:
            raise ImportFileError(f"{NOT_OFSTED}, but it looks like {what or 'a binary file'}")
        text = _decode(content)
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileError(f"The selected file could not be read as CSV ({error})") from error


def _decode(content: bytes) -> str:
    """UTF-8 if it is; otherwise Windows-1252, which Excel on Windows saves CSV in (and
    which reads any Latin-1 file the same but for a few punctuation marks)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _workbook_rows(content: bytes) -> Iterator[Sequence[object]]:
    """The rows of the sheet with a URN heading in its first rows (Ofsted's workbooks
    have a cover and notes before the data), one at a time."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_EXPANDED_BYTES:
                raise ImportFileError("The selected file is too large to read")
    except zipfile.BadZipFile as error:
        what = _sniff_binary(content)
        hint = f", but it looks like {what}" if what else ""
        raise ImportFileError(
            f"The selected file could not be opened as a spreadsheet{hint}"
        ) from error
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        chosen = None
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            # A sheet can repeat a row or a cell many times in a few bytes: refuse one
            # far larger than Ofsted's data before its cells become Python values.
            if sheet.height * sheet.width > MAX_CELLS:
                raise ImportFileError("The selected file is too large to read")
            top = list(itertools.islice(sheet.iter_rows(), HEADING_ROWS))
            if _heading_row(top) is not None:
                chosen = sheet
                break
            chosen = chosen or sheet  # no URN heading anywhere: the first sheet says so
        if chosen is None:
            return
        yield from chosen.iter_rows()
    except (CalamineError, ValueError, OSError) as error:
        raise ImportFileError(
            "The selected file could not be opened as a spreadsheet. It may be damaged: "
            "open it, save it again as ODS and upload that"
        ) from error


def _heading_row(grid: Sequence[Sequence[object]]) -> int | None:
    for index, row in enumerate(grid[:HEADING_ROWS]):
        if any(_key(cell) == "urn" for cell in row):
            return index
    return None


def _column_of(column: Column, keys: list[str]) -> int | None:
    """The column under the first of its headings the file has (Ofsted's current name
    before older ones), else the first whose heading starts as it should."""
    for heading in column.headings:
        if heading in keys:
            return keys.index(heading)
    return next(
        (i for i, key in enumerate(keys) if any(key.startswith(s) for s in column.starts)), None
    )


def _table(records: Iterable[Sequence[object]], *, max_rows: int) -> Table:
    """The rows under the heading row, read as they come: a run of BLANK_ROWS_END blank
    rows ends the data (the rest is formatting), more than `max_rows` refuses the file."""
    records = iter(records)
    top = list(itertools.islice(records, HEADING_ROWS))
    heading = _heading_row(top)
    if heading is None:
        raise ImportFileError(NOT_OFSTED)
    keys = [_key(cell) for cell in top[heading]]
    found = {column.name: _column_of(column, keys) for column in COLUMNS}
    missing = [f"“{c.label}”" for c in COLUMNS if c.required and found[c.name] is None]
    if missing:
        raise ImportFileError(
            f"The selected file has no {_and_list(missing)} column. Upload Ofsted's "
            "provider-level data as published"
        )
    rows: list[tuple[int, list[RawCell]]] = []
    blank = 0
    following = itertools.chain(top[heading + 1 :], records)
    for number, record in enumerate(following, start=heading + 2):
        cells = [_cell(record, found[name]) for name in NAMES]
        if not any(cell.value not in (None, "") for cell in cells):
            blank += 1  # a blank row, or notes under the data
            if blank >= BLANK_ROWS_END:
                break
            continue
        blank = 0
        if len(rows) >= max_rows:
            raise ImportFileError(
                f"The selected file has more than {max_rows:,} rows. Split it into smaller files"
            )
        rows.append((number, cells))
    if not rows:
        raise ImportFileError("The selected file has column headings but no settings under them")
    return Table(headers=list(NAMES), rows=rows)


def _cell(record: Sequence[object], index: int | None) -> RawCell:
    if index is None or index >= len(record):
        return RawCell(value=None)
    value = record[index]
    if isinstance(value, str):
        value = " ".join(value.replace("\x00", "").split())
    elif isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number 1234.0 is the URN 1234
    elif isinstance(value, dt.datetime):
        value = value.date()
    return RawCell(value=value)
