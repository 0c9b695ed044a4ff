"""Who may see a referral because of cost approval (registered in ApprovalsConfig.ready(),
through `referrals.registry`)."""

from django.db.models import Q

from placements.permissions import is_cost_approver

from .models import CostApproval


def approvers_scope(user) -> Q | None:
    """Approvers (senior manager and above) see the referrals that came to cost approval."""
    if not is_cost_approver(user):
        return None
    return Q(pk__in=CostApproval.objects.values("referral_id"))
