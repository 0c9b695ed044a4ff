"""Write the sample Ofsted data files an administrator can try the Ofsted import with.

    .venv/bin/python -m providers.samples.make_ofsted_samples

They take the shape of Ofsted's published provider-level data on children's social
care providers: a title and notes above the heading row, Ofsted's column headings among
columns the import does not read, an empty unnamed column, the CSV saved as
Windows-1252 (as Excel on Windows saves it) and the spreadsheet as ODS with a cover
sheet before the data. Every name, URN and owner is made up; the URNs SC500001 to
SC500020 are those of the demo directory's providers, the rest match nothing in it.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
D = dt.date

HEADINGS: list[object] = [
    "Provider type",  # Ofsted's own column; the import reads "Provision type"
    "URN",
    "Ofsted region",
    "Local authority",
    "Setting name",
    "Provision type",
    "Sector",
    "Registration status",
    "Places",
    "Organisation which owns the provider",
    "",  # an empty unnamed column, as published files often carry
    "Inspection date",
    "Publication date",
    "Overall experiences and progress of children and young people",
]
TITLE: list[list[object]] = [
    ["Children's social care providers and inspections: provider-level data (sample)"],
    ["Made-up data in the published shape. Not Ofsted's data."],
    [],
]

RATINGS = [
    "Good",
    "Outstanding",
    "Requires improvement to be good",
    "Good",
    "Inadequate",
    "Good",
    "Outstanding",
    "Good",
    "Requires improvement to be good",
    "Good",
]
OWNERS = ["Beacon Care Group Ltd", "Hollybrook Children's Services Ltd", "Café Lumière Trust"]
AUTHORITIES = ["Northshire", "Westmoor", "Eastcombe", "City of Riverton"]


def sample_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for n in range(1, 31):
        known = n <= 20
        urn = f"SC{500000 + n:06d}" if known else f"SC{900000 + n:06d}"
        name = (
            f"Sample setting {n:02d}" if known else f"Unlisted home {n:02d} \u2013 St Brigid\u2019s"
        )
        status = "Active"
        if n == 6:
            status = "Suspended"
        elif n == 12:
            status = "Closed"
        rating = "Not yet inspected" if n == 15 else RATINGS[n % len(RATINGS)]
        inspected = D(2026, 1 + n % 10, 1 + n % 27)
        rows.append(
            [
                "Children's home",
                urn,
                "Midlands",
                AUTHORITIES[n % len(AUTHORITIES)],
                name,
                "Children's home" if n % 3 else "Independent fostering agency",
                "Private",
                status,
                (n % 5) + 2,
                OWNERS[n % len(OWNERS)],
                "",
                None if n == 15 else inspected,
                None if n == 15 else inspected + dt.timedelta(days=28),
                rating,
            ]
        )
    return rows


def csv_bytes(grid: Sequence[Sequence[object]], *, encoding: str = "cp1252") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in grid:
        writer.writerow(
            [f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else ("" if v is None else v) for v in row]
        )
    return buffer.getvalue().encode(encoding)


def _ods_cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value:%Y-%m-%d}">'
            f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def ods_bytes(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """A minimal OpenDocument spreadsheet holding these sheets, in this order."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            for row in grid
        )
        + "</table:table>"
        for name, grid in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype comes first and uncompressed, as the format asks.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def main() -> None:
    grid: list[list[object]] = [*TITLE, list(HEADINGS), *sample_rows()]
    (HERE / "sample-ofsted.csv").write_bytes(csv_bytes(grid))
    cover = [["Sample provider-level data"], ["The data is on the next sheet."]]
    (HERE / "sample-ofsted.ods").write_bytes(
        ods_bytes({"Cover": cover, "Provider level data": [HEADINGS, *sample_rows()]})
    )


if __name__ == "__main__":
    main()
