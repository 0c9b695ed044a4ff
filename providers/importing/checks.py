"""Checking every row of a spreadsheet against the directory as it is now.

Nothing here writes. `check_rows` returns an `ImportResult`: what each row would do
(create, update, unchanged), every row-level error, and the specialisms the file names
that the directory does not have. `services.imports` writes.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings

from ..exporting import HEADERS
from ..models import Genders, OfstedRating, Provider, ProviderType
from .cells import (
    GENDER_ALIASES,
    CellError,
    _categories,
    _cell_value,
    _choice,
    _date,
    _emails,
    _specialisms,
    _status,
    _text,
    _tier,
    _whole_number,
    _yes_no,
)
from .columns import FIELD_COLUMNS
from .results import Directory, ImportResult, ImportRow, RowError, UnknownSpecialism
from .spreadsheet import RawCell, Table, read_spreadsheet
from .text import _and_list, _key, _same

MAX_AGE = 25
MAX_PLACES = 9999


def parse_import(content: bytes, filename: str) -> ImportResult:
    """Read and check a whole upload against the directory as it is now."""
    table = read_spreadsheet(content, filename, max_rows=settings.PROVIDER_IMPORT_MAX_ROWS)
    return check_rows(table, Directory.load())


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


def _check_row(
    number: int, cells: Mapping[str, RawCell], directory: Directory
) -> tuple[ImportRow, list[RowError], list[tuple[str, str]]]:
    """The row's values as the Provider fields take them, its errors, and the
    (key, name) of each specialism it names that the directory does not have."""
    errors: list[RowError] = []
    parsed: dict[str, Any] = {}  # header: what its parser made of the cell

    def take(header: str, parse: Callable[..., object], *args: Any, **kwargs: Any) -> None:
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

    def rule(header: str, message: str) -> None:
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
    claimed: dict[Provider, list[ImportRow]] = defaultdict(list)  # models compare by pk
    for row in rows:
        urn, reference = row.values.get("ofsted_urn"), row.values.get("reference")
        provider = directory.by_urn.get(urn) if urn else None
        if provider is not None:
            row.provider, row.matched_by = provider, "Ofsted URN"
        elif reference and reference in directory.by_reference:
            row.provider, row.matched_by = directory.by_reference[reference], "Reference"
        if row.provider is None:
            continue
        claimed[row.provider].append(row)
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
    for provider, matched in claimed.items():
        if len(matched) < 2:
            continue
        for row in matched:
            others = [str(r.number) for r in matched if r is not row]
            errors.append(
                RowError(
                    row=row.number,
                    column=row.matched_by,
                    message=f"This row and row{'s' if len(others) > 1 else ''} "
                    f"{_and_list(others)} all match {provider.name}. "
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
