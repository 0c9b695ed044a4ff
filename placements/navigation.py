"""Service navigation by role: each item shows only to those who can use it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from . import selectors
from .permissions import Capability, user_can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability | None
    section: str
    # Home sends anyone who can use a primary item straight there.
    primary: bool = False
    # How many things wait behind the item, and what they are (for screen readers).
    count: Callable[[], int] | None = None
    count_label: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem("Home", "home", None, "home"),
    NavItem("Action list", "referrals:action-list", Capability.WORK_ACTION_LIST, "referrals", True),
    NavItem("Referrals", "referrals:list", Capability.VIEW_REFERRALS, "referrals"),
    NavItem("Approvals", "approvals:queue", Capability.APPROVE_COSTS, "approvals"),
    NavItem("Placements", "approvals:tracker", Capability.VIEW_PLACEMENTS, "approvals"),
    NavItem("Invoices", "approvals:invoices", Capability.WORK_ACTION_LIST, "approvals"),
    NavItem("Dashboard", "approvals:dashboard", Capability.VIEW_DASHBOARD, "approvals"),
    NavItem("Providers", "providers:list", Capability.VIEW_PROVIDERS, "providers"),
    NavItem("In-house rounds", "inhouse:rounds", Capability.MANAGE_CARERS, "inhouse", True),
    NavItem("Foster carers", "fostering:carers", Capability.MANAGE_CARERS, "fostering"),
    NavItem(
        "Users",
        "accounts:user-list",
        Capability.MANAGE_USERS,
        "users",
        count=lambda: selectors.role_grants_waiting().count(),
        count_label="role grants waiting for approval",
    ),
    NavItem("Council settings", "council-settings", Capability.MANAGE_COUNCIL_SETTINGS, "settings"),
    NavItem(
        "Placement types", "referrals:placement-types", Capability.MANAGE_PLACEMENT_TYPES, "types"
    ),
    NavItem("Cost bands", "approvals:bands", Capability.MANAGE_COST_BANDS, "approvals"),
    NavItem(
        "Return codes", "approvals:return-codes", Capability.MANAGE_COUNCIL_SETTINGS, "approvals"
    ),
]


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    section = current.split(":")[0] if ":" in current else current
    if "/referrals/" in request.path:  # a referral's pages, whichever app serves them
        section = "referrals"
    items = [
        item for item in NAV_ITEMS if item.capability is None or user_can(user, item.capability)
    ]
    # The page itself if it is in the menu, otherwise the first item of its section.
    active = next((item for item in items if item.url_name == current), None) or next(
        (item for item in items if item.url_name.split(":")[0] == section), None
    )
    return [
        {
            "label": item.label,
            "url": item.url,
            "active": item is active,
            "count": item.count() if item.count else 0,
            "count_label": item.count_label,
        }
        for item in items
    ]
