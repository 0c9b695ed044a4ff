"""What the fostering service's duty worker reads of the in-house rounds: only theirs to
see (404 otherwise)."""

from django.db.models import Case, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from placements.models import User
from placements.permissions import Capability, user_can
from providers.fostering.models import FosterCarer
from referrals.models import CarerEnquiry, SearchRound

from .rules import Fit, fits, need_of


def in_house_rounds(*, user: User) -> QuerySet[SearchRound]:
    """In-house rounds sent, newest first (open ones first)."""
    if not user_can(user, Capability.MANAGE_CARERS):
        raise Http404
    return (
        SearchRound.objects.filter(kind=SearchRound.Kind.IN_HOUSE, sent_at__isnull=False)
        .select_related("referral", "resource_request")
        .order_by(Case(When(status=SearchRound.Status.OPEN, then=0), default=1), "-sent_at")
    )


def get_in_house_round(*, user: User, pk: int) -> SearchRound:
    return get_object_or_404(in_house_rounds(user=user), pk=pk)


def round_fits(search_round: SearchRound) -> list[Fit]:
    """The council's carers against what the round asks, those that fit first."""
    referral = search_round.referral
    today = timezone.localdate()
    needed = max(referral.date_needed or today, today)
    ages = [child.age_on(needed)[0] for child in referral.children.all()]
    slug = referral.placement_type.slug if referral.placement_type else ""
    need = need_of(
        ages=ages,
        needed=needed,
        emergency=referral.kind == referral.Kind.EMERGENCY,
        parent_and_child=slug == "parent-and-child",
    )
    carers = list(FosterCarer.objects.filter(is_active=True).prefetch_related("vacancies"))
    return fits(carers, need)


def enquiries(search_round: SearchRound) -> dict[int, CarerEnquiry]:
    return {
        e.carer_id: e
        for e in CarerEnquiry.objects.filter(search_round=search_round).select_related("asked_by")
    }
