"""Users and their roles: inviting, updating, deactivating; the two-administrator rule
for approving roles; the council's settings."""

import hashlib
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .. import selectors
from ..models import (
    CouncilSettings,
    RoleAssignment,
    RoleGrantRequest,
    Team,
    User,
)
from ..permissions import role_grant_refusal
from ..roles import ROLES_NEEDING_SECOND_ADMINISTRATOR, Role
from .errors import DomainError
from .history import field_changes_record
from .outbox import outbox_enqueue

logger = logging.getLogger(__name__)


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
    if user.break_glass and Role.ADMINISTRATOR in old_roles - wanted:
        _keep_a_break_glass_administrator(besides=user)
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
    if not active and user.break_glass:
        _keep_a_break_glass_administrator(besides=user)
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
    if values.get("staff_password_sign_in") is False and council.staff_password_sign_in:
        _password_off_check()
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


def _break_glass_administrators() -> QuerySet[User]:
    """Those who may still sign in with a password when it is off for staff."""
    return User.objects.filter(
        is_active=True, break_glass=True, role_assignments__role=Role.ADMINISTRATOR
    )


def _keep_a_break_glass_administrator(*, besides: User) -> None:
    """While password sign-in is off for staff, someone must still be able to use one."""
    if CouncilSettings.load().staff_password_sign_in:
        return
    if not _break_glass_administrators().exclude(pk=besides.pk).exists():
        raise DomainError(
            "Password sign-in is off: keep at least one break-glass administrator (make "
            "another one first)"
        )


def _password_off_check() -> None:
    """Password sign-in may be turned off only with single sign-on working and someone
    left to get in when the directory is down."""
    from ..sso import sso_enabled

    if not sso_enabled():
        raise DomainError(
            "Set up single sign-on before turning password sign-in off: nobody could sign in"
        )
    if not _break_glass_administrators().exists():
        raise DomainError(
            "Make an administrator a break-glass administrator first, to sign in with a "
            "password if the council's directory is down"
        )


@transaction.atomic
def user_break_glass_set(*, user: User, on: bool, actor: User) -> User:
    """Let an administrator (or stop them) sign in with a password when password sign-in
    is off for staff. Another administrator decides it; recorded in their history."""
    if not actor.has_role(Role.ADMINISTRATOR):
        raise DomainError("Only an administrator decides who is a break-glass administrator")
    if user.pk == actor.pk:
        raise DomainError("Another administrator decides whether you are break-glass")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if on and not (locked.is_active and locked.has_role(Role.ADMINISTRATOR)):
        raise DomainError("Only an active administrator can be a break-glass administrator")
    if not on and locked.break_glass:
        _keep_a_break_glass_administrator(besides=locked)
    if locked.break_glass == on:
        return locked
    locked.break_glass = on
    locked.save(update_fields=["break_glass"])
    field_changes_record(
        instance=locked,
        before={"Break-glass administrator": "Yes" if not on else "No"},
        after={"Break-glass administrator": "Yes" if on else "No"},
        actor=actor,
    )
    logger.info("break-glass %s for user %s by user %s", "on" if on else "off", user.pk, actor.pk)
    return locked


def user_resend_invite(*, user: User, actor: User) -> None:
    if not user.is_active:
        raise DomainError("Reactivate this user before sending them a link")
    _user_send_set_password(user=user, template="user_invite", actor=actor)
