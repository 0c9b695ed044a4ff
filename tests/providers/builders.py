"""Building spreadsheets in memory for the import and export tests (no tests here)."""

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

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


# --- Ofsted's data ------------------------------------------------------------------

OFSTED_HEADINGS = [
    "Provider type",
    "URN",
    "Local authority",
    "Setting name",
    "Provision type",
    "Registration status",
    "Places",
    "Organisation which owns the provider",
    "",
    "Inspection date",
    "Publication date",
    "Overall experiences and progress of children and young people",
]


def ofsted_row(urn: str, **values) -> dict:
    """A row of Ofsted's data for `urn`, keyed by heading: pass changes as
    heading_with_underscores=value, for example `ofsted_row("SC1", Overall="Good")`
    (`Overall` is the rating column)."""
    row = {
        "Provider type": "Children's home",
        "URN": urn,
        "Local authority": "Northshire",
        "Setting name": f"Setting {urn}",
        "Provision type": "Children's home",
        "Registration status": "Active",
        "Places": "4",
        "Organisation which owns the provider": "Beacon Care Group Ltd",
        # Today's: newer than the inspection any provider in a test has recorded.
        "Inspection date": f"{timezone.localdate():%d/%m/%Y}",
        "Publication date": f"{timezone.localdate():%d/%m/%Y}",
        "Overall experiences and progress of children and young people": "Good",
    }
    for key, value in values.items():
        heading = key.replace("_", " ")
        if heading == "Overall":
            heading = OFSTED_HEADINGS[-1]
        assert heading in row, heading
        row[heading] = value
    return row


def ofsted_csv(rows, *, headings=OFSTED_HEADINGS, title=True, encoding="cp1252") -> bytes:
    """Ofsted's CSV as published: a title and a note above the headings (`title`), an
    empty unnamed column, saved as Windows-1252 unless told otherwise."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    if title:
        writer.writerow(["Children's social care providers: provider-level data"])
        writer.writerow(["Source: Ofsted"])
        writer.writerow([])
    writer.writerow(headings)
    for row in rows:
        writer.writerow([row.get(heading, "") for heading in headings])
    return buffer.getvalue().encode(encoding)


def ofsted_apply(content: bytes, actor=None, *, filename="ofsted.csv") -> ProviderImport:
    """Ofsted's data imported through the services, as the page's confirm does."""
    from providers.ofsted.reading import read_ofsted_file
    from providers.services.imports import provider_import_apply

    table = read_ofsted_file(content, filename, max_rows=20000)
    job = provider_import_create(
        filename=filename, table=table, actor=actor, kind=ProviderImport.Kind.OFSTED
    )
    return provider_import_apply(provider_import=job, specialism_decisions={}, actor=actor)


def blank_pdf() -> bytes:
    """A one-page PDF with nothing in it that runs."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
