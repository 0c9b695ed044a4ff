"""What the apps above `referrals` (approvals) add to it, registered from their
`AppConfig.ready()`, so `referrals` never imports them nor reads their tables:

- page extras: `extra(user, referral) -> dict` merged into a page's context, per page
  (today: on the referral page, a flexibility question waiting for the social worker;
  on the search page, the social worker's answer about flexibility);
- visibility scopes: `scope(user) -> Q | None`, more referrals a user may see because of
  a later step (today: approvers see the referrals that came to cost approval);
- list panels: `panel(user) -> str`, HTML shown above a list page ("referral-list",
  "action-list"), rendered by the app that owns what it shows (today: placement
  reviews due or overdue).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Q

# Only for the types: approvals' AppConfig imports this module before the models load.
if TYPE_CHECKING:
    from placements.models import User
    from referrals.models import Referral

Extra = Callable[["User", "Referral"], dict[str, Any]]
Scope = Callable[["User"], Q | None]
_EXTRAS: dict[str, list[Extra]] = {}
_SCOPES: list[Scope] = []
Panel = Callable[["User"], str]
_PANELS: dict[str, list[Panel]] = {}


def register(extra: Extra, *, page: str = "referral") -> Extra:
    """Register a page extra for `page` ("referral", "search"), once."""
    extras = _EXTRAS.setdefault(page, [])
    if extra not in extras:
        extras.append(extra)
    return extra


def register_scope(scope: Scope) -> Scope:
    """Register a visibility scope, once."""
    if scope not in _SCOPES:
        _SCOPES.append(scope)
    return scope


def page_extras(page: str, user: "User", referral: "Referral") -> dict[str, Any]:
    context: dict[str, Any] = {}
    for extra in _EXTRAS.get(page, []):
        context.update(extra(user, referral))
    return context


def extra_scopes(user: "User") -> Q:
    """What the registered scopes add for `user` (nothing when none applies)."""
    scope = Q(pk__in=[])
    for registered in _SCOPES:
        found = registered(user)
        if found is not None:
            scope |= found
    return scope


def register_panel(panel: Panel, *, page: str) -> Panel:
    """Register a list panel for `page` ("referral-list", "action-list"), once."""
    found = _PANELS.setdefault(page, [])
    if panel not in found:
        found.append(panel)
    return panel


def list_panels(page: str, user: "User") -> list[str]:
    """The registered panels' HTML for `page`, leaving out the empty ones."""
    return [html for panel in _PANELS.get(page, []) if (html := panel(user))]
