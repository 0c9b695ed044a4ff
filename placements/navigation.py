"""Service navigation by role: each item shows only to those who can use it."""

from dataclasses import dataclass

from django.urls import reverse

from .permissions import Capability, user_can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability | None
    section: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_ITEMS = [
    NavItem("Home", "home", None, "home"),
    NavItem("Referrals", "referrals:list", Capability.VIEW_REFERRALS, "referrals"),
    NavItem("Providers", "providers:list", Capability.VIEW_PROVIDERS, "providers"),
    NavItem("Users", "accounts:user-list", Capability.MANAGE_USERS, "users"),
    NavItem("Council settings", "council-settings", Capability.MANAGE_COUNCIL_SETTINGS, "settings"),
]


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match and match.namespace else (match.url_name if match else "")
    items = []
    for item in NAV_ITEMS:
        if item.capability is not None and not user_can(user, item.capability):
            continue
        active = item.url_name.split(":")[0] == current or item.url_name == current
        items.append({"label": item.label, "url": item.url, "active": active})
    return items
