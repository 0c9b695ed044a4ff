"""What the pages about one referral share: loading the referral through a loader that
may send the user elsewhere instead."""

from functools import wraps


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
