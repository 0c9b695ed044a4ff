"""What every page about one referral shares: loading the referral through a loader that
may send the user elsewhere, and going back to the referral's page with a message."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect


def back_to_referral(request, referral, message="Saved.") -> object:
    messages.success(request, message)
    return redirect("referrals:detail", pk=referral.pk)


def loaded_with(loader):
    """Decorate a view that takes (request, referral, ...). `loader(request, pk)` gives the
    referral and, when the page cannot be used now, the response to send instead."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, pk, **kwargs):
            referral, stop = loader(request, pk)
            return stop or view(request, referral, **kwargs)

        return wrapped

    return decorator
