"""Building spreadsheets in memory for the import and export tests (no tests here)."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from placements.models import FieldChange
from providers.exporting import HEADERS
from providers.importing.spreadsheet import read_spreadsheet
from providers.models import Provider, ProviderImport, Specialism
from providers.services.imports import provider_import_create


def sheet_row(**changes) -> dict:
    """A valid row, keyed by header; pass changes as header_with_underscores=value,
    for example `sheet_row(Ofsted_URN="SC1", Name="X")`."""
    row = {
        "Reference": "IMP-001",
        "Name": "Hillside Fostering",
        "Type": "Independent fostering agency",
        "Tier": "1",
        "In-house": "No",
        "Categories": "Fostering: Framework",
        "Ofsted URN": "SC800001",
        "Ofsted rating": "Good",
        "Ofsted inspection date": "12/06/2025",
        "Initial QA visit": "08/03/2024",
        "Latest annual QA visit": "21/04/2026",
        "RI exception agreed by": "",
        "RI exception agreed on": "",
        "Specialisms": "",
        "Age from": "0",
        "Age to": "17",
        "Genders": "Any gender",
        "Capacity": "10",
        "Vacancies": "2",
        "Vacancy available from": "",
        "Referral emails": "referrals@hillside.example",
        "Phone": "01632 960200",
        "Notes": "",
        "Status": "Active",
    }
    for key, value in changes.items():
        header = key.replace("_", " ")
        if header not in row:
            header = {"In house": "In-house"}.get(header, header)
        assert header in row, header
        row[header] = value
    return row


def csv_bytes(rows, *, headers=HEADERS, bom=True, encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode(encoding)


def xlsx_bytes(rows, *, headers=HEADERS) -> bytes:
    """A normal (not write-only) workbook, like one saved by Excel. Strings starting
    with "=" become real formulas, as openpyxl stores them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Providers"
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "providers.csv", **extra):
    return client.post(
        reverse("providers:import"), {"file": SimpleUploadedFile(name, content)}, **extra
    )


def confirm(client, provider_import, **decisions):
    return client.post(
        reverse("providers:import-preview", args=[provider_import.pk]),
        {"action": "confirm", **decisions},
    )


def stored_import(actor, content: bytes, name: str = "providers.csv") -> ProviderImport:
    """An upload kept as the upload form keeps it: read once, then stored."""
    table = read_spreadsheet(content, name, max_rows=10_000)
    return provider_import_create(filename=name, table=table, actor=actor)


def many_rows(count: int, **changes) -> list[dict]:
    """`count` valid rows, each a different provider."""
    return [
        sheet_row(Reference=f"BIG-{n:04}", Ofsted_URN=f"SC9{n:05}", Name=f"Provider {n}", **changes)
        for n in range(count)
    ]


def latest_import() -> ProviderImport:
    return ProviderImport.objects.order_by("-pk").first()


def directory_state() -> tuple[int, int, int, list]:
    """What an import must not touch unless confirmed: providers, their history,
    specialisms, and every provider's stored values."""
    return (
        Provider.objects.count(),
        FieldChange.objects.count(),
        Specialism.objects.count(),
        list(Provider.objects.order_by("pk").values()),
    )


def error_rows(response) -> list[tuple[int, str, str]]:
    """(row, column, message) for each row-level error on a preview page."""
    result = response.context["result"]
    return [(e.row, e.column, e.message) for e in result.errors]
