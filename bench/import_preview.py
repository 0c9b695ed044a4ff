"""A provider spreadsheet formatted far below its data: upload, preview and import.

Builds an Excel workbook of `--data-rows` providers followed by `--blank-rows` rows of
formatted but empty cells (every column, as a sheet formatted "to the bottom" is
saved), then through Django's test client (server time, no network) times:

- reading the file: to the end of the data (BLANK_ROWS_END blank rows), and, for
  comparison, to the very bottom as before that limit;
- the upload (the one read), each look at the preview (the kept rows checked against
  the directory; the file is not read again) and the confirm request of a spreadsheet
  large enough to go to the worker (PROVIDER_IMPORT_BACKGROUND_ROWS);
- the worker's import of it, run here in process, with rows per second.

    createdb -h 127.0.0.1 -U postgres placements_bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench_import \\
      .venv/bin/python bench/import_preview.py --data-rows 1000 --blank-rows 100000
"""

import argparse
import io
import os
import re
import statistics
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from placements.models import User  # noqa: E402
from providers.exporting import HEADERS  # noqa: E402
from providers.importing import spreadsheet  # noqa: E402
from providers.models import Provider, ProviderImport  # noqa: E402
from providers.services import imports as import_services  # noqa: E402


def workbook(data_rows: int, blank_rows: int, run: str) -> bytes:
    """`data_rows` valid new providers, then `blank_rows` formatted empty rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Providers"
    sheet.append(HEADERS)
    for n in range(data_rows):
        values = {
            "Reference": f"BENCH-{run}-{n:05}",
            "Name": f"Bench provider {run} {n}",
            "Type": "Independent fostering agency",
            "Tier": 1,
            "Categories": "Fostering: Framework",
            "Age from": 0,
            "Age to": 17,
            "Capacity": 4,
            "Vacancies": 1,
            "Referral emails": f"referrals{n}@bench.example",
        }
        sheet.append([values.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    # Add the formatted empty rows to the saved sheet directly: openpyxl would take
    # minutes to make millions of cells. A bold style (s="1") on each empty cell.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    columns = [openpyxl.utils.get_column_letter(i) for i in range(1, len(HEADERS) + 1)]
    first = data_rows + 2
    blank = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in columns) + "</row>"
        for r in range(first, first + blank_rows)
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = text.replace("</sheetData>", blank + "</sheetData>")
                last = first + blank_rows - 1
                text = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:X{last}"', text)
                data = text.encode()
            elif item.filename == "xl/styles.xml":
                data = (
                    data.decode()
                    .replace('<fonts count="1">', '<fonts count="2"><font><b/></font>')
                    .encode()
                )
                data = re.sub(
                    rb'<cellXfs count="1">(.*?)</cellXfs>',
                    rb'<cellXfs count="2">\1<xf fontId="1" applyFont="1"/></cellXfs>',
                    data,
                )
            target.writestr(item, data)
    return out.getvalue()


def timed(call, runs: int = 1) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-rows", type=int, default=1000)
    parser.add_argument("--blank-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_logins=True)
    run = time.strftime("%H%M%S")
    content = workbook(args.data_rows, args.blank_rows, run)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        expanded = sum(i.file_size for i in archive.infolist())
    print(f"{connection.vendor}; {args.data_rows:,} providers then {args.blank_rows:,} blank rows")
    print(f"file {len(content) / 1e6:.1f} MB, {expanded / 1e6:.0f} MB unzipped\n")

    limit = settings.PROVIDER_IMPORT_MAX_ROWS
    ms, table = timed(lambda: spreadsheet.read_spreadsheet(content, "b.xlsx", max_rows=limit))
    print(f"{'read, to the end of the data':<44}{ms:>10.0f} ms  ({len(table.rows):,} rows)")
    spreadsheet.BLANK_ROWS_END, kept = 10**9, spreadsheet.BLANK_ROWS_END
    ms, _table = timed(lambda: spreadsheet.read_spreadsheet(content, "b.xlsx", max_rows=limit))
    spreadsheet.BLANK_ROWS_END = kept
    print(f"{'read, to the bottom (no blank-row limit)':<44}{ms:>10.0f} ms")

    if len(content) > settings.PROVIDER_IMPORT_MAX_BYTES:
        print(f"(over the {settings.PROVIDER_IMPORT_MAX_BYTES / 1e6:.1f} MB upload limit: raised)")
        settings.PROVIDER_IMPORT_MAX_BYTES = len(content)
        settings.MAX_REQUEST_BYTES = max(settings.MAX_REQUEST_BYTES, 2 * len(content))
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(email="alex.admin@council.example"))

    def upload():
        file = SimpleUploadedFile("bench.xlsx", content)
        response = client.post("/providers/import/", {"file": file})
        assert response.status_code == 302, response.context["form"].errors
        return response["Location"]

    ms, preview_url = timed(upload)
    print(f"{'upload (the one read, then kept)':<44}{ms:>10.0f} ms")
    provider_import = ProviderImport.objects.order_by("-pk").first()
    ms, response = timed(lambda: client.get(preview_url), runs=args.runs)
    assert response.context["result"].created_count == args.data_rows
    with CaptureQueriesContext(connection) as queries:
        client.get(preview_url)
    print(f"{'preview, each look (median)':<44}{ms:>10.0f} ms  ({len(queries)} queries)")

    queued = []
    import_services._provider_import_queue = queued.append  # the worker's part is timed below
    ms, response = timed(lambda: client.post(preview_url, {"action": "confirm"}))
    background = args.data_rows > settings.PROVIDER_IMPORT_BACKGROUND_ROWS
    assert response["Location"].endswith("/progress/" if background else "/providers/")
    print(f"{'confirm request' + (' (queued)' if background else ''):<44}{ms:>10.0f} ms")
    if queued:
        before = Provider.objects.count()
        ms, status = timed(
            lambda: import_services.provider_import_run(import_id=provider_import.pk)
        )
        assert status == ProviderImport.Status.APPLIED, provider_import.error
        added = Provider.objects.count() - before
        print(f"{'the worker imports it':<44}{ms:>10.0f} ms  ({added / ms * 1000:.0f} rows/s)")


if __name__ == "__main__":
    main()
