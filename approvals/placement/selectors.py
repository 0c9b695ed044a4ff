"""Reads about the placement and its agreement, loaded through the referral (404 for
what a user may not see)."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from placements.models import User
from referrals.models import Referral
from referrals.selectors import get_referral_for_user

from ..costs.rules import APPROVER_RANKS, rank_of
from .models import Placement, PlacementAgreement, PlacementChange
from .services.changes import change_refusal


def placement_for(referral: Referral) -> Placement | None:
    return placements_of(referral).first()


def placements_of(referral: Referral) -> QuerySet[Placement]:
    """The referral's placement, or a package's placements, one per part awarded."""
    return (
        Placement.objects.filter(referral=referral)
        .select_related("provider", "approval", "confirmed_by")
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=PlacementAgreement.objects.select_related(
                    "issued_by", "countersigned_by"
                ).order_by("-version"),
            )
        )
        .order_by("service", "period", "pk")
    )


def get_agreement_for_user(*, user: User, pk: int, agreement_pk: int) -> PlacementAgreement:
    referral = get_referral_for_user(user=user, pk=pk)
    return get_object_or_404(
        PlacementAgreement.objects.select_related("placement"),
        placement__referral=referral,
        pk=agreement_pk,
    )


def get_placement_for_user(
    *, user: User, pk: int, placement_pk: int, packages: bool = False
) -> Placement:
    """A placement of a referral the user sees (or, with `packages`, a package's part
    too), or 404."""
    referral = get_referral_for_user(user=user, pk=pk)
    found = Placement.objects.select_related("provider", "referral").filter(referral=referral)
    return get_object_or_404(found if packages else found.filter(service=""), pk=placement_pk)


def changes_waiting_for(user: User) -> list[PlacementChange]:
    """Changes to placements whose new cost this person may approve (their band and
    every band below; a team manager, their own team's)."""
    rank = rank_of(user)
    if rank < 0:
        return []
    roles = [role for role, r in APPROVER_RANKS.items() if r <= rank]
    waiting = PlacementChange.objects.filter(
        status=PlacementChange.Status.WAITING, required_role__in=roles
    ).select_related("placement__referral", "placement__provider")
    return [change for change in waiting if change_refusal(user, change) is None]
