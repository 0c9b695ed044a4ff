"""A framework round's provider selection at 1,200 providers, with and without asking
for a declared vacancy that fits.

Seeds the demo at `--provider-scale` (10: 1,200 providers), gives half the providers of
the round's kind of place a declared vacancy (a quarter of those for ages that do not
fit, a quarter free only after the date needed), takes one demo referral to a framework
round waiting to be sent, then times (medians of `--runs`, with query counts):

- the selection itself (`round_selection`), filters as a new round starts, then with
  "has declared a vacancy that fits";
- the round page the officer reads while choosing, both ways.

    createdb -h 127.0.0.1 -U postgres placements_bench_vacancies
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench_vacancies \\
      .venv/bin/python bench/round_vacancies.py --provider-scale 10
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

from placements.models import CouncilSettings, User  # noqa: E402
from providers.models import Provider, Vacancy  # noqa: E402
from referrals.models import Referral, SearchRound  # noqa: E402
from referrals.pack import services as pack_services  # noqa: E402
from referrals.permission import services as permission  # noqa: E402
from referrals.search import rounds  # noqa: E402
from referrals.search.rules import round_selection  # noqa: E402


def counted(call):
    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)
    ):
        start = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - start) * 1000
    return elapsed, len(statements), result


def framework_round(officer: User) -> SearchRound:
    """A demo referral accepted by brokerage, its pack released and in-house round sent,
    with a framework round waiting to be sent."""
    waiting = SearchRound.objects.filter(
        kind=SearchRound.Kind.FRAMEWORK, status=SearchRound.Status.DRAFT
    ).first()
    if waiting:
        return waiting
    referral = Referral.objects.filter(
        status=Referral.Status.ACCEPTED, search_rounds__isnull=True
    ).first()
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Checked", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    permission.funding_approval_record(
        referral=referral,
        approved_by="Bench",
        weekly_amount=Decimal("6000"),
        approved_on=timezone.localdate(),
        actor=officer,
    )
    (in_house,) = rounds.round_start(referral=referral, kind="in_house", actor=officer)
    rounds.round_send(search_round=in_house, actor=officer)
    (framework,) = rounds.round_start(referral=referral, kind="framework", actor=officer)
    return framework


def declare(search_round: SearchRound, rng: random.Random) -> int:
    """Half the providers of the round's kind of place declare a vacancy."""
    mine = Vacancy.objects.filter(declared_by="bench@provider.example")
    if mine.exists():
        return mine.count()
    needed = search_round.referral.date_needed or timezone.localdate()
    providers = Provider.objects.filter(
        provider_categories__category_id=search_round.category_id
    ).distinct()
    rows = []
    for provider in providers:
        if rng.random() < 0.5:
            continue
        luck = rng.random()
        rows.append(
            Vacancy(
                provider=provider,
                category_id=search_round.category_id,
                places=1,
                age_from=16 if luck < 0.25 else 0,
                age_to=17,
                available_from=needed + dt.timedelta(days=30) if luck > 0.75 else None,
                declared_by="bench@provider.example",
            )
        )
    Vacancy.objects.bulk_create(rows)
    Provider.objects.filter(pk__in=[v.provider_id for v in rows]).update(
        vacancies_confirmed_at=timezone.now()
    )
    return len(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provider-scale", type=int, default=10)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_logins=True, provider_scale=args.provider_scale)
    officer = User.objects.get(email="bola.officer@council.example")
    search_round = framework_round(officer)
    declared = declare(search_round, random.Random(5))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    council = CouncilSettings.load()
    print(
        f"{connection.vendor}; {Provider.objects.count():,} providers, {declared} declared "
        f"vacancies for the round's kind of place\n"
    )
    setup_test_environment()
    client = Client()
    client.force_login(officer)
    url = f"/referrals/{search_round.referral_id}/rounds/{search_round.pk}/"
    base = dict(search_round.criteria)
    for label, criteria in (
        ("as a new round starts", {**base, "vacancy_fits": False}),
        ("with a declared vacancy that fits", {**base, "vacancy_fits": True}),
    ):
        SearchRound.objects.filter(pk=search_round.pk).update(criteria=criteria)
        search_round.refresh_from_db()
        runs = [
            counted(lambda: round_selection(search_round, council=council))
            for _ in range(args.runs)
        ]
        chosen = len(runs[0][2].chosen)
        pages = [counted(lambda: client.get(url)) for _ in range(args.runs)]
        print(
            f"selection, {label:<36} median {statistics.median(r[0] for r in runs):6.1f} ms  "
            f"queries {runs[0][1]:3}  ({chosen} providers chosen)"
        )
        print(
            f"round page, {label:<35} median {statistics.median(r[0] for r in pages):6.1f} ms  "
            f"queries {pages[0][1]:3}  status {pages[0][2].status_code}"
        )
    SearchRound.objects.filter(pk=search_round.pk).update(criteria=base)


if __name__ == "__main__":
    main()
