"""A home care round to 150 framework providers, and the award page with 40 answers.

Seeds the demo, an area and `--providers` home care framework providers covering it
(through the directory's services), then home care package referrals taken to a
released pack through the services. For each referral, times through Django's test
client (server time, no network): the round page while the officer chooses (every
provider listed), the officer's send (a fresh secret link and an email each, queued in
the outbox), then, with `--answers` providers answering Part B through the services,
the award page that compares them. Medians over `--runs` referrals, with query counts.

    createdb -h 127.0.0.1 -U postgres placements_bench6
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench6 \\
      CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \\
      .venv/bin/python bench/package_round.py --providers 150 --answers 40
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from approvals.demo.packages import package_draft, package_released  # noqa: E402
from placements.models import User  # noqa: E402
from providers.models import Area, Category, FrameworkStatus, Provider, ProviderType  # noqa: E402
from providers.services import area_save, provider_create  # noqa: E402
from referrals.models import SearchRound  # noqa: E402
from referrals.search import answers, rounds  # noqa: E402


def seed_providers(count: int, area: Area, admin: User) -> int:
    lot = Category.objects.get(slug="home-care")
    have = Provider.objects.filter(reference__startswith="BENCH-HC").count()
    for n in range(have, count):
        provider_create(
            values={
                "name": f"Bench Home Care {n:03d}",
                "reference": f"BENCH-HC{n:03d}",
                "provider_type": ProviderType.HOME_CARE,
                "tier": 1,
                "referral_emails": [f"care{n}@bench.example"],
                "age_from": 0,
                "age_to": 18,
            },
            categories={lot: FrameworkStatus.FRAMEWORK},
            specialisms=[],
            areas=[area],
            actor=admin,
            source="benchmark",
        )
    return count - have


def counted(call):
    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)
    ):
        start = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, len(statements), response


def answer_part_b(search_round: SearchRound, count: int, rng: random.Random) -> None:
    slots = list(search_round.referral.schedule.filter(service=search_round.service))
    for request in search_round.requests.order_by("pk")[:count]:
        covered = slots if rng.random() < 0.6 else rng.sample(slots, k=max(1, len(slots) // 2))
        answers.package_offer_make(
            provider_request=request,
            responder_name="Bench",
            values={
                "carer_reference": "Team",
                "hourly_rate": Decimal(rng.randrange(1600, 2600)) / 100,
                "unsocial_hourly_rate": None,
                "two_carer_hourly_rate": None,
                "available_from": timezone.localdate() + dt.timedelta(days=7),
                "needs_met": "Regular carers",
            },
            covered={slot.pk: "standard" for slot in covered},
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=150)
    parser.add_argument("--answers", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", quiet_logins=True)
    users = {u.email.split("@")[0]: u for u in User.objects.all()}
    admin, officer = users["alex.admin"], users["bola.officer"]
    area = Area.objects.filter(name="Bench city").first() or area_save(
        name="Bench city", districts="LE1", actor=admin
    )
    made = seed_providers(args.providers, area, admin)
    # Only the bench's area is in use, so the round reaches exactly the bench's providers.
    Area.objects.exclude(pk=area.pk).update(is_active=False)
    rng = random.Random(11)
    referrals = [
        package_released(
            package_draft(rng, users["dan.social"], timezone.localdate(), service="home_care"),
            users,
        )
        for _ in range(args.runs)
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"seeded in {time.perf_counter() - started:.1f}s on {connection.vendor}: "
        f"{made} new providers, {args.runs} package referrals\n"
    )
    setup_test_environment()
    client = Client()
    client.force_login(officer)
    page, send, award = [], [], []
    asked = set()
    for referral in referrals:
        [draft] = rounds.round_start(referral=referral, kind="framework", actor=officer)
        url = f"/referrals/{referral.pk}/rounds/{draft.pk}/"
        page.append(counted(lambda url=url: client.get(url)))
        send.append(counted(lambda url=url: client.post(url, {"action": "send"})))
        sent = SearchRound.objects.get(pk=draft.pk)
        asked.add(sent.requests.count())
        answer_part_b(sent, args.answers, rng)
        award_url = f"/referrals/{referral.pk}/award/"
        client.get(award_url)  # warm
        award.append(counted(lambda award_url=award_url: client.get(award_url)))
    for name, rows in (
        (f"round page, choosing ({max(asked)} providers)", page),
        (f"send the round ({max(asked)} links and emails)", send),
        (f"award page ({args.answers} answers)", award),
    ):
        status = {r[2].status_code for r in rows}
        print(
            f"{name:<44} median {statistics.median(r[0] for r in rows):7.1f} ms  "
            f"queries {statistics.median(r[1] for r in rows):5.0f}  status {sorted(status)}"
        )


if __name__ == "__main__":
    main()
