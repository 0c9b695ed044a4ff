import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control

SESSION_STARTED = "_session_started"
SESSION_LAST_SEEN = "_session_last_seen"


class SessionTimeoutMiddleware:
    """Sign people out after 30 idle minutes and after 12 hours in all.

    Background refreshes (htmx polling marked with HX-Request and a
    `X-Background-Refresh` header) do not count as activity.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            expired = now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
            if idle or expired:
                logout(request)
                reason = "idle" if idle else "expired"
                target = f"{reverse('signed-out')}?reason={reason}"
                if request.headers.get("HX-Request"):
                    # A background refresh must move the whole page, not swap the
                    # signed-out page into a table.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
            # Saving the session costs a write, so refresh the mark once a minute.
            background = bool(request.headers.get("X-Background-Refresh"))
            stale_mark = now - last_seen >= 60 or SESSION_LAST_SEEN not in session
            if stale_mark and not background:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


# Browser features the service never uses, turned off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Pages reached without a council sign-in that still show a child's anonymised details
# or a provider's own account.
_LINK_PAGES = ("/respond/", "/sign/", "/provider/")


class PrivateResponseMiddleware:
    """What a signed-in person (or a provider through a secret link) is shown is never
    kept by a browser or proxy cache: `Cache-Control: no-store, private` on every such
    response, downloads included. Every response gets a Permissions-Policy. A query
    string with a NUL character is refused with a 400 before any view sees it
    (Postgres cannot store or search for one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key + value for key, values in request.GET.lists() for value in values):
            response = render(request, "400.html", status=400)
        else:
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(_LINK_PAGES):
            patch_cache_control(response, no_store=True, private=True)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose body is bigger than anything the service takes (a 10 MB
    signed agreement, a 5 MB spreadsheet, with room for the form around them) from
    its Content-Length, before a byte of it is read or written to disk. (Up to the
    limit, each form says in its own words what is too big.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(
                "That is too big to send: the largest file the service takes is 10 MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A page that only takes a form's POST answers a GET (a bookmark, a typed address)
    with a page in the service's look that says so, not a blank 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method == "GET":
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
