"""The duty action list at the volumes the issue names.

Seeds `seed_demo --scale 100` (5,000 open and 20,000 closed referrals, 200,000
chronology entries), then times a page of the list and each filter through
Django's test client (server time, no network) and counts queries.
Usage: bench/action_list.py --scale 100
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from placements.models import User  # noqa: E402
from referrals.brokerage.selectors import ACTION_LIST_FILTERS  # noqa: E402
from referrals.models import ChronologyEntry, Referral  # noqa: E402

SCENARIOS = {
    "first page": {},
    "page 40": {"page": 40},
    **{f"filter: {name}": {"show": name} for name in ACTION_LIST_FILTERS},
    "mine + overdue": {"show": ["mine", "overdue"]},
    "background refresh": {"_refresh": True},
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", scale=args.scale, quiet_logins=True)
    print(f"seeded in {time.perf_counter() - started:.1f}s on {connection.vendor}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load
    open_count = Referral.objects.exclude(status__in=["draft", "withdrawn"]).count()
    print(
        f"{open_count} open and {Referral.objects.filter(status='withdrawn').count()} closed "
        f"referrals, {ChronologyEntry.objects.count()} chronology entries\n"
    )
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(email="dee.duty@council.example"))
    print(f"{'scenario':<32}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'rows':>7}")
    for name, params in SCENARIOS.items():
        params = dict(params)
        headers = {}
        if params.pop("_refresh", False):
            headers = {"HX-Request": "true", "X-Background-Refresh": "1"}
        client.get("/referrals/action-list/", params, headers=headers)  # warm
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get("/referrals/action-list/", params, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/referrals/action-list/", params, headers=headers)
        assert response.status_code == 200, response.status_code
        rows = response.context["page"].paginator.count
        p90 = statistics.quantiles(timings, n=10)[-1]
        print(f"{name:<32}{statistics.median(timings):>10.1f}{p90:>9.1f}{len(queries):>9}{rows:>7}")


if __name__ == "__main__":
    main()
