import datetime as dt
import os
import subprocess
import sys
import time
from email import message_from_bytes

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models.query import QuerySet
from django.test import override_settings
from django.utils import timezone

from placements import services, tasks
from placements.celery import app
from placements.models import OutboxMessage
from placements.services import outbox
from tests.support.smtp import SMTPSink


def enqueue(key="test:1", to=("a@provider.example",)):
    return services.outbox_enqueue(
        key=key,
        to=list(to),
        template="user_invite",
        context={"user": None, "link": "https://x.example/l", "council": {"service_name": "S"}},
    )


@pytest.mark.django_db(transaction=True)
def test_message_is_sent_after_commit_over_real_smtp():
    with SMTPSink() as sink, override_settings(**sink.settings()):
        with transaction.atomic():
            message = enqueue()
            assert sink.messages == []  # nothing leaves before commit
        assert len(sink.messages) == 1
        assert sink.messages[0].rcpt_tos == ["a@provider.example"]
        parsed = message_from_bytes(sink.messages[0].original_content)
        assert "Set your password" in parsed["Subject"]
        message.refresh_from_db()
        assert message.sent_at is not None and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_nothing():
    with SMTPSink() as sink, override_settings(**sink.settings()):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue()
            raise RuntimeError("the change failed")
        assert sink.messages == []
        assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_same_key_twice_sends_once():
    with SMTPSink() as sink, override_settings(**sink.settings()):
        enqueue(key="same")
        assert enqueue(key="same") is None
        tasks.outbox_sweep()  # nothing pending: the sweep must not resend
        assert len(sink.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_smtp_refusing_for_a_while_is_retried_until_delivered_once():
    with SMTPSink(refuse_first=2) as sink, override_settings(**sink.settings()):
        message = enqueue()
        message.refresh_from_db()
        # Eager mode runs the task's retries in process; the server refused twice.
        assert sink.handler.refused == 2
        assert len(sink.messages) == 1
        assert message.sent_at is not None
        assert message.attempts == 3


@pytest.mark.django_db
def test_claim_is_exclusive():
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            key="k", to=["a@b.example"], subject="s", body_text="b"
        )
    assert services.outbox_claim(message_id=message.pk) is not None
    assert services.outbox_claim(message_id=message.pk) is None


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_celery_worker_delivers_each_message_exactly_once():
    """Through Redis and a real worker process, with a sweep racing the normal send."""
    with SMTPSink() as sink:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "placements.settings.test",
            "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
                db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
            ),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "TEST_CELERY_EAGER": "false",
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "placements",
                "worker",
                "--pool=threads",
                "--concurrency=4",
                "--loglevel=WARNING",
                "-Q",
                "celery",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
                app.conf.task_always_eager = False
                try:
                    with transaction.atomic():
                        for n in range(20):
                            enqueue(key=f"worker:{n}", to=[f"p{n}@provider.example"])
                    for message_id in OutboxMessage.objects.values_list("pk", flat=True):
                        tasks.outbox_send.delay(message_id)  # a duplicate send for each
                finally:
                    app.conf.task_always_eager = True
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0:
                    break
                time.sleep(0.2)
            time.sleep(1)  # let any duplicate deliveries land if the claim were broken
        finally:
            worker.terminate()
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
        recipients = sorted(r for m in sink.messages for r in m.rcpt_tos)
        assert recipients == sorted(f"p{n}@provider.example" for n in range(20)), output[-2000:]


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_stays_claimed_until_its_retry_is_due():
    """So the sweep does not start a second chain of retries beside the task's own."""
    with SMTPSink(refuse_first=1) as sink, override_settings(**sink.settings()):
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key="k", to=["a@b.example"], subject="s", body_text="b"
            )
        with pytest.raises(services.OutboxSendFailed) as failed:
            services.outbox_deliver(message_id=message.pk, retry_in=30)
        held_until = failed.value.held_until
        message.refresh_from_db()
        assert message.claimed_until == held_until
        assert held_until > timezone.now() + dt.timedelta(seconds=30)
        assert message.pk not in services.outbox_pending_ids(older_than_seconds=0)
        assert services.outbox_claim(message_id=message.pk) is None  # a sweep's send
        # The retry takes back its own claim, and sends.
        assert services.outbox_deliver(message_id=message.pk, held_until=held_until)
        assert len(sink.messages) == 1
        # A retry arriving after another sender took the message over does nothing.
        assert not services.outbox_deliver(message_id=message.pk, held_until=held_until)
        assert len(sink.messages) == 1


class SenderDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, nothing catches it."""


def message_ids(sink) -> list[str]:
    return [message_from_bytes(m.original_content)["Message-ID"].strip() for m in sink.messages]


@pytest.mark.django_db(transaction=True)
@override_settings(SITE_URL="https://placements.northshire.example")
def test_a_sender_killed_after_the_server_took_a_message_sends_it_again_with_its_message_id(
    monkeypatch,
):
    """At least once: a sender that dies after the SMTP server accepted a message, before
    stamping it, leaves it unsent; once its claim lapses the sweep sends it again, with
    the Message-ID the receiver has already seen."""
    with SMTPSink() as sink, override_settings(**sink.settings(), OUTBOX_SWEEP_AFTER_SECONDS=0):
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key="dies:1", to=["a@provider.example"], subject="s", body_text="b"
            )

        def die(message, **kwargs):
            raise SenderDied

        with monkeypatch.context() as patched:
            patched.setattr(outbox, "_outbox_stamp_sent", die)
            with pytest.raises(SenderDied):
                services.outbox_deliver(message_id=message.pk)
        assert len(sink.messages) == 1
        message.refresh_from_db()
        assert message.sent_at is None
        # While the dead sender's claim holds, nobody sends it again...
        assert tasks.outbox_sweep() == 0
        # ...and once it lapses, the sweep does.
        OutboxMessage.objects.filter(pk=message.pk).update(
            claimed_until=timezone.now() - dt.timedelta(seconds=1)
        )
        assert tasks.outbox_sweep() == 1
        message.refresh_from_db()
        assert message.sent_at is not None
        ids = message_ids(sink)
        assert len(ids) == 2 and ids[0] == ids[1]
        assert ids[0].startswith(f"<{message.pk}.")
        assert ids[0].endswith("@placements.northshire.example>")
        # Another message has another Message-ID.
        enqueue(key="dies:2")
        assert message_ids(sink)[-1] != ids[0]


@pytest.mark.django_db(transaction=True)
def test_each_message_is_stamped_the_moment_the_server_takes_it_on_one_connection(monkeypatch):
    """One SMTP transaction a message on a connection kept open: no QUIT (and no batch)
    between the server taking a message and its stamp."""
    seen_at_stamp = []
    stamp = outbox._outbox_stamp_sent

    def watched(message, **kwargs):
        seen_at_stamp.append((message.key, len(sink.messages), sink.handler.quits))
        stamp(message, **kwargs)

    monkeypatch.setattr(outbox, "_outbox_stamp_sent", watched)
    with SMTPSink() as sink, override_settings(**sink.settings()):
        with transaction.atomic():
            for n in range(3):
                enqueue(key=f"one:{n}", to=[f"p{n}@provider.example"])
        assert seen_at_stamp == [("one:0", 1, 0), ("one:1", 2, 0), ("one:2", 3, 0)]
        assert len(set(sink.handler.peers)) == 1  # the connection was reused
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_while_idle_is_not_reused():
    first = SMTPSink()
    with first, override_settings(**first.settings()):
        enqueue(key="idle:1")
    # The server went away (as one closing an idle connection does) and came back.
    with SMTPSink(port=first.port) as second, override_settings(**second.settings()):
        message = enqueue(key="idle:2")
        message.refresh_from_db()
        assert len(second.messages) == 1
        assert message.sent_at is not None and message.attempts == 1  # no failed attempt


@pytest.mark.django_db(transaction=True)
def test_a_database_blip_after_the_server_took_a_message_does_not_send_it_twice(monkeypatch):

    update = QuerySet.update
    failures = []

    def flaky(self, **kwargs):
        if "sent_at" in kwargs and not failures:
            failures.append(kwargs)
            raise OperationalError("server closed the connection unexpectedly")
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", flaky)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with SMTPSink() as sink, override_settings(**sink.settings()):
        message = enqueue(key="blip:1")
        message.refresh_from_db()
        assert failures and message.sent_at is not None and message.attempts == 1
        assert len(sink.messages) == 1
