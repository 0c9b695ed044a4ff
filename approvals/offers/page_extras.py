"""What the offers add to the referral's page and the search page (registered in
ApprovalsConfig.ready(), through `referrals.registry`)."""

from django.utils import timezone

from referrals.models import Referral
from referrals.workflow import is_social_worker_side

from .selectors import open_flexibility


def flexibility_waiting(user, referral: Referral) -> dict:
    """A question about flexibility waiting for this social worker's answer."""
    return {
        "flexibility_waiting": is_social_worker_side(user, referral)
        and open_flexibility(referral) is not None
    }


def flexibility_answered(user, referral: Referral) -> dict:
    """For the search page: the social worker's latest answer about flexibility, which
    the next, wider round rests on."""
    flexibility = (
        referral.flexibility_requests.filter(answered_at__isnull=False)
        .order_by("-answered_at")
        .first()
    )
    if flexibility is None:
        return {}
    answered = timezone.localtime(flexibility.answered_at)
    return {
        "flexibility": flexibility,
        "flexibility_answer": f"{flexibility.answered_by}, {answered:%-d %B %Y}: "
        f"{flexibility.answer}",
    }
