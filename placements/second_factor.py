"""A second factor for password sign-in (OWASP ASVS level 2): time-based one-time codes
from an authenticator app, with single-use recovery codes, from django-otp.

- Required for administrators and every approving role, and for everyone who signs in
  with a password where the council says so; anyone who has set one up uses it.
- A password sign-in that needs one does not sign in: it waits (ten minutes at most) in
  the session for the code, or for the set-up of an app (a QR code and the secret as
  text) when there is none yet. Only then is the person signed in.
- Wrong codes are rate-limited per account (each wrong code doubles the wait before the
  next is checked); a recovery code works once. Every event is in the security log.
- A lost device is reset by another administrator, recorded.
"""

import math
import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .client_address import client_ip
from .models import CouncilSettings, SecurityEvent, User
from .roles import ROLES_NEEDING_SECOND_ADMINISTRATOR
from .services import DomainError, field_changes_record, outbox_enqueue
from .services.users import _user_end_sessions

PENDING_KEY = "second_factor_pending"
RECOVERY_SHOWN_KEY = "recovery_codes_to_show"
RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def record(
    request: HttpRequest | None,
    user: User | None,
    kind: str,
    *,
    actor: User | None = None,
    detail: str = "",
) -> SecurityEvent:
    return SecurityEvent.objects.create(
        user=user,
        kind=kind,
        ip_address=(client_ip(request) or None) if request is not None else None,
        actor=actor,
        detail=detail[:200],
    )


def required(user: User) -> bool:
    return bool(user.role_set & ROLES_NEEDING_SECOND_ADMINISTRATOR) or (
        CouncilSettings.load().second_factor_for_everyone
    )


def app_device(user: User, *, confirmed: bool | None = True) -> TOTPDevice | None:
    found = TOTPDevice.objects.filter(user=user, name=APP_NAME)
    if confirmed is not None:
        found = found.filter(confirmed=confirmed)
    return found.first()


def has_app(user: User) -> bool:
    return app_device(user) is not None


# --- Waiting for the second factor ----------------------------------------------------


def pending_start(request: HttpRequest, user: User, backend: str, next_url: str) -> None:
    """The password was right: remember who, for the code, without signing in. An app
    half set up in an earlier attempt is dropped: each attempt gets its own secret."""
    request.session.cycle_key()
    TOTPDevice.objects.filter(user=user, name=APP_NAME, confirmed=False).delete()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
        # Stale if the password changes meanwhile.
        "hash": user.get_session_auth_hash(),
    }


def pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.SECOND_FACTOR_WAIT_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending.get("hash"):
        request.session.pop(PENDING_KEY, None)
        return None
    return user


def pending_finish(request: HttpRequest, user: User) -> str:
    """Sign in the person who passed their second factor; where they were going."""
    pending = request.session.pop(PENDING_KEY)
    login(request, user, backend=pending["backend"])
    return pending["next"]


# --- Setting up an app, and signing in with it ---------------------------------------


def app_begin(request: HttpRequest, user: User) -> TOTPDevice:
    """The app being set up in this sign-in: a new secret, kept unconfirmed until a code
    from it is given (the same one while this sign-in's page is open again; another
    sign-in never sees it)."""
    if has_app(user):
        raise DomainError("An authenticator app is already set up")
    pending = request.session[PENDING_KEY]
    device = TOTPDevice.objects.filter(
        pk=pending.get("device") or 0, user=user, name=APP_NAME, confirmed=False
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
        request.session[PENDING_KEY] = {**pending, "device": device.pk}
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The app's set-up link as a QR code (inline SVG, nothing fetched)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#0b0c0c")


def _codes_anew(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def app_confirm(request: HttpRequest, user: User, code: str) -> list[str]:
    """The first code from the new app: it is set up, and recovery codes made (shown
    once). Refused, and counted (the count kept whatever else is undone), when the code
    is not right."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(
                pk=request.session.get(PENDING_KEY, {}).get("device") or 0,
                user=user,
                name=APP_NAME,
                confirmed=False,
            )
            .first()
        )
        if device is None:
            raise DomainError("Start setting up your app again")
        wait = _wait_seconds(device)
        if wait:
            outcome = SecurityEvent.Kind.THROTTLED
        elif device.verify_token(_digits(code)):  # a wrong code is counted on the device
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _codes_anew(user)
            record(request, user, SecurityEvent.Kind.SET_UP)
            return codes
        else:
            outcome = SecurityEvent.Kind.FAILED
    record(request, user, outcome, detail="setting up")
    if outcome == SecurityEvent.Kind.THROTTLED:
        raise DomainError(_wait_message(wait))
    raise DomainError("The code is not right: enter the 6 digits the app shows now")


# Wrong codes double the wait up to this many (2 ** 9 seconds: eight and a half minutes),
# so someone with the password cannot lock the owner out for days.
MOST_COUNTED = 10
TELL_AFTER = 5  # wrong codes in a row before the person is emailed


def _wait_seconds(*devices) -> int:
    """How long before a code is checked again, after wrong ones (0: now)."""
    now = timezone.now()
    for device in devices:
        if device is not None and device.throttling_failure_count > MOST_COUNTED:
            device.throttling_failure_count = MOST_COUNTED
            device.save(update_fields=["throttling_failure_count"])
    waits = [
        (data["locked_until"] - now).total_seconds()
        for device in devices
        if device is not None
        for allowed, data in [device.verify_is_allowed()]
        if not allowed and data and "locked_until" in data
    ]
    return math.ceil(max(waits, default=0))


def _wait_message(wait: int) -> str:
    return f"Too many wrong codes: wait {wait} second{'s' * (wait != 1)} and try again"


def _digits(code: str) -> str:
    return "".join(code.split())


def code_check(request: HttpRequest, user: User, code: str) -> None:
    """A code from the app, or a recovery code (used up), for the person waiting.
    Refused, and counted, otherwise; refused without a check while they must wait (each
    device counts its own wrong codes; while either must wait, neither is checked)."""
    code = _digits(code)
    with transaction.atomic():
        app = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, name=APP_NAME, confirmed=True)
            .first()
        )
        recovery = (
            StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY_NAME).first()
        )
        wait = _wait_seconds(app, recovery)
        if wait:
            outcome, detail = SecurityEvent.Kind.THROTTLED, ""
        elif app is not None and code.isdigit() and len(code) == app.digits:
            passed = app.verify_token(code)
            outcome, detail = (
                (SecurityEvent.Kind.PASSED if passed else SecurityEvent.Kind.FAILED),
                "",
            )
        elif recovery is not None and code and recovery.verify_token(code.lower()):
            outcome = SecurityEvent.Kind.RECOVERY_USED
            detail = f"{recovery.token_set.count()} left"
        else:
            outcome, detail = SecurityEvent.Kind.FAILED, ""
    record(request, user, outcome, detail=detail)
    if outcome == SecurityEvent.Kind.THROTTLED:
        raise DomainError(_wait_message(wait))
    if outcome == SecurityEvent.Kind.FAILED:
        _tell_of_failures(user, app, recovery)
        raise DomainError(
            "The code is not right: enter the 6 digits the app shows now, or a recovery code"
        )


def _tell_of_failures(user: User, *devices) -> None:
    """After several wrong codes in a row, the person is told: whoever is trying has
    their password."""
    count = max((d.throttling_failure_count for d in devices if d is not None), default=0)
    if count == TELL_AFTER:
        outbox_enqueue(
            key=f"second_factor_failures:{user.pk}:{int(time.time())}",
            to=[user.email],
            template="second_factor_failures",
            context={"user": user, "count": count, "council": CouncilSettings.load()},
        )


@transaction.atomic
def recovery_codes_anew(request: HttpRequest, user: User) -> list[str]:
    """New recovery codes for someone signed in with their app (the old ones stop)."""
    if not has_app(user):
        raise DomainError("Set up an authenticator app first")
    codes = _codes_anew(user)
    record(request, user, SecurityEvent.Kind.RECOVERY_NEW)
    return codes


@transaction.atomic
def second_factor_reset(request: HttpRequest, *, user: User, actor: User) -> None:
    """Another administrator resets a lost device: the app and recovery codes go, and
    the person sets up an app at their next sign-in. Recorded in the security log and
    their history."""
    if not actor.has_role("administrator"):
        raise DomainError("Only an administrator resets a second factor")
    if actor.pk == user.pk:
        raise DomainError("Another administrator resets your second factor")
    had = (
        TOTPDevice.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )
    if not had:
        raise DomainError(f"{user.full_name} has no second factor to reset")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    # Whoever holds their sessions now is signed out too, and the person is told.
    _user_end_sessions(user)
    record(request, user, SecurityEvent.Kind.RESET, actor=actor)
    outbox_enqueue(
        key=f"second_factor_reset:{user.pk}:{int(time.time())}",
        to=[user.email],
        template="second_factor_reset",
        context={"user": user, "actor": actor, "council": CouncilSettings.load()},
    )
    field_changes_record(
        instance=user,
        before={"Second factor": "Set up"},
        after={"Second factor": "Reset: to set up at the next sign-in"},
        actor=actor,
    )
