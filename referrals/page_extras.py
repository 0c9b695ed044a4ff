"""What later steps add to the referral's own page. The apps above `referrals`
(approvals) register a function here in their `AppConfig.ready()`; the referral page
merges what each returns into its context. So the referral page shows the later steps
without importing them, and without reading their tables itself."""

from collections.abc import Callable

Extra = Callable[..., dict]
_EXTRAS: list[Extra] = []


def register(extra: Extra) -> Extra:
    """`extra(user, referral) -> dict` of template context; registered once."""
    if extra not in _EXTRAS:
        _EXTRAS.append(extra)
    return extra


def referral_page_extras(user, referral) -> dict:
    context: dict = {}
    for extra in _EXTRAS:
        context.update(extra(user, referral))
    return context
