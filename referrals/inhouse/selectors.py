"""What the fostering service's duty worker reads of the in-house rounds: only theirs to
see (404 otherwise)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Q, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from placements.models import User
from placements.permissions import Capability, user_can
from providers.fostering.models import FosterCarer
from referrals.models import CarerEnquiry, CarerMatch, Referral, SearchRound
from referrals.selectors import referrals_visible_to

from .rules import Fit, fits, need_of
from .siblings import Group, agreed_split, groups_of


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


@dataclass(frozen=True)
class GroupFits:
    group: Group | None  # None: all the children together
    fits: list[Fit]


def round_fits(search_round: SearchRound) -> list[GroupFits]:
    """The council's carers against what the round asks, those that fit first: for all
    the children together, or, where siblings are to be placed apart (agreed), for each
    group in turn."""
    referral = search_round.referral
    today = timezone.localdate()
    needed = max(referral.date_needed or today, today)
    children = list(referral.children.all())
    split = agreed_split(referral)
    groups: list[Group | None] = list(groups_of(split, children)) if split else [None]
    slug = referral.placement_type.slug if referral.placement_type else ""
    carers = list(FosterCarer.objects.filter(is_active=True).prefetch_related("vacancies"))
    found = []
    for group in groups:
        need = need_of(
            ages=[child.age_on(needed)[0] for child in (group.children if group else children)],
            needed=needed,
            emergency=referral.kind == referral.Kind.EMERGENCY,
            parent_and_child=slug == "parent-and-child",
        )
        found.append(GroupFits(group, fits(carers, need)))
    return found


def enquiries(search_round: SearchRound) -> dict[int, CarerEnquiry]:
    return {
        e.carer_id: e
        for e in CarerEnquiry.objects.filter(search_round=search_round).select_related("asked_by")
    }


def referrals_for_in_house(user: User) -> QuerySet[Referral]:
    """Referrals the user sees, and, for the fostering service, those that came to it in
    an in-house round: where matching and siblings' homes are worked."""
    if not (user_can(user, Capability.VIEW_REFERRALS) or user_can(user, Capability.MANAGE_CARERS)):
        raise PermissionDenied
    scope = Q(pk__in=referrals_visible_to(user).values("pk"))
    if user_can(user, Capability.MANAGE_CARERS):
        sent = SearchRound.objects.filter(kind=SearchRound.Kind.IN_HOUSE, sent_at__isnull=False)
        scope |= Q(pk__in=sent.values("referral_id"))
    return Referral.objects.filter(scope)


def get_referral_for_in_house(*, user: User, pk: int) -> Referral:
    return get_object_or_404(
        referrals_for_in_house(user).select_related("social_worker", "team"), pk=pk
    )


def get_match(*, referral: Referral, pk: int) -> CarerMatch:
    """The referral's match, or 404: a match is loaded through its referral."""
    return get_object_or_404(
        CarerMatch.objects.select_related(
            "enquiry__carer",
            "enquiry__search_round",
            "started_by",
            "social_worker_by",
            "form_by",
            "signed_off_by",
            "ended_by",
        ),
        pk=pk,
        enquiry__search_round__referral=referral,
    )


def matches_of(search_round: SearchRound) -> dict[int, CarerMatch]:
    """The round's latest match with each carers asked, by enquiry."""
    return {
        m.enquiry_id: m
        for m in CarerMatch.objects.filter(enquiry__search_round=search_round).order_by(
            "started_at", "pk"
        )
    }


def group_children(search_round: SearchRound, number: str) -> list[int] | None:
    """The children of the agreed plan's group `number` (1 on), or None for them all."""
    split = agreed_split(search_round.referral)
    if split is None or not number.isascii() or not number.isdigit():
        return None
    groups = split.groups
    return list(groups[int(number) - 1]) if 1 <= int(number) <= len(groups) else None
