"""Ofsted's data against the directory: 3,000 rows read, previewed and imported.

Seeds the demo directory at `--provider-scale` (10: 1,200 providers, URNs SC500000 to
SC501199), then builds Ofsted's file in the published shape (a title above the headings,
an empty unnamed column, Windows-1252) of `--rows` settings: every provider in the
directory, a share of them with a new inspection (some ratings falling, a few
registrations suspended), and settings the directory does not know for the rest. The
same rows as ODS. Through Django's test client (server time, no network) it times:

- reading the file, CSV and ODS (median of `--runs`);
- the upload (the one read, then kept) and each look at the preview (median, queries);
- the worker's import (run here in process): time, queries and the peak Python memory
  (tracemalloc); then the same file again, which changes nothing.

    createdb -h 127.0.0.1 -U postgres placements_bench_ofsted
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench_ofsted \\
      .venv/bin/python bench/ofsted_import.py --provider-scale 10 --rows 3000
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from placements.models import User  # noqa: E402
from providers.models import Provider, ProviderImport  # noqa: E402
from providers.ofsted.reading import read_ofsted_file  # noqa: E402
from providers.samples.make_ofsted_samples import HEADINGS, TITLE, csv_bytes, ods_bytes  # noqa: E402
from providers.services import imports as import_services  # noqa: E402

RATINGS = ["Outstanding", "Good", "Requires improvement to be good", "Inadequate"]


def ofsted_rows(count: int, seed: int) -> list[list[object]]:
    """Every provider in the directory (a third with a newer inspection), then settings
    the directory does not know, up to `count` rows."""
    rng = random.Random(seed)
    today = timezone.localdate()
    rows: list[list[object]] = []
    for urn in Provider.objects.exclude(ofsted_urn="").values_list("ofsted_urn", flat=True):
        rows.append(_row(urn, rng, newer=rng.random() < 0.33, today=today))
    n = 0
    while len(rows) < count:
        rows.append(_row(f"SC{700000 + n:06d}", rng, newer=True, today=today))
        n += 1
    return rows[:count]


def _row(urn: str, rng: random.Random, *, newer: bool, today: dt.date) -> list[object]:
    inspected = today - dt.timedelta(days=rng.randint(0, 20) if newer else 2000)
    status = "Suspended" if rng.random() < 0.01 else "Active"
    return [
        "Children's home",
        urn,
        "Midlands",
        rng.choice(["Northshire", "Westmoor", "Eastcombe"]),
        f"Setting {urn}",
        "Children's home",
        "Private",
        status,
        rng.randint(2, 6),
        "Bench Care Ltd",
        "",
        inspected,
        inspected + dt.timedelta(days=20),
        rng.choice(RATINGS),
    ]


def timed(call, runs: int = 1) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provider-scale", type=int, default=10)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_logins=True, provider_scale=args.provider_scale)
    directory = Provider.objects.count()
    rows = ofsted_rows(args.rows, seed=int(time.time()))
    content = csv_bytes([*TITLE, HEADINGS, *rows])
    ods = ods_bytes({"Cover": [["Bench"]], "Provider level data": [HEADINGS, *rows]})
    print(f"{connection.vendor}; {directory:,} providers; Ofsted file of {len(rows):,} rows")
    print(f"CSV {len(content) / 1e6:.2f} MB, ODS {len(ods) / 1e6:.2f} MB\n")

    ms, table = timed(lambda: read_ofsted_file(content, "o.csv", max_rows=20000), args.runs)
    print(f"{'read the CSV (median)':<44}{ms:>10.0f} ms  ({len(table.rows):,} rows)")
    ms, _ = timed(lambda: read_ofsted_file(ods, "o.ods", max_rows=20000), args.runs)
    print(f"{'read the ODS (median)':<44}{ms:>10.0f} ms")

    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(email="alex.admin@council.example"))

    def upload():
        file = SimpleUploadedFile("ofsted.csv", content)
        response = client.post("/providers/ofsted/", {"file": file})
        assert response.status_code == 302, response.context["form"].errors
        return response["Location"]

    ms, preview_url = timed(upload)
    print(f"{'upload (the one read, then kept)':<44}{ms:>10.0f} ms")
    ms, response = timed(lambda: client.get(preview_url), runs=args.runs)
    result = response.context["result"]
    with CaptureQueriesContext(connection) as queries:
        client.get(preview_url)
    print(f"{'preview, each look (median)':<44}{ms:>10.0f} ms  ({len(queries)} queries)")
    print(
        f"{'':<4}{len(result.changes):,} settings to update ({len(result.falls)} falls, "
        f"{len(result.stopped)} suspended), {result.unchanged:,} unchanged, "
        f"{len(result.unknown):,} not in the directory"
    )

    queued = []
    import_services._provider_import_queue = queued.append  # run in process below
    ms, response = timed(lambda: client.post(preview_url, {"action": "confirm"}))
    print(f"{'confirm request (queued)':<44}{ms:>10.0f} ms")
    assert queued, "the file went straight in: raise --rows past the background threshold"

    def run(table_to_import, *, memory: bool = False):
        """A queued import of `table_to_import` run as the worker runs it: time and
        queries, or (`memory`) the peak Python memory, which tracemalloc slows."""
        job = import_services.provider_import_create(
            filename="bench.csv",
            table=table_to_import,
            actor=User.objects.get(email="alex.admin@council.example"),
            kind=ProviderImport.Kind.OFSTED,
        )
        job.status = ProviderImport.Status.QUEUED
        job.save(update_fields=["status"])
        connection.queries_log.clear()  # the log keeps 9,000: count from empty
        if memory:
            tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            status = import_services.provider_import_run(import_id=job.pk)
            took = (time.perf_counter() - start) * 1000
        peak = tracemalloc.get_traced_memory()[1] if memory else 0
        tracemalloc.stop()
        job.refresh_from_db()
        assert status == ProviderImport.Status.APPLIED, job.error
        return job, took, len(queries), peak

    job, ms, count, _ = run(table)
    print(
        f"{'the worker imports it':<44}{ms:>10.0f} ms  ({count:,} queries, "
        f"{job.updated_count} updated, {job.summary['falls']} falls)"
    )
    job, ms, count, _ = run(table)
    print(
        f"{'the same file again (changes nothing)':<44}{ms:>10.0f} ms  ({count:,} queries, "
        f"{job.updated_count} updated)"
    )
    fresh = read_ofsted_file(
        csv_bytes([*TITLE, HEADINGS, *ofsted_rows(args.rows, seed=int(time.time()) + 1)]),
        "o.csv",
        max_rows=20000,
    )
    job, _ms, _count, peak = run(fresh, memory=True)
    print(
        f"{'a new file, peak Python memory (tracemalloc)':<44}{peak / 1e6:>7.1f} MB  "
        f"({job.updated_count} updated)"
    )


if __name__ == "__main__":
    main()
