"""What the offers add to the referral's page (registered in ApprovalsConfig)."""

from referrals.models import Referral
from referrals.workflow import is_social_worker_side

from .selectors import open_flexibility


def flexibility_waiting(user, referral: Referral) -> dict:
    """A question about flexibility waiting for this social worker's answer."""
    return {
        "flexibility_waiting": is_social_worker_side(user, referral)
        and open_flexibility(referral) is not None
    }
