"""Who is signing in, and how fast they may guess.

Behind the TLS proxy the service must run behind, REMOTE_ADDR is the proxy's own
address: every sign-in would look as if it came from one place, and five wrong
passwords from anywhere would lock the victim out. `client_ip` reads the address the
trusted proxies appended to X-Forwarded-For (`AXES_PROXY_COUNT` of them), never one
a client could forge further left; django-axes uses it (AXES_CLIENT_IP_CALLABLE).
"""

import datetime as dt

from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone


def client_ip(request) -> str:
    """The client's address as the nearest trusted proxy saw it."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    # Each trusted proxy appends the address it received from; the right-most
    # `proxies` entries are theirs, so the client is the one they were sent by.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


def sign_in_wait_seconds(username: str, *, now=None) -> int:
    """How long this account must wait before its next sign-in attempt, from any
    address: nothing for the first ACCOUNT_BACKOFF_FREE failures in 15 minutes, then a
    wait that doubles with each failure, up to a minute. It slows a guesser spread over
    many addresses to about 60 guesses an hour, and never locks the owner out for
    longer than a minute."""
    now = now or timezone.now()
    recent = AccessFailureLog.objects.filter(
        username__iexact=username.strip(), attempt_time__gte=now - dt.timedelta(minutes=15)
    )
    failures = recent.count()
    excess = failures - settings.ACCOUNT_BACKOFF_FREE
    if excess < 0:
        return 0
    wait = min(2**excess, 60)
    last = recent.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    left = wait - (now - last).total_seconds()
    return max(0, int(left + 0.999))
