"""A search round to 300 providers, from the officer's click to the last email.

Each run prepares a fresh referral (approved, accepted, pack released, in-house
round sent) with a framework round drafted for every seeded provider, then the
officer clicks Send: a POST to the round page through Django's test client (server
time, no network). The emails go through the outbox, Redis and a real Celery worker
process to an SMTP server on loopback (aiosmtpd, in this process), which stamps each
message as it is accepted. Reported, as medians over the runs (after one warm-up):
the request's time and query count, and click to last message accepted.

    createdb -h 127.0.0.1 -U postgres placements_bench3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/placements_bench3 \\
      CELERY_BROKER_URL=redis://127.0.0.1:6379/14 \\
      .venv/bin/python bench/round_send.py --providers 300 --runs 5

The worker runs as production does by default (`--pool prefork`, one process per
CPU); `--pool threads --concurrency 8` tries a thread pool. Use a Redis database no
real worker listens on: the queue is purged before the runs.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

from referrals.search import rounds

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")

import django

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from placements.celery import app  # noqa: E402
from placements.models import OutboxMessage  # noqa: E402
from placements.roles import Role  # noqa: E402
from providers.models import Provider  # noqa: E402
from referrals.models import SearchRound  # noqa: E402
from tests.journeys import in_house_provider, searchable, sent_round  # noqa: E402
from tests.placements.factories import TeamFactory, UserFactory  # noqa: E402
from tests.providers.factories import ProviderFactory  # noqa: E402
from tests.support.smtp import RecordingHandler, SMTPSink  # noqa: E402
from tests.support.worker import CeleryWorker, purge_queue  # noqa: E402

PREFIX = "RS-"


class TimedHandler(RecordingHandler):
    """Records when each message was accepted (perf_counter, this process)."""

    def __init__(self):
        super().__init__()
        self.accepted_at: list[float] = []

    async def handle_DATA(self, server, session, envelope):
        status = await super().handle_DATA(server, session, envelope)
        self.accepted_at.append(time.perf_counter())
        return status


class TimedSink(SMTPSink):
    def __init__(self):
        super().__init__()
        self.handler = TimedHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)


def seed_providers(count: int) -> list[Provider]:
    """`count` framework fostering providers, each cleared to place, with one address."""
    have = Provider.objects.filter(reference__startswith=PREFIX).count()
    for n in range(have, count):
        ProviderFactory(
            name=f"Round bench provider {n:04d}",
            reference=f"{PREFIX}{n:04d}",
            ofsted_urn=f"RS{n:06d}",
            referral_emails=[f"rs{n:04d}@provider.example"],
        )
    return list(Provider.objects.filter(reference__startswith=PREFIX).order_by("reference"))


def in_process():
    """Seeding runs its tasks in process and keeps its emails in memory, so the
    worker and the SMTP sink see only the round being measured."""
    app.conf.task_always_eager = True
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def draft_round(officer, social_worker) -> SearchRound:
    with in_process():
        referral = searchable(social_worker, officer)
        sent_round(referral, officer, kind=SearchRound.Kind.IN_HOUSE)
        (draft,) = rounds.round_start(
            referral=referral, kind=SearchRound.Kind.FRAMEWORK, actor=officer
        )
    app.conf.task_always_eager = False
    return draft


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pool", default="prefork", choices=["prefork", "threads"])
    parser.add_argument("--concurrency", type=int, default=os.cpu_count())
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a Postgres database: the worker shares it.")

    call_command("migrate", verbosity=0)
    setup_test_environment()  # the test client's host; locmem's outbox for seeding
    started = time.perf_counter()
    providers = seed_providers(args.providers)
    expected = sorted(address for p in providers for address in p.referral_emails)
    team = TeamFactory(name="Round bench team")
    token = f"{time.time_ns()}"
    UserFactory.reset_sequence(time.time_ns())  # the referral's approvers: new emails each time
    officer = UserFactory(
        roles=[Role.BROKERAGE_OFFICER], team=team, email=f"officer{token}@council.example"
    )
    social_worker = UserFactory(
        roles=[Role.SOCIAL_WORKER], team=team, email=f"sw{token}@council.example"
    )
    if not Provider.objects.filter(is_in_house=True).exists():
        with in_process():
            in_house_provider()
    print(f"seeded {len(providers)} providers in {time.perf_counter() - started:.1f}s")

    client = Client()
    client.force_login(officer)
    purge_queue()
    sink = TimedSink()
    worker = CeleryWorker(
        smtp_port=sink.port,
        pool=args.pool,
        concurrency=args.concurrency,
        env={
            "DJANGO_SETTINGS_MODULE": "placements.settings.local",
            "DJANGO_DEBUG": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        },
    )
    request_ms, click_to_last_ms, query_counts = [], [], []
    with sink, worker:
        worker.wait_ready()
        print(f"worker: --pool={args.pool} --concurrency={args.concurrency}\n")
        print(f"{'run':<8}{'request ms':>11}{'queries':>9}{'click to last ms':>18}{'msg/s':>8}")
        for run in range(args.runs + 1):
            draft = draft_round(officer, social_worker)
            url = reverse("referrals:round", kwargs={"pk": draft.referral_id, "round_pk": draft.pk})
            sink.handler.received.clear()
            sink.handler.accepted_at.clear()
            with CaptureQueriesContext(connection) as queries:
                clicked = time.perf_counter()
                response = client.post(url, {"action": "send"})
                answered = time.perf_counter()
            assert response.status_code == 302, response.status_code
            deadline = time.monotonic() + 300
            while len(sink.handler.received) < len(expected):
                if time.monotonic() > deadline:
                    sys.exit(f"only {len(sink.handler.received)} arrived:\n{worker.output[-3000:]}")
                time.sleep(0.05)
            time.sleep(0.5)  # a duplicate would show here
            got = sorted(r for m in sink.handler.received for r in m.rcpt_tos)
            assert got == expected, "each provider must get the round exactly once"
            draft.refresh_from_db()
            unsent = OutboxMessage.objects.filter(
                pk__in=draft.requests.values("message"), sent_at__isnull=True
            )
            assert not unsent.exists()
            total = (max(sink.handler.accepted_at) - clicked) * 1000
            label = "warm-up" if run == 0 else str(run)
            rate = len(expected) / total * 1000
            took = (answered - clicked) * 1000
            print(f"{label:<8}{took:>11.1f}{len(queries):>9}{total:>18.0f}{rate:>8.0f}")
            if run:
                request_ms.append(took)
                click_to_last_ms.append(total)
                query_counts.append(len(queries))
    print(
        f"\nmedian over {args.runs} runs, {len(expected)} providers: request "
        f"{statistics.median(request_ms):.0f} ms ({statistics.median(query_counts):.0f} queries), "
        f"click to last message {statistics.median(click_to_last_ms):.0f} ms"
    )


if __name__ == "__main__":
    main()
