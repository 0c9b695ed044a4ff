import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

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
