"""The dashboard at 5,000 placements, 25,000 referrals and 20,000 invoices.

Seeds `seed_demo --scale 100` (5,000 open and 20,000 closed referrals), a placement on
5,000 of the closed ones (as `tracker.py` writes them: a round, a request, an offer,
options, an approved cost), a tenth of them ended (half unplanned), and four invoices a
placement (20,000, most approved with something saved). Times the dashboard page for
the last twelve months, for one officer, for one kind of request, and one figure's CSV,
through Django's test client (server time), with query counts and peak Python memory.

    createdb -h 127.0.0.1 -U postgres placements_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench_dash \\
      .venv/bin/python bench/dashboard.py
"""

# ruff: noqa: I001 (Django is set up by the tracker module before its imports)

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

# The tracker benchmark's seeding and timing; importing it sets Django up.
from tracker import seed_placements, timed

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from approvals.dashboard.figures import FIGURES
from approvals.invoices.models import Invoice
from approvals.placement.models import Placement
from placements.models import User
from referrals.models import Referral


@transaction.atomic
def seed_life(invoices_each: int) -> int:
    """Endings on a tenth of the placements and `invoices_each` invoices on every one."""
    if Invoice.objects.filter(provider_reference__startswith="B-").exists():
        return 0  # the demo's own invoice does not count
    rng = random.Random(15)
    officer = User.objects.get(email="bola.officer@council.example")
    placements = list(Placement.objects.filter(service="").order_by("pk"))
    ending = placements[::10]
    for n, placement in enumerate(ending):
        placement.ended_on = placement.start_date + dt.timedelta(days=rng.randrange(20, 400))
        placement.end_reason = "CREQB" if n % 2 else "CARPL"
        placement.end_planned = bool(n % 2 == 0)
    Placement.objects.bulk_update(ending, ["ended_on", "end_reason", "end_planned"])
    now = timezone.now()
    rows = []
    for placement in placements:
        for k in range(invoices_each):
            first = placement.start_date + dt.timedelta(days=28 * k)
            claimed = placement.total_weekly * 4
            approved = claimed - Decimal(rng.choice([0, 0, 12, 150]))
            rows.append(
                Invoice(
                    placement=placement,
                    provider_reference=f"B-{placement.pk}-{k}",
                    period_start=first,
                    period_end=first + dt.timedelta(days=27),
                    status=Invoice.Status.APPROVED if k < invoices_each - 1 else "received",
                    recorded_by=officer,
                    claimed=claimed,
                    allowed=approved,
                    approved=approved if k < invoices_each - 1 else None,
                    decided_by=officer if k < invoices_each - 1 else None,
                    decided_at=now - dt.timedelta(days=rng.randrange(0, 360)),
                )
            )
    Invoice.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=5000)
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--invoices-each", type=int, default=4)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if Referral.objects.count() < 25 * args.scale * 10:
        call_command("seed_demo", scale=args.scale, quiet_logins=True)
    made = seed_placements(args.placements)
    invoices = seed_life(args.invoices_each)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"seeded in {time.perf_counter() - started:.1f}s on {connection.vendor}: "
        f"{Referral.objects.count()} referrals, {Placement.objects.count()} placements "
        f"({made} new), {Invoice.objects.count()} invoices ({invoices} new)\n"
    )
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(email="hugh.head@council.example"))
    officer = User.objects.get(email="bola.officer@council.example")
    scenarios = {
        "dashboard, last 12 months": ("/approvals/dashboard/", {}),
        "dashboard, one officer": ("/approvals/dashboard/", {"officer": officer.pk}),
        "dashboard, emergencies": ("/approvals/dashboard/", {"kind": "emergency"}),
        "one figure's CSV": (
            "/approvals/dashboard/",
            {"figure": "days-to-placement", "format": "csv"},
        ),
    }
    print(f"{len(FIGURES)} figures")
    print(f"{'scenario':<32}{'median ms':>10}{'queries':>9}{'peak MiB':>10}")
    for name, (path, params) in scenarios.items():
        ms, queries, peak, _response = timed(client, path, params, args.runs)
        print(f"{name:<32}{ms:>10.1f}{queries:>9}{peak / 2**20:>10.1f}")


if __name__ == "__main__":
    main()
