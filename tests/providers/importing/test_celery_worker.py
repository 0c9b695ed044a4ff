"""A large provider import through the real machinery: PostgreSQL, a Redis of the test's
own (broker and progress cache) and a Celery worker process. The page shows the rows
done while the worker's transaction is still open, and nothing of the import can be
seen in the directory until it commits; a worker killed mid-import leaves nothing."""

import datetime as dt
import re
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from placements.roles import Role
from providers.models import Provider, ProviderImport
from providers.services import imports as import_services
from tests.conftest import _missing
from tests.placements.factories import UserFactory
from tests.providers.builders import confirm, csv_bytes, latest_import, many_rows, upload
from tests.providers.factories import ensure_categories
from tests.support.smtp import SMTPSink
from tests.support.worker import CeleryWorker, RedisServer, publishing

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

ROWS = 300
COUNT = re.compile(r'id="import-count">([\d,]+) of ([\d,]+) rows done')


@pytest.fixture
def broker():
    """A Redis of the test's own, so no other worker on the shared one takes the task."""
    if not RedisServer.available():
        _missing("redis-server (a broker of the test's own)")
    with RedisServer() as redis:
        # As the worker's settings make it from its CELERY_BROKER_URL.
        cache = {"default": {**settings.CACHES["default"], "LOCATION": redis.url}}
        with override_settings(CACHES=cache, PROVIDER_IMPORT_BACKGROUND_ROWS=10):
            yield redis


@pytest.fixture
def admin_client():
    ensure_categories()
    client = Client()
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    return client


def look(client, provider_import) -> tuple[str, int | None]:
    """(status as the page shows it, rows done if it shows a count)."""
    url = reverse("providers:import-progress", args=[provider_import.pk])
    page = client.get(url).content.decode()
    state = re.search(r'id="import-state">([^<]+)<', page).group(1)
    count = COUNT.search(page)
    return state, int(count.group(1).replace(",", "")) if count else None


def confirmed_on_a_worker(client, broker, worker):
    upload(client, csv_bytes(many_rows(ROWS)))
    provider_import = latest_import()
    worker.wait_ready()
    with publishing(broker.url):
        response = confirm(client, provider_import)
    assert response["Location"].endswith("/progress/"), response
    return provider_import


def test_a_worker_imports_a_large_spreadsheet_showing_progress(admin_client, broker):
    seen = []  # (rows done, providers visible in the directory) while it ran
    with SMTPSink() as sink, CeleryWorker(smtp_port=sink.port, broker_url=broker.url) as worker:
        provider_import = confirmed_on_a_worker(admin_client, broker, worker)
        deadline = time.monotonic() + 60
        while True:
            # Count first, then look: a count taken while the page still says the
            # import runs was taken before it committed (the two happen together).
            visible = Provider.objects.count()
            state = look(admin_client, provider_import)
            if state[0] == "Done":
                break
            assert state[0] != "Failed", ProviderImport.objects.get().error
            assert time.monotonic() < deadline, worker.output[-3000:]
            if state[1] is not None:
                seen.append((state[1], visible))
            time.sleep(0.05)
    assert any(0 < done < ROWS for done, _visible in seen), seen
    assert {visible for _done, visible in seen} == {0}  # all or nothing: none until done
    provider_import.refresh_from_db()
    assert (provider_import.created_count, provider_import.attempts) == (ROWS, 1)
    assert Provider.objects.count() == ROWS


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_failed(
    admin_client, broker, monkeypatch
):
    with SMTPSink() as sink, CeleryWorker(smtp_port=sink.port, broker_url=broker.url) as worker:
        provider_import = confirmed_on_a_worker(admin_client, broker, worker)
        deadline = time.monotonic() + 60
        while not (look(admin_client, provider_import)[1] or 0) > 0:
            assert time.monotonic() < deadline, worker.output[-3000:]
            time.sleep(0.02)
        worker.kill()
    assert Provider.objects.count() == 0
    # The worker's message waits in Redis for an hour; its import is failed before that.
    monkeypatch.setattr(import_services, "STALLED_AFTER", dt.timedelta(0))
    deadline = time.monotonic() + 20
    while look(admin_client, provider_import)[0] != "Failed":  # once the database sees it
        assert time.monotonic() < deadline
        time.sleep(0.2)
    provider_import.refresh_from_db()
    assert provider_import.error == import_services.STOPPED
    assert Provider.objects.count() == 0
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the test process itself never left eager mode


def test_a_worker_imports_ofsteds_data_and_the_alert_email_is_delivered(admin_client, broker):
    """Ofsted's file through the same job: the worker applies it, and a rating that falls
    under an open offer reaches the duty lead's inbox through the outbox."""
    from decimal import Decimal

    from providers.models import OfstedRating
    from referrals.models import ReferralAlert
    from tests.journeys import ensure_placement_types, in_house_provider, offers_in, searchable
    from tests.placements.factories import TeamFactory
    from tests.providers.builders import ofsted_csv, ofsted_row
    from tests.providers.factories import ProviderFactory

    ensure_placement_types()
    in_house_provider()
    team = TeamFactory(name="Children in Care North")
    UserFactory(roles=[Role.TEAM_MANAGER], team=team)
    lead = UserFactory(roles=[Role.BROKERAGE_OFFICER, Role.DUTY_LEAD], email="lead@council.example")
    social_worker = UserFactory(roles=[Role.SOCIAL_WORKER], team=team)
    provider = ProviderFactory(name="Framework 1")
    referral = searchable(social_worker, UserFactory(roles=[Role.BROKERAGE_OFFICER]))
    offers_in(referral, lead, {"Framework 1": Decimal("4000")})
    rows = [ofsted_row(provider.ofsted_urn, Overall="Inadequate")]
    rows += [ofsted_row(f"SC{200000 + n}") for n in range(ROWS)]
    admin_client.post(
        reverse("providers:ofsted"),
        {"file": SimpleUploadedFile("ofsted.csv", ofsted_csv(rows))},
    )
    job = ProviderImport.objects.get(kind=ProviderImport.Kind.OFSTED)
    with SMTPSink() as sink, CeleryWorker(smtp_port=sink.port, broker_url=broker.url) as worker:
        worker.wait_ready()
        with publishing(broker.url):
            response = admin_client.post(
                reverse("providers:import-preview", args=[job.pk]), {"action": "confirm"}
            )
        assert response["Location"].endswith("/progress/")
        deadline = time.monotonic() + 60
        while look(admin_client, job)[0] != "Done" or not sink.messages:
            assert look(admin_client, job)[0] != "Failed", ProviderImport.objects.get().error
            assert time.monotonic() < deadline, worker.output[-3000:]
            time.sleep(0.1)
        [message] = sink.messages
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.INADEQUATE
    assert message.rcpt_tos == [lead.email]
    assert ReferralAlert.objects.get().referral == referral
