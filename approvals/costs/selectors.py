"""Reads about cost approvals, scoped to the user: the approver's queue, and an
approval loaded through its referral (404 for what a user may not see)."""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from placements.models import User
from placements.permissions import is_team_manager
from placements.roles import Role
from referrals.models import Referral
from referrals.selectors import get_referral_for_user

from .models import CostApproval
from .rules import APPROVER_RANKS, rank_of


def _urgency_order() -> Case:
    return Case(
        When(referral__kind=Referral.Kind.EMERGENCY, then=Value(0)),
        When(referral__is_urgent=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def approvals_waiting_for(user: User) -> QuerySet[CostApproval]:
    """Pending costs this person may decide, most urgent first: their band and every
    band below (a team manager: in-house sign-offs for their own team)."""
    rank = rank_of(user)
    if rank < 0:
        return CostApproval.objects.none()
    roles = [role for role, r in APPROVER_RANKS.items() if r <= rank]
    scope = Q(required_role__in=[r for r in roles if r != Role.TEAM_MANAGER])
    if Role.TEAM_MANAGER in roles:
        if is_team_manager(user):
            scope |= Q(required_role=Role.TEAM_MANAGER, referral__team_id=user.team_id)
        else:
            scope |= Q(required_role=Role.TEAM_MANAGER)
    return (
        CostApproval.objects.filter(
            scope, status=CostApproval.Status.PENDING, referral__status=Referral.Status.ACCEPTED
        )
        .exclude(option__shortlist__decided_by=user)
        .exclude(option__response__revisions__recorded_by=user)
        .select_related(
            "referral__placement_type",
            "option__response__request__provider",
            "option__shortlist__decided_by",
        )
        .prefetch_related("referral__children")
        .annotate(urgency=_urgency_order())
        .order_by("urgency", "referral__date_needed", "requested_at")
        .distinct()
    )


def get_approval_for_user(*, user: User, pk: int, approval_pk: int) -> CostApproval:
    referral = get_referral_for_user(user=user, pk=pk)
    return get_object_or_404(
        CostApproval.objects.select_related(
            "referral",
            "requested_by",
            "decided_by",
            "band_version",
            "option__shortlist__decided_by",
            "option__response__request__provider",
        ).prefetch_related(
            "option__response__revisions__recorded_by",
            "option__response__flag_overrides__overridden_by",
            "band_version__bands",
            "referral__funding_approvals",
        ),
        referral=referral,
        pk=approval_pk,
    )
