"""Provider directory list and export at a seeded volume.

Seeds `seed_demo --provider-scale N` (120 x N providers), then times server-side
rendering of the list page with each filter, through Django's test client
(no network), and counts queries. Usage: bench/provider_list.py --provider-scale 10
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
from providers.models import Category, Provider, Specialism  # noqa: E402

SCENARIOS = {
    "list, first page": {},
    "list, page 20": {"page": 20},
    "free text": {"q": "fostering"},
    "type + tier": {"provider_type": "residential", "tier": "2"},
    "category + framework": {"category": "{fostering}", "framework_status": "framework"},
    "specialism": {"specialism": "{autism}"},
    "cleared to place": {"cleared": "yes"},
    "has vacancy": {"has_vacancy": "yes"},
    "everything at once": {
        "provider_type": "independent_fostering",
        "cleared": "yes",
        "has_vacancy": "yes",
        "category": "{fostering}",
    },
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provider-scale", type=int, default=10)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", provider_scale=args.provider_scale, quiet_logins=True)
    print(f"seeded in {time.perf_counter() - started:.1f}s on {connection.vendor}")
    ids = {
        "fostering": Category.objects.get(slug="fostering").pk,
        "autism": Specialism.objects.get(name="Autism").pk,
    }
    setup_test_environment()  # lets the client see the template context; allows testserver
    client = Client()
    client.force_login(User.objects.get(email="bola.officer@council.example"))
    print(f"{Provider.objects.count()} providers\n")
    print(f"{'scenario':<24}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'rows':>7}")
    for name, params in SCENARIOS.items():
        params = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in params.items()}
        client.get("/providers/", params)  # warm
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get("/providers/", params)
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/providers/", params)
        assert response.status_code == 200, response.status_code
        rows = response.context["page"].paginator.count
        p90 = statistics.quantiles(timings, n=10)[-1]
        print(f"{name:<24}{statistics.median(timings):>10.1f}{p90:>9.1f}{len(queries):>9}{rows:>7}")
    for fmt in ("csv", "xlsx"):
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            response = client.get("/providers/export/", {"format": fmt, "status": "all"})
            b"".join(response) if response.streaming else response.content
            timings.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/providers/export/", {"format": fmt, "status": "all"})
            b"".join(response) if response.streaming else response.content
        print(f"{'export ' + fmt:<24}{statistics.median(timings):>10.1f}{'':>9}{len(queries):>9}")


if __name__ == "__main__":
    main()
