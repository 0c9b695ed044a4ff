"""The email outbox: every email is queued in the same transaction as the change that
causes it, then delivered at least once by a task (docs/decisions/0002)."""

import contextlib
import datetime as dt
import hashlib
import logging
import select
import smtplib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import (
    OutboxMessage,
)

logger = logging.getLogger(__name__)


SENT_SENSITIVE_BODY = "(Removed once sent: it held a secret link.)"


# A check of a rendered email (its subject and body, and the context it came from).
EmailCheck = Callable[[str, Mapping[str, Any]], None]


def outbox_enqueue(
    *,
    key: str,
    to: Iterable[str],
    template: str,
    context: Mapping[str, Any],
    sensitive: bool = False,
    check: EmailCheck | None = None,
) -> OutboxMessage | None:
    """Write an email to the outbox inside the caller's transaction; a task sends
    it after commit. `key` is unique: enqueueing the same key twice sends once.
    A `sensitive` body (one holding a provider's secret link) is blanked once sent.
    `check` sees the rendered email first and raises to stop it (and the change)."""
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    body_text = render_to_string(f"emails/{template}.txt", context)
    if check is not None:
        check(f"{subject}\n{body_text}", context)
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "to": sorted(set(to)),
            "subject": subject,
            "body_text": body_text,
            "sensitive": sensitive,
        },
    )
    if not created:
        return None
    from ..tasks import outbox_send  # tasks import services; avoid the cycle at load

    # robust: a broker that is down must not fail a change already committed;
    # the sweep sends what was not queued.
    transaction.on_commit(lambda: outbox_send.delay(message.pk), robust=True)
    return message


class OutboxSendFailed(Exception):
    """The SMTP server did not take a message; it stays claimed until `held_until`, when
    its retry is due, so the sweep does not start a second chain of retries."""

    def __init__(self, message_id: int, held_until: dt.datetime | None) -> None:
        super().__init__(f"outbox message {message_id} not sent")
        self.held_until = held_until


def outbox_claim(*, message_id: int, held_until: dt.datetime | None = None) -> OutboxMessage | None:
    """Claim an unsent message for one sender; None if sent or claimed elsewhere. A retry
    passes the `held_until` its failed attempt set, and takes back its own claim."""
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    if held_until is not None:
        free |= Q(claimed_until=held_until)
    claimed = OutboxMessage.objects.filter(free, pk=message_id, sent_at__isnull=True).update(
        claimed_until=now + dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    )
    if claimed != 1:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def message_id_header(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt at one message (from its key and the site's
    domain), so a receiving server can drop the copy of a send repeated after a sender
    died between the server taking it and the stamp."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{message.pk}.{digest}@{domain}>"


class _MailConnection(threading.local):
    """Each sender thread's connection to the SMTP server, opened once and reused: one
    SMTP transaction a message, and no QUIT between the server taking a message and its
    stamp."""

    backend: SMTPBackend | None = None
    key: tuple[object, ...] = ()
    last_used: float = 0.0


_mail = _MailConnection()


# A connection idle this long is asked NOOP before it is trusted with a message.
MAIL_CONNECTION_CHECK_AFTER_SECONDS = 60


def _mail_settings() -> tuple[object, ...]:
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def _mail_discard() -> None:
    """Drop this thread's connection without a QUIT (it may be dead already)."""
    backend, _mail.backend = _mail.backend, None
    if backend is not None and backend.connection is not None:
        with contextlib.suppress(OSError):
            backend.connection.close()
        backend.connection = None


def _mail_alive(backend: SMTPBackend) -> bool:
    """Not closed or timed out by the server while it sat idle (an idle connection with
    something to read has been closed, or told it is closing); after a long idle,
    NOOP."""
    connection = backend.connection
    if connection is None:  # closed since it was opened: open another
        return False
    sock = connection.sock
    if sock is None or sock.fileno() < 0:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if readable:
            return False
        if time.monotonic() - _mail.last_used > MAIL_CONNECTION_CHECK_AFTER_SECONDS:
            return connection.noop()[0] == 250
    except (OSError, smtplib.SMTPException, ValueError):
        return False
    return True


def _mail_connection() -> BaseEmailBackend:
    """The backend to send one message through. SMTP: this thread's open connection,
    reused; any other backend (file, memory, console): a fresh one, as before."""
    backend = get_connection(fail_silently=False)
    if not isinstance(backend, SMTPBackend):
        return backend
    key = _mail_settings()
    if _mail.backend is not None and (_mail.key != key or not _mail_alive(_mail.backend)):
        _mail_discard()
    if _mail.backend is None:
        backend.open()
        _mail.backend, _mail.key = backend, key
    return _mail.backend


def _outbox_stamp_sent(message: OutboxMessage, *, tries: int = 3) -> None:
    """Stamp a message the SMTP server has taken, in its own short transaction at once:
    until this commits, a sender that dies leaves it to be sent again. A dropped
    database connection is retried for a moment rather than widening that window."""
    sent = {"sent_at": timezone.now(), "attempts": message.attempts + 1, "last_error": ""}
    if message.sensitive:
        sent["body_text"] = SENT_SENSITIVE_BODY
    for attempt in range(1, tries + 1):
        try:
            with transaction.atomic():
                OutboxMessage.objects.filter(pk=message.pk).update(**sent)
            return
        except OperationalError:
            if attempt == tries or db_connection.in_atomic_block:
                raise
            logger.warning("outbox message %s sent; stamping it again", message.pk)
            db_connection.close()
            time.sleep(0.2 * attempt)


def outbox_deliver(
    *, message_id: int, held_until: dt.datetime | None = None, retry_in: int | None = None
) -> bool:
    """Send one message if nobody else has, and stamp it the moment the SMTP server has
    taken it. On an SMTP failure raise OutboxSendFailed; with `retry_in` (seconds) the
    message stays claimed until that retry is due."""
    message = outbox_claim(message_id=message_id, held_until=held_until)
    if message is None:
        return False
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        headers={"Message-ID": message_id_header(message)},
    )
    try:
        backend = _mail_connection()
        backend.send_messages([email])
    except Exception as exc:
        _mail_discard()
        hold = None
        if retry_in is not None:
            hold = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=retry_in + 1)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            claimed_until=hold,
        )
        logger.warning("outbox message %s failed: %s", message.pk, type(exc).__name__)
        raise OutboxSendFailed(message.pk, hold) from exc
    # The server has the message: stamp it before anything else (even the next message).
    _outbox_stamp_sent(message)
    _mail.last_used = time.monotonic()
    return True


def outbox_enqueue_many(
    messages: Iterable[tuple[str, Iterable[str], str, Mapping[str, Any]]],
    *,
    sensitive: bool = False,
    check: EmailCheck | None = None,
) -> list[OutboxMessage]:
    """Write many emails at once (a round to 300 providers) as one insert; after commit
    one task fans them out to the senders. Each row is still one message with its own
    unique key, sent and stamped on its own. `messages` are (key, to, template, context).
    `check` sees each rendered email first and raises to stop them all."""
    rows = []
    for key, to, template, context in messages:
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body_text = render_to_string(f"emails/{template}.txt", context)
        if check is not None:
            check(f"{subject}\n{body_text}", context)
        rows.append(
            OutboxMessage(
                key=key,
                to=sorted(set(to)),
                subject=subject,
                body_text=body_text,
                sensitive=sensitive,
            )
        )
    created = OutboxMessage.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    if ids:
        from ..tasks import outbox_dispatch  # tasks import services; avoid the cycle at load

        transaction.on_commit(lambda: outbox_dispatch.delay(ids), robust=True)
    return created


def outbox_pending_ids(*, older_than_seconds: int | None = None) -> list[int]:
    if older_than_seconds is None:
        older_than_seconds = settings.OUTBOX_SWEEP_AFTER_SECONDS
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=timezone.now()))
        .values_list("pk", flat=True)[:500]
    )
