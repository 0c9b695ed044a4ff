"""The placements tracker and its downloads at a few years of placements.

Seeds `seed_demo --scale 100` (20,000 closed referrals), then writes a placement for
`--placements` of them directly with bulk_create, in the shape the services leave
(a round, a provider request, an offer, options, an approved cost, the placement).
Times the tracker's first page, a filtered page and both downloads through Django's
test client (server time, no network), with query counts and the peak Python memory
of each download (tracemalloc).

    createdb -h 127.0.0.1 -U postgres placements_bench5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench5 \\
      .venv/bin/python bench/tracker.py --placements 5000
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from approvals.costs.models import CostApproval  # noqa: E402
from approvals.offers.models import Shortlist, ShortlistOption  # noqa: E402
from approvals.placement.models import Placement  # noqa: E402
from placements.models import User  # noqa: E402
from providers.models import Provider  # noqa: E402
from referrals.models import (  # noqa: E402
    ProviderAnswer,
    ProviderRequest,
    Referral,
    SearchRound,
)


@transaction.atomic
def seed_placements(count: int) -> int:
    """A placement on each of `count` closed BULK referrals that has none yet."""
    rng = random.Random(5)
    officer = User.objects.get(email="bola.officer@council.example")
    social_worker = User.objects.get(email="sam.social@council.example")
    approver = User.objects.get(email="hugh.head@council.example")
    providers = list(Provider.objects.active())
    referrals = list(
        Referral.objects.filter(reference__startswith="BULK", placements__isnull=True)
        .exclude(status=Referral.Status.ACCEPTED)
        .order_by("pk")[: count - Placement.objects.count()]
    )
    if not referrals:
        return 0
    now = timezone.now()
    rounds = SearchRound.objects.bulk_create(
        SearchRound(
            referral=referral,
            number=1,
            kind=SearchRound.Kind.FRAMEWORK,
            status=SearchRound.Status.CLOSED,
            criteria={},
            created_by=officer,
            sent_by=officer,
            sent_at=now,
            closed_at=now,
        )
        for referral in referrals
    )
    chosen = [rng.choice(providers) for _ in referrals]
    requests = ProviderRequest.objects.bulk_create(
        ProviderRequest(round=r, provider=p, answer=ProviderRequest.Answer.OFFER)
        for r, p in zip(rounds, chosen, strict=True)
    )
    fees = [Decimal(rng.randrange(900, 9000)) for _ in referrals]
    responses = ProviderAnswer.objects.bulk_create(
        ProviderAnswer(
            request=request,
            version=1,
            kind=ProviderAnswer.Kind.OFFER,
            responder_name="Bench",
            carer_reference="Carers",
            weekly_fee=fee,
            therapy_weekly=Decimal("100"),
            available_from=timezone.localdate(),
            needs_met="Bench",
        )
        for request, fee in zip(requests, fees, strict=True)
    )
    shortlists = Shortlist.objects.bulk_create(
        Shortlist(
            referral=referral,
            status=Shortlist.Status.CHOSEN,
            sent_by=officer,
            decided_by=social_worker,
            decided_at=now,
            rationale="Bench",
        )
        for referral in referrals
    )
    options = ShortlistOption.objects.bulk_create(
        ShortlistOption(
            shortlist=shortlist,
            response=response,
            position=1,
            is_in_house=response.request.provider.is_in_house,
            weekly_fee=response.weekly_fee,
            additional_weekly=Decimal("100"),
            total_weekly=response.weekly_fee + 100,
        )
        for shortlist, response in zip(shortlists, responses, strict=True)
    )
    approvals = CostApproval.objects.bulk_create(
        CostApproval(
            referral=referral,
            option=option,
            total_weekly=option.total_weekly,
            required_role="head_of_service",
            status=CostApproval.Status.APPROVED,
            requested_by=social_worker,
            decided_by=approver,
            decided_at=now,
        )
        for referral, option in zip(referrals, options, strict=True)
    )
    Placement.objects.bulk_create(
        Placement(
            referral=referral,
            approval=approval,
            response=response,
            provider=response.request.provider,
            status=Placement.Status.PLACED,
            is_in_house=response.request.provider.is_in_house,
            placement_type=response.request.provider.get_provider_type_display(),
            setting="Carers",
            start_date=timezone.localdate() - dt.timedelta(days=rng.randrange(0, 1000)),
            weekly_fee=response.weekly_fee,
            therapy_weekly=Decimal("100"),
            total_weekly=response.weekly_fee + 100,
            outcomes=["Stays at the same school"],
            review_arrangements="Bench",
            confirmed_by=officer,
            placed_at=now,
        )
        for referral, approval, response in zip(referrals, approvals, responses, strict=True)
    )
    return len(referrals)


def timed(client, path, params, runs):
    client.get(path, params)  # warm
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - start) * 1000)
    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)
    ):
        response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    tracemalloc.start()
    client.get(path, params)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(timings), len(statements), peak, response


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--placements", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", scale=max(1, -(-args.placements // 200)), quiet_logins=True)
    made = seed_placements(args.placements)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"seeded in {time.perf_counter() - started:.1f}s on {connection.vendor}: "
        f"{Placement.objects.count()} placements ({made} new)\n"
    )
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(email="hugh.head@council.example"))
    scenarios = {
        "tracker, first page": ("/approvals/placements/", {}),
        "tracker, external, started this year": (
            "/approvals/placements/",
            {"setting": "external", "start_from": f"{timezone.localdate():%Y}-01-01"},
        ),
        "download CSV, every placement": ("/approvals/placements/export.csv", {}),
        "download Excel, every placement": ("/approvals/placements/export.xlsx", {}),
    }
    print(f"{'scenario':<40}{'median ms':>10}{'queries':>9}{'peak MiB':>10}{'bytes':>11}")
    for name, (path, params) in scenarios.items():
        ms, queries, peak, response = timed(client, path, params, args.runs)
        print(f"{name:<40}{ms:>10.1f}{queries:>9}{peak / 2**20:>10.1f}{len(response.content):>11}")


if __name__ == "__main__":
    main()
