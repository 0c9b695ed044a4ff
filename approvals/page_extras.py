"""What the approvals app adds to the referral's page (registered in ApprovalsConfig)."""

from placements.roles import Role
from referrals.models import Referral

from .selectors import open_flexibility


def flexibility_waiting(user, referral: Referral) -> dict:
    """A question about flexibility waiting for this social worker's answer."""
    mine = user.has_role(Role.SOCIAL_WORKER) and (
        referral.social_worker_id == user.pk or referral.team_id == user.team_id
    )
    return {"flexibility_waiting": mine and open_flexibility(referral) is not None}
