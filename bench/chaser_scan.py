"""The 15-minute search scan (chasers, then closes) over 50,000 open provider requests.

Seeds `seed_demo --scale 50` (2,500 open referrals), then writes one open framework
round on each (2,500 rounds x 20 provider requests) directly with bulk_create:
1 round in 20 is due for its chaser now, 1 in 4 was chased a day ago and waits for
its deadline, the rest are days from their chase; a quarter of the requests are
answered. The rounds are written afresh on every run of the script, relative to now.

Reported, as medians: `search_scan` when chasers are due (each run chases the same
requests again after a reset) and when none are (the steady state, every 15
minutes), each part alone, query counts, and EXPLAIN ANALYZE of the query that finds
the rounds to chase, as the scan runs it.

    createdb -h 127.0.0.1 -U postgres placements_bench4
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench4 \\
      CELERY_BROKER_URL=redis://127.0.0.1:6379/15 \\
      .venv/bin/python bench/chaser_scan.py --rounds 2500 --per-round 20

Chasers are queued for sending after commit, so the scan publishes to Redis: use a
Redis database no worker listens on (the queue is purged after each run).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

from referrals.search import scan

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from placements.celery import app  # noqa: E402
from placements.models import OutboxMessage, User  # noqa: E402
from providers.models import Category, Provider  # noqa: E402
from referrals.models import ProviderLink, ProviderRequest, Referral, SearchRound  # noqa: E402

Answer = ProviderRequest.Answer


def purge_queue() -> None:
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")


def clear_rounds() -> None:
    """Remove the rounds an earlier run wrote (on the seeded BULK referrals only)."""
    rounds = SearchRound.objects.filter(referral__reference__startswith="BULK")
    OutboxMessage.objects.filter(key__startswith="provider_chaser:").delete()
    ProviderLink.objects.filter(request__round__in=rounds).delete()
    ProviderRequest.objects.filter(round__in=rounds).delete()
    rounds.delete()


def seed_rounds(*, rounds: int, per_round: int, due_every: int, now: dt.datetime) -> int:
    """Write the rounds and requests; returns how many requests are due for a chaser."""
    rng = random.Random(2026)
    referrals = list(
        Referral.objects.filter(reference__startswith="BULK", closed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:rounds]
    )
    if len(referrals) < rounds:
        sys.exit(f"only {len(referrals)} open referrals: raise seed_demo's --scale")
    providers = list(
        Provider.objects.active().filter(is_in_house=False).values_list("pk", flat=True)
    )
    officer = User.objects.get(email="bola.officer@council.example")
    fostering = Category.objects.get(slug="fostering")
    day = dt.timedelta(days=1)
    kinds = []
    rows = []
    for n, referral_id in enumerate(referrals):
        if n % due_every == 0:  # its chase time came in the last quarter of an hour
            kind, chase_at, deadline_at = "due", now - dt.timedelta(minutes=10), now + day
        elif n % 4 == 1:  # chased yesterday, closes today
            kind, chase_at, deadline_at = "chased", now - day, now + dt.timedelta(hours=3)
        else:
            chase_at = now + dt.timedelta(hours=rng.randint(2, 72))
            kind, deadline_at = "waiting", chase_at + day
        kinds.append(kind)
        rows.append(
            SearchRound(
                referral_id=referral_id,
                number=1,
                kind=SearchRound.Kind.FRAMEWORK,
                status=SearchRound.Status.OPEN,
                category=fostering,
                criteria={},
                deadline_at=deadline_at,
                chase_at=chase_at,
                chasers_sent_at=chase_at if kind == "chased" else None,
                created_by=officer,
                sent_by=officer,
                sent_at=deadline_at - 5 * day,
                created_at=deadline_at - 5 * day,
            )
        )
    made = SearchRound.objects.bulk_create(rows, batch_size=2000)
    requests, due = [], 0
    for search_round, kind in zip(made, kinds, strict=True):
        for provider_id in rng.sample(providers, per_round):
            answer = rng.choices([Answer.OFFER, Answer.NO_OPTION, Answer.AWAITING], [10, 15, 75])[0]
            silent = answer == Answer.AWAITING
            due += kind == "due" and silent
            requests.append(
                ProviderRequest(
                    round=search_round,
                    provider_id=provider_id,
                    answer=answer,
                    answered_at=None if silent else search_round.sent_at + day,
                    chased_at=search_round.chase_at if kind == "chased" and silent else None,
                    created_at=search_round.sent_at,
                )
            )
    ProviderRequest.objects.bulk_create(requests, batch_size=5000)
    return due


class Statements:
    """Every statement run inside the block, parameters filled in. (Django's own query
    log keeps only the last 9,000: a scan with chasers due runs more.)"""

    def __enter__(self):
        self.sql: list[str] = []
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(connection.ops.compose_sql(sql, params) if params and not many else sql)
        return execute(sql, params, many, context)

    def __len__(self):
        return len(self.sql)

    def by_verb(self) -> dict[str, int]:
        verbs: dict[str, int] = {}
        for sql in self.sql:
            verb = sql.split(None, 1)[0].upper()
            verbs[verb] = verbs.get(verb, 0) + 1
        return verbs

    def finding_rounds_to_chase(self) -> str:
        return next(
            sql
            for sql in self.sql
            if sql.startswith("SELECT") and '"chasers_sent_at" IS NULL' in sql
        )


def timed(function, runs: int, *, after=None):
    """Median ms over `runs`, the statements of the last run, and its result."""
    timings = []
    for _ in range(runs):
        with Statements() as statements:
            start = time.perf_counter()
            result = function()
            timings.append((time.perf_counter() - start) * 1000)
        if after:
            after()
    return statistics.median(timings), statements, result


def explain(sql: str) -> str:
    """EXPLAIN ANALYZE runs the statement: inside a transaction rolled back, so the
    rows it locks are let go and nothing changes."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2500)
    parser.add_argument("--per-round", type=int, default=20)
    parser.add_argument("--due-every", type=int, default=20, help="1 round in N is due")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle-runs", type=int, default=25)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a Postgres database")

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", scale=max(2, -(-args.rounds // 50)), quiet_logins=True)
    clear_rounds()
    now = timezone.now()
    due = seed_rounds(
        rounds=args.rounds, per_round=args.per_round, due_every=args.due_every, now=now
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE referrals_providerrequest")
        cursor.execute("VACUUM ANALYZE referrals_searchround")
        cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load
    open_requests = ProviderRequest.objects.filter(round__status="open").count()
    print(
        f"seeded in {time.perf_counter() - started:.1f}s: {SearchRound.objects.count()} open "
        f"rounds, {open_requests} provider requests, {due} due for a chaser now\n"
    )

    def reset():
        """Undo a chase so the next run finds the same requests due."""
        ProviderRequest.objects.filter(chased_at=now).update(chased_at=None)
        SearchRound.objects.filter(chasers_sent_at=now).update(chasers_sent_at=None)
        OutboxMessage.objects.filter(key__startswith="provider_chaser:").delete()
        ProviderLink.objects.filter(issued_at__gte=now).delete()  # the chasers' links
        purge_queue()

    print(f"{'scenario':<40}{'median ms':>10}{'queries':>9}{'chased':>8}")
    due_ms, due_queries, result = timed(lambda: scan.search_scan(now=now), args.runs, after=reset)
    assert result["chased"] == due, result
    print(f"{'search_scan, due':<40}{due_ms:>10.1f}{len(due_queries):>9}{result['chased']:>8}")
    ms, queries, result = timed(lambda: scan.chasers_send(now=now), args.runs, after=reset)
    print(f"{'chasers_send alone, due':<40}{ms:>10.1f}{len(queries):>9}{result:>8}")
    due_sql = due_queries.finding_rounds_to_chase()  # as the scan ran it
    due_plan = explain(due_sql)

    scan.chasers_send(now=now)  # chase them for good: the steady state follows
    purge_queue()
    later = now + dt.timedelta(minutes=15)
    for name, function in {
        "search_scan, none due (steady state)": lambda: scan.search_scan(now=later),
        "chasers_send alone, none due": lambda: scan.chasers_send(now=later),
        "rounds_close_due alone, none due": lambda: scan.rounds_close_due(now=later),
    }.items():
        ms, queries, result = timed(function, args.idle_runs)
        chased = result["chased"] if isinstance(result, dict) else result
        print(f"{name:<40}{ms:>10.1f}{len(queries):>9}{chased:>8}")
    with Statements() as idle:
        scan.chasers_send(now=later)
    idle_sql = idle.finding_rounds_to_chase()
    print(f"\nstatements in one scan with chasers due: {due_queries.by_verb()}")
    print(f"\nthe query that finds rounds to chase:\n    {due_sql}")
    print(f"\nEXPLAIN ANALYZE, {due} due:\n{due_plan}")
    print(f"\nEXPLAIN ANALYZE, none due (15 minutes later):\n{explain(idle_sql)}")


if __name__ == "__main__":
    main()
