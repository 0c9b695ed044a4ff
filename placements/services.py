"""Writes in the core: outbox, field history, users, council settings."""

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
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import OperationalError, models, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import selectors
from .models import (
    CouncilSettings,
    FieldChange,
    OutboxMessage,
    RoleAssignment,
    RoleGrantRequest,
    Team,
    User,
)
from .permissions import role_grant_refusal
from .roles import ROLES_NEEDING_SECOND_ADMINISTRATOR, Role

logger = logging.getLogger(__name__)

SENT_SENSITIVE_BODY = "(Removed once sent: it held a secret link.)"


class DomainError(Exception):
    """A step the rules do not allow; its message is shown to the user."""


# --- Outbox -----------------------------------------------------------------


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
    from .tasks import outbox_send  # tasks import services; avoid the cycle at load

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
        from .tasks import outbox_dispatch  # tasks import services; avoid the cycle at load

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


# --- Field history -------------------------------------------------------------


def shown_value(instance: models.Model, name: str) -> str:
    """A field's value as a person reads it in history: choice labels, Yes or No,
    dates in words, lists joined."""
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    field = instance._meta.get_field(name)
    if isinstance(field, models.Field) and field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(value)
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def _column_width(model: type[models.Model], name: str) -> int:
    """The most characters a model's text column holds."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text column with a length")
    return field.max_length


def _fit_label(label: str, limit: int = _column_width(FieldChange, "field")) -> str:
    """A history label that fits its column: "Long Child Name: Health" keeps the field's
    name whole and shortens who it is about."""
    if len(label) <= limit:
        return label
    who, sep, what = label.rpartition(": ")
    if not sep or len(what) > limit - 5:
        return label[: limit - 1] + "…"
    return who[: limit - len(what) - 3] + "…" + sep + what


def field_changes_record(
    *,
    instance: models.Model,
    before: Mapping[str, str],
    after: Mapping[str, str],
    actor: User | None,
    source: str = "edit",
) -> list[FieldChange]:
    """Append one FieldChange per label whose shown value differs (`actor` None: a change
    the service made itself, or one from the server's command line)."""
    content_type = ContentType.objects.get_for_model(instance)
    now = timezone.now()
    changes = [
        FieldChange(
            content_type=content_type,
            object_id=instance.pk,
            field=_fit_label(label),
            old_value=before.get(label, ""),
            new_value=after.get(label, ""),
            actor=actor,
            source=source,
            is_creation=not before,
            changed_at=now,
        )
        for label in after
        if before.get(label, "") != after.get(label, "")
    ]
    return FieldChange.objects.bulk_create(changes)


# --- Users ----------------------------------------------------------------------


def _user_snapshot(user: User) -> dict[str, str]:
    return {
        "Full name": user.full_name,
        "Email address": user.email,
        "Job title": user.job_title,
        "Team": str(user.team or ""),
        "Roles": ", ".join(label for value, label in Role.choices if value in user.role_set),
        "Active": "Yes" if user.is_active else "No",
    }


def _user_set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    current = set(user.role_assignments.values_list("role", flat=True))
    user.role_assignments.filter(role__in=current - wanted).delete()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=user, role=role) for role in sorted(wanted - current)]
    )
    if hasattr(user, "_role_set"):
        del user._role_set


@transaction.atomic
def user_invite(
    *,
    full_name: str,
    email: str,
    job_title: str = "",
    team: Team | None = None,
    roles: Iterable[str],
    actor: User | None,
) -> User:
    """Create a user with no usable password and email them a link to set one. An
    approving role or Administrator waits for a second administrator (see user_update).
    `actor` None: from the server's command line (`add_administrator`), with no roles."""
    user = User.objects.create_user(
        email=email, password=None, full_name=full_name, job_title=job_title, team=team
    )
    held = set(roles) & ROLES_NEEDING_SECOND_ADMINISTRATOR
    _user_set_roles(user, set(roles) - held)
    field_changes_record(
        instance=user, before={}, after=_user_snapshot(user), actor=actor, source="created"
    )
    _user_send_set_password(user=user, template="user_invite", actor=actor)
    _role_grants_ask(user=user, roles=held, actor=actor)
    return user


def _user_send_set_password(*, user: User, template: str, actor: User | None) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL + reverse("password-set", kwargs={"uidb64": uid, "token": token})
    # The link is the key to the account: its body is blanked once sent, and the
    # outbox key holds a digest of the token, never the token.
    outbox_enqueue(
        key=f"{template}:{user.pk}:{hashlib.sha256(token.encode()).hexdigest()[:24]}",
        to=[user.email],
        template=template,
        context={"user": user, "link": link, "council": CouncilSettings.load(), "actor": actor},
        sensitive=True,
    )


@transaction.atomic
def user_update(
    *,
    user: User,
    full_name: str,
    email: str,
    job_title: str,
    team: Team | None,
    roles: Iterable[str],
    actor: User,
) -> User:
    """An administrator changes someone's details and roles. Nobody changes their own
    roles (another administrator does); the person is told of every role they gain
    or lose, and the old address is told when the email address changes, so a
    changed address cannot quietly take an account over.

    Removing a role is immediate, and so is granting an ordinary one. An approving role
    or Administrator (ROLES_NEEDING_SECOND_ADMINISTRATOR) is not granted here: it is
    asked for, and applies once a second administrator approves (role_grant_approve)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    before = _user_snapshot(user)
    old_roles = set(user.role_set)
    if user.pk == actor.pk and set(roles) != old_roles:
        raise DomainError("You cannot change your own roles: ask another administrator")
    wanted = set(roles)
    held = (wanted - old_roles) & ROLES_NEEDING_SECOND_ADMINISTRATOR
    old_email = user.email
    user.full_name, user.email, user.job_title, user.team = full_name, email, job_title, team
    user.save(update_fields=["full_name", "email", "job_title", "team"])
    _user_set_roles(user, wanted - held)
    field_changes_record(instance=user, before=before, after=_user_snapshot(user), actor=actor)
    council = CouncilSettings.load()
    now = timezone.now().strftime("%Y%m%d%H%M%S%f")
    gained, lost = wanted - held - old_roles, old_roles - wanted
    if gained or lost:
        _user_tell_roles_changed(
            user=user, gained=gained, lost=lost, actor=actor, key=f"user_roles:{user.pk}:{now}"
        )
    if old_email.lower() != email.lower():
        outbox_enqueue(
            key=f"user_email:{user.pk}:{now}",
            to=[old_email],
            template="user_email_changed",
            context={"user": user, "actor": actor, "council": council},
        )
    _role_grants_ask(user=user, roles=held, actor=actor)
    return user


def _user_tell_roles_changed(
    *,
    user: User,
    gained: Iterable[str],
    lost: Iterable[str],
    actor: User | None,
    key: str,
    approver: User | None = None,
) -> None:
    """Email the person the roles they gained and lost (`actor` None: from the server's
    command line; `approver`: the second administrator who approved a grant)."""
    outbox_enqueue(
        key=key,
        to=[user.email],
        template="user_roles_changed",
        context={
            "user": user,
            "gained": sorted(Role(r).label for r in gained),
            "lost": sorted(Role(r).label for r in lost),
            "actor": actor,
            "approver": approver,
            "council": CouncilSettings.load(),
        },
    )


def user_roles_grant_without_second_approval(
    *, user: User, roles: Iterable[str], source: str, notify: bool = True
) -> set[str]:
    """Give roles at once, approving and Administrator ones included, with no second
    administrator. Only for those with the server itself: the demo data and the
    `add_administrator` command (how a council gets its first two administrators).
    Recorded in the user's history with no actor; the person is emailed unless `notify`
    is False (the demo data). Returns the roles added."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _user_snapshot(user)
        added = set(roles) - set(user.role_set)
        if not added:
            return set()
        _user_set_roles(user, set(user.role_set) | added)
        field_changes_record(
            instance=user, before=before, after=_user_snapshot(user), actor=None, source=source
        )
        logger.info("Roles %s given to user %s from %s", ", ".join(sorted(added)), user.pk, source)
        if notify:
            now = timezone.now().strftime("%Y%m%d%H%M%S%f")
            _user_tell_roles_changed(
                user=user, gained=added, lost=(), actor=None, key=f"user_roles:{user.pk}:{now}"
            )
    return added


# --- Role grants: two administrators for an approving role or Administrator ------------

ROLE_GRANT_WAITING = "Role grant waiting"


def _role_grants_ask(
    *, user: User, roles: Iterable[str], actor: User | None
) -> list[RoleGrantRequest]:
    """Record a waiting grant for each role not already asked for, and email every
    administrator who may approve it. Called inside the change's transaction."""
    roles = set(roles)
    if not roles:
        return []
    if actor is None:  # from the server's command line: it gives roles without asking
        raise DomainError("Only an administrator can ask for a role to be given")
    if user.pk == actor.pk:
        raise DomainError("You cannot change your own roles: ask another administrator")
    waiting = set(
        RoleGrantRequest.objects.filter(
            user=user, role__in=roles, decided_at__isnull=True
        ).values_list("role", flat=True)
    )
    asked = [
        RoleGrantRequest.objects.create(user=user, role=role, requested_by=actor)
        for role in Role  # in the order people read them
        if role in roles - waiting
    ]
    if not asked:
        return []
    labels = [Role(grant.role).label for grant in asked]
    field_changes_record(
        instance=user,
        before={ROLE_GRANT_WAITING: ""},
        after={ROLE_GRANT_WAITING: ", ".join(labels)},
        actor=actor,
        source="asked for",
    )
    logger.info("Roles %s for user %s asked for by user %s", ", ".join(labels), user.pk, actor.pk)
    approvers = selectors.role_grant_approvers(user=user, requested_by=actor)
    if approvers:
        outbox_enqueue(
            key=f"role_grant_waiting:{asked[0].pk}",
            to=[approver.email for approver in approvers],
            template="role_grant_waiting",
            context={
                "user": user,
                "roles": labels,
                "actor": actor,
                "link": settings.SITE_URL + reverse("accounts:role-grants"),
                "council": CouncilSettings.load(),
            },
        )
    return asked


def role_grant_blocker(grant: RoleGrantRequest, *, user: User | None = None) -> str | None:
    """Why this waiting grant cannot be approved as things stand (its person deactivated
    since, or holding the role already), or None."""
    user = user or grant.user
    label = Role(grant.role).label
    if not user.is_active:
        return (
            f"{user.full_name} has been deactivated, so cannot be given the role {label}: "
            "refuse this request, or reactivate them and ask again"
        )
    if grant.role in user.role_set:
        return f"{user.full_name} already has the role {label}: refuse this request to close it"
    return None


def _role_grant_lock(*, grant: RoleGrantRequest, actor: User) -> RoleGrantRequest:
    """The grant locked for this decision, once the rules allow `actor` to make it."""
    grant = RoleGrantRequest.objects.select_for_update().get(pk=grant.pk)
    refusal = role_grant_refusal(actor, grant)
    if refusal is not None:
        raise DomainError(refusal)
    return grant


@transaction.atomic
def role_grant_approve(*, grant: RoleGrantRequest, actor: User) -> RoleGrantRequest:
    """A second administrator approves a waiting grant: the role applies, the person is
    emailed, and the decision is recorded on the grant and in the person's history.
    The grant is locked, so approving twice applies it once."""
    grant = _role_grant_lock(grant=grant, actor=actor)
    user = User.objects.select_for_update().get(pk=grant.user_id)
    blocker = role_grant_blocker(grant, user=user)
    if blocker is not None:
        raise DomainError(blocker)
    before = _user_snapshot(user)
    _user_set_roles(user, set(user.role_set) | {grant.role})
    grant.decided_by, grant.decided_at = actor, timezone.now()
    grant.decision = RoleGrantRequest.Decision.APPROVED
    grant.save(update_fields=["decided_by", "decided_at", "decision"])
    field_changes_record(
        instance=user,
        before=before,
        after=_user_snapshot(user),
        actor=actor,
        source="role grant approved",
    )
    logger.info(
        "Role grant %s (%s for user %s) approved by user %s",
        grant.pk,
        grant.role,
        user.pk,
        actor.pk,
    )
    _user_tell_roles_changed(
        user=user,
        gained={grant.role},
        lost=(),
        actor=grant.requested_by,
        approver=actor,
        key=f"user_roles:{user.pk}:grant:{grant.pk}",
    )
    return grant


@transaction.atomic
def role_grant_refuse(*, grant: RoleGrantRequest, actor: User, reason: str) -> RoleGrantRequest:
    """A second administrator refuses a waiting grant, with a reason the administrator
    who asked is emailed; recorded on the grant and in the person's history."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter why you are refusing this role")
    grant = _role_grant_lock(grant=grant, actor=actor)
    grant.decided_by, grant.decided_at = actor, timezone.now()
    grant.decision = RoleGrantRequest.Decision.REFUSED
    grant.reason = reason
    grant.save(update_fields=["decided_by", "decided_at", "decision", "reason"])
    label = Role(grant.role).label
    field_changes_record(
        instance=grant.user,
        before={ROLE_GRANT_WAITING: label},
        after={ROLE_GRANT_WAITING: f"Refused: {reason}"},
        actor=actor,
        source="role grant refused",
    )
    logger.info(
        "Role grant %s (%s for user %s) refused by user %s",
        grant.pk,
        grant.role,
        grant.user_id,
        actor.pk,
    )
    outbox_enqueue(
        key=f"role_grant_refused:{grant.pk}",
        to=[grant.requested_by.email],
        template="role_grant_refused",
        context={
            "grant": grant,
            "role": label,
            "actor": actor,
            "council": CouncilSettings.load(),
        },
    )
    return grant


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User) -> User:
    if user.pk == actor.pk and not active:
        raise DomainError("You cannot deactivate your own account")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        raise DomainError(
            "This user is already active" if active else "This user is already deactivated"
        )
    before = _user_snapshot(user)
    user.is_active = active
    user.deactivated_at = None if active else timezone.now()
    user.save(update_fields=["is_active", "deactivated_at"])
    field_changes_record(
        instance=user,
        before=before,
        after=_user_snapshot(user),
        actor=actor,
        source="reactivated" if active else "deactivated",
    )
    if not active:
        _user_end_sessions(user)
    return user


def _user_end_sessions(user: User) -> None:
    """Sign a deactivated user out everywhere (database-backed sessions)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def council_settings_update(*, values: Mapping[str, Any], actor: User) -> CouncilSettings:
    council = CouncilSettings.objects.select_for_update().get(pk=CouncilSettings.load().pk)
    before = {name: str(getattr(council, name)) for name in values}
    for name, value in values.items():
        setattr(council, name, value)
    council.save()
    field_changes_record(
        instance=council,
        before=before,
        after={n: str(v) for n, v in values.items()},
        actor=actor,
    )
    return council


def user_resend_invite(*, user: User, actor: User) -> None:
    if not user.is_active:
        raise DomainError("Reactivate this user before sending them a link")
    _user_send_set_password(user=user, template="user_invite", actor=actor)
