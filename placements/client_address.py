"""Who is signing in, and how fast they may guess.

Behind the TLS proxy the service must run behind, REMOTE_ADDR is the proxy's own
address: every sign-in would look as if it came from one place, and five wrong
passwords from anywhere would lock the victim out. `client_ip` reads the address the
trusted proxies appended to X-Forwarded-For (`AXES_PROXY_COUNT` of them), never one
a client could forge further left; django-axes uses it (AXES_CLIENT_IP_CALLABLE).
"""

from django.conf import settings


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
