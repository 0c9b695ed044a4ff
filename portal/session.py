"""A provider's signed-in session: kept apart from a council user's (its own key in the
session), short-lived (`PROVIDER_SESSION_SECONDS` in all, `PROVIDER_SESSION_IDLE_SECONDS`
idle), and checked by `account_required` on every provider page."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from placements.links import private
from providers.models import Organisation

KEY = "provider_account"


@dataclass(frozen=True)
class Account:
    """Who is signed in: their organisation, and the address they signed in with."""

    organisation: Organisation
    email: str


def account_start(request: HttpRequest, *, organisation: Organisation, email: str) -> None:
    """Sign the provider in: a new session key (no fixation), their organisation and
    address, and when."""
    request.session.cycle_key()
    now = time.time()
    request.session[KEY] = {
        "organisation": organisation.pk,
        "email": email,
        "started": now,
        "seen": now,
    }


def account_end(request: HttpRequest) -> None:
    request.session.pop(KEY, None)
    request.session.cycle_key()


def account_of(request: HttpRequest) -> Account | None:
    """The provider signed in on this request, or None (never signed in, signed out,
    timed out, or their organisation's account closed)."""
    held = request.session.get(KEY)
    if not held:
        return None
    now = time.time()
    expired = now - held["started"] > settings.PROVIDER_SESSION_SECONDS
    idle = now - held["seen"] > settings.PROVIDER_SESSION_IDLE_SECONDS
    organisation = (
        None
        if expired or idle
        else Organisation.objects.filter(pk=held["organisation"], is_active=True).first()
    )
    if organisation is None or not organisation.emails.filter(email__iexact=held["email"]).exists():
        request.session.pop(KEY, None)
        return None
    if now - held["seen"] >= 60:  # a write a minute at most
        request.session[KEY] = {**held, "seen": now}
    return Account(organisation=organisation, email=held["email"])


def account_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A provider page: no council login, but a provider signed in; everything it shows
    is kept by no cache."""

    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = account_of(request)
        if account is None:
            return private(redirect("portal:sign-in"))
        return private(view(request, account, *args, **kwargs))

    return wrapped
