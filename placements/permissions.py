"""What each role may do: the one place that says so.

Views declare the capability they need (`capability_required`); object access
goes through loaders in each app's selectors that 404 for what a user may not see.
"""

from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from .roles import Role

if TYPE_CHECKING:  # the model imports nothing from here; only its type is needed
    from .models import User


class Capability(StrEnum):
    VIEW_PROVIDERS = "view_providers"
    MANAGE_PROVIDERS = "manage_providers"
    MANAGE_USERS = "manage_users"
    MANAGE_COUNCIL_SETTINGS = "manage_council_settings"
    START_REFERRAL = "start_referral"
    VIEW_REFERRALS = "view_referrals"
    RECORD_SEARCH_EVIDENCE = "record_search_evidence"
    WORK_ACTION_LIST = "work_action_list"
    MANAGE_PLACEMENT_TYPES = "manage_placement_types"
    APPROVE_COSTS = "approve_costs"
    VIEW_PLACEMENTS = "view_placements"
    MANAGE_COST_BANDS = "manage_cost_bands"
    # Words the council allows in what providers read (added by officers; removed by the
    # duty lead or an administrator).
    ALLOW_WORDS = "allow_words"
    REMOVE_ALLOWED_WORDS = "remove_allowed_words"
    # The council's own foster carers: who they are, their approval, children and room.
    MANAGE_CARERS = "manage_carers"
    # The team's figures: managers and the duty lead.
    VIEW_DASHBOARD = "view_dashboard"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    # Social workers do not record the evidence and funding that gate their own referral.
    Role.SOCIAL_WORKER: frozenset({Capability.START_REFERRAL, Capability.VIEW_REFERRALS}),
    Role.TEAM_MANAGER: frozenset(
        {
            Capability.VIEW_REFERRALS,
            Capability.RECORD_SEARCH_EVIDENCE,
            Capability.APPROVE_COSTS,
            Capability.VIEW_DASHBOARD,
        }
    ),
    Role.SERVICE_LEAD: frozenset(
        {Capability.VIEW_REFERRALS, Capability.RECORD_SEARCH_EVIDENCE, Capability.VIEW_DASHBOARD}
    ),
    Role.BROKERAGE_OFFICER: frozenset(
        {
            Capability.VIEW_PROVIDERS,
            Capability.VIEW_REFERRALS,
            Capability.RECORD_SEARCH_EVIDENCE,
            Capability.WORK_ACTION_LIST,
            Capability.VIEW_PLACEMENTS,
            Capability.ALLOW_WORDS,
        }
    ),
    Role.DUTY_LEAD: frozenset(
        {
            Capability.VIEW_PROVIDERS,
            Capability.VIEW_REFERRALS,
            Capability.RECORD_SEARCH_EVIDENCE,
            Capability.WORK_ACTION_LIST,
            Capability.VIEW_PLACEMENTS,
            Capability.ALLOW_WORDS,
            Capability.REMOVE_ALLOWED_WORDS,
            Capability.VIEW_DASHBOARD,
        }
    ),
    # Approvers see the referrals that have come to cost approval, and the tracker.
    Role.SENIOR_MANAGER: frozenset(
        {
            Capability.VIEW_REFERRALS,
            Capability.APPROVE_COSTS,
            Capability.VIEW_PLACEMENTS,
            Capability.VIEW_DASHBOARD,
        }
    ),
    Role.HEAD_OF_SERVICE: frozenset(
        {
            Capability.VIEW_REFERRALS,
            Capability.APPROVE_COSTS,
            Capability.VIEW_PLACEMENTS,
            Capability.VIEW_DASHBOARD,
        }
    ),
    Role.DIRECTOR: frozenset(
        {
            Capability.VIEW_REFERRALS,
            Capability.APPROVE_COSTS,
            Capability.VIEW_PLACEMENTS,
            Capability.VIEW_DASHBOARD,
        }
    ),
    Role.FOSTERING_DUTY: frozenset({Capability.MANAGE_CARERS}),
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.VIEW_PROVIDERS,
            Capability.MANAGE_PROVIDERS,
            Capability.MANAGE_USERS,
            Capability.MANAGE_COUNCIL_SETTINGS,
            Capability.MANAGE_PLACEMENT_TYPES,
            Capability.MANAGE_COST_BANDS,
            Capability.ALLOW_WORDS,
            Capability.REMOVE_ALLOWED_WORDS,
        }
    ),
}


# --- The role vocabulary ----------------------------------------------------------------
# Who someone is, asked one way everywhere (services, selectors, views): `is_brokerage(user)`
# rather than a list of roles spelled out at each check. What someone may do is a
# Capability (below); these say which part of the service a person works in.

BROKERAGE_ROLES = (Role.BROKERAGE_OFFICER, Role.DUTY_LEAD)
COST_APPROVER_ROLES = (Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR)


def is_brokerage(user: "User") -> bool:
    """A brokerage officer or the duty lead: the team that runs the search."""
    return user.has_role(*BROKERAGE_ROLES)


def is_brokerage_officer(user: "User") -> bool:
    return user.has_role(Role.BROKERAGE_OFFICER)


def is_duty_lead(user: "User") -> bool:
    """The duty lead: runs the emergency path, overrides flags, assigns work."""
    return user.has_role(Role.DUTY_LEAD)


def is_social_worker(user: "User") -> bool:
    return user.has_role(Role.SOCIAL_WORKER)


def is_team_manager(user: "User") -> bool:
    return user.has_role(Role.TEAM_MANAGER)


def is_service_lead(user: "User") -> bool:
    return user.has_role(Role.SERVICE_LEAD)


def is_cost_approver(user: "User") -> bool:
    """A senior manager, head of service or director: approves costs by band."""
    return user.has_role(*COST_APPROVER_ROLES)


def is_administrator(user: "User") -> bool:
    return user.has_role(Role.ADMINISTRATOR)


def capabilities_of(user) -> frozenset[Capability]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    caps: set[Capability] = set()
    for role in user.role_set:
        caps |= ROLE_CAPABILITIES.get(role, frozenset())
    return frozenset(caps)


def user_can(user, capability: Capability) -> bool:
    return capability in capabilities_of(user)


def capability_required(capability: Capability):
    """Decorate a view: the signed-in user must hold a role with `capability`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # A mark on the view saying what it needs (functions take attributes; mypy's
        # view of functools.wraps does not know that).
        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator


def role_grant_refusal(user, grant) -> str | None:
    """Why `user` may not decide this waiting role grant, or None if they may: another
    active administrator, neither the one who asked nor the person receiving the role."""
    if not grant.is_waiting:
        return f"This request was already {grant.get_decision_display().lower()}"
    if not (user.is_active and is_administrator(user)):
        return "Only an administrator can decide a role grant"
    if grant.requested_by_id == user.pk:
        return "You asked for this role, so another administrator must decide"
    if grant.user_id == user.pk:
        return "This role is for you, so another administrator must decide"
    return None
