"""The rules of cost approval, as pure reads: which band a weekly cost falls in, which
role approves it, who may decide it, and how an approval moves."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from placements.models import CouncilSettings, User
from placements.roles import Role

from .models import CostApproval, CostBand, CostBandVersion

# Lowest to highest: a higher role may approve what a lower one may.
APPROVER_RANKS: dict[str, int] = {
    Role.TEAM_MANAGER: 0,
    Role.SENIOR_MANAGER: 1,
    Role.HEAD_OF_SERVICE: 2,
    Role.DIRECTOR: 3,
}

# How a cost approval moves (referrals.workflow.step): decided once.
Decision = CostApproval.Status
APPROVAL_STEPS: dict[str, set[str]] = {
    Decision.PENDING: {
        Decision.APPROVED,
        Decision.REJECTED,
        Decision.RETURNED,
        Decision.CANCELLED,
    },
    Decision.APPROVED: set(),
    Decision.REJECTED: set(),
    Decision.RETURNED: set(),
    Decision.CANCELLED: set(),
}


def bands_in_force(at: dt.datetime | None = None) -> CostBandVersion:
    """The version of the bands in force at `at` (now by default)."""
    at = at or timezone.now()
    version = (
        CostBandVersion.objects.filter(in_force_from__lte=at)
        .prefetch_related("bands")
        .order_by("-in_force_from", "-pk")
        .first()
    )
    if version is None:
        raise LookupError("No cost bands are in force: an administrator must set them")
    return version


def band_for(total_weekly: Decimal, version: CostBandVersion) -> CostBand:
    """The band a total weekly cost falls in: the highest band starting at or below it."""
    bands = sorted(version.bands.all(), key=lambda band: band.from_weekly)
    fitting = [band for band in bands if band.from_weekly <= total_weekly]
    return fitting[-1] if fitting else bands[0]


def band_ranges(version: CostBandVersion) -> list[tuple[Decimal, Decimal | None, str]]:
    """(from, up to and including, who approves) for each band, for people to read."""
    bands = sorted(version.bands.all(), key=lambda band: band.from_weekly)
    ranges = []
    for n, band in enumerate(bands):
        upper = bands[n + 1].from_weekly - Decimal("0.01") if n + 1 < len(bands) else None
        ranges.append((band.from_weekly, upper, Role(band.role).label))
    return ranges


def approver_for(
    total_weekly: Decimal,
    *,
    in_house: bool,
    council: CouncilSettings,
    at: dt.datetime | None = None,
) -> tuple[str, CostBandVersion | None]:
    """The role that approves this cost, and the bands used (None for in-house, which
    follows the council's setting)."""
    if in_house:
        return council.in_house_approval_role, None
    version = bands_in_force(at)
    return band_for(total_weekly, version).role, version


def rank_of(user: User) -> int:
    """The user's highest approving rank, or -1."""
    return max((APPROVER_RANKS.get(role, -1) for role in user.role_set), default=-1)


def band_refusal(user: User, required_role: str, *, team_id: int | None) -> str | None:
    """Why this user's rank may not approve a cost `required_role` approves, for a
    referral of team `team_id` (a team manager approves only their own team's)."""
    if rank_of(user) < APPROVER_RANKS[required_role]:
        return f"This cost needs a {Role(required_role).label.lower()} or above"
    if rank_of(user) == APPROVER_RANKS[Role.TEAM_MANAGER] and user.team_id != team_id:
        return "Only the team manager of the referral's team signs this off"
    return None


def approval_refusal(user: User, approval: CostApproval) -> str | None:
    """Why this user may not decide this cost approval, or None if they may."""
    if refusal := band_refusal(user, approval.required_role, team_id=approval.referral.team_id):
        return refusal
    option = approval.option
    if option.shortlist.decided_by_id == user.pk:
        return "You chose this option, so someone else must approve it"
    if option.response.revisions.filter(recorded_by=user).exists():
        return "You negotiated this offer, so someone else must approve it"
    return None


def may_approve(user: User, approval: CostApproval) -> bool:
    return approval_refusal(user, approval) is None
