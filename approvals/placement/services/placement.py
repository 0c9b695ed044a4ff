"""The placement confirmed: the officer sets the move date of an approved option and
the placement is recorded at the agreed costs. Its guards serve the agreement and the
feedback too."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings, User
from placements.permissions import is_brokerage
from placements.services import DomainError
from referrals.common import referral_email
from referrals.models import ProviderAnswer, Referral
from referrals.pack.content import referral_redactor
from referrals.workflow import Stage, Status, lock_referral, stage_move

from ...costs.models import CostApproval
from ...offers.rules import offer_is_current
from ..models import Placement


def require_brokerage(actor: User) -> None:
    """Every step after approval is brokerage's (the provider signs through its link)."""
    if not is_brokerage(actor):
        raise DomainError("Only brokerage can do this")


def locked_placement(placement: Placement) -> Placement:
    """The placement, locked after its referral (referral, placement, agreement: the one
    order every step takes its locks in)."""
    lock_referral(placement.referral_id)
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("referral__social_worker", "referral__placement_type", "provider")
        .get(pk=placement.pk)
    )


def approved_to_confirm(
    approval: CostApproval, actor: User, *, not_yet: str
) -> tuple[CostApproval, Referral]:
    """An approved cost and its referral, locked in the one order, for brokerage to
    confirm what it approved (a placement's move, a package's start); `not_yet` is the
    refusal while it is not approved."""
    require_brokerage(actor)
    lock_referral(approval.referral_id)
    locked = (
        CostApproval.objects.select_for_update(of=("self",))
        .select_related("referral", "option__shortlist", "option__response__request__provider")
        .get(pk=approval.pk)
    )
    referral = Referral.objects.select_for_update().get(pk=locked.referral_id)
    if locked.status != CostApproval.Status.APPROVED:
        raise DomainError(not_yet)
    return locked, referral


@transaction.atomic
def placement_confirm(*, approval: CostApproval, start_date: dt.date, actor: User) -> Placement:
    """The officer confirms the move date of an approved option: the placement is
    recorded at the agreed costs, with the referral's outcomes."""
    locked, referral = approved_to_confirm(
        approval, actor, not_yet="Confirm a placement once its cost is approved"
    )
    if referral.is_package:
        raise DomainError("A package's start date is confirmed for each provider awarded a part")
    if Placement.objects.filter(referral=referral).exists():
        raise DomainError("The placement is already confirmed")
    if referral.status != Status.ACCEPTED:
        raise DomainError("This referral is no longer being searched for")
    if start_date < timezone.localdate() - dt.timedelta(days=31):
        raise DomainError("The move date cannot be more than a month ago")
    response = ProviderAnswer.objects.prefetch_related("revisions").get(
        pk=locked.option.response_id
    )
    if not offer_is_current(response):
        raise DomainError(
            "The provider has withdrawn this offer since its cost was approved: it cannot be "
            "confirmed"
        )
    if response.available_from and start_date < response.available_from:
        raise DomainError(
            f"The move date must be on or after {response.available_from:%-d %B %Y}, when "
            "the provider said the placement is available"
        )
    council = CouncilSettings.load()
    redactor = referral_redactor(referral, people_style=council.people_in_pack)
    placement = Placement.objects.create(
        referral=referral,
        approval=locked,
        response=response,
        provider=response.request.provider,
        is_in_house=response.request.provider.is_in_house,
        placement_type=response.request.provider.get_provider_type_display(),
        setting=response.carer_reference,
        start_date=start_date,
        weekly_fee=response.agreed_fee,
        education_weekly=response.education_weekly,
        therapy_weekly=response.therapy_weekly,
        wraparound_weekly=response.wraparound_weekly,
        transport_weekly=response.transport_weekly,
        total_weekly=response.agreed_total_weekly,
        one_off_costs=response.one_off_costs,
        one_off_details=response.one_off_details,
        # The agreement goes to the provider: the outcomes as the pack words them.
        outcomes=[redactor.redact(o.text).text for o in referral.outcomes.order_by("position")],
        review_arrangements=council.agreement_review_arrangements,
        confirmed_by=actor,
    )
    # reviews.py builds on this module's locks, so it is read here, not at the top.
    from .reviews import review_first_schedule

    review_first_schedule(placement)
    referral_email(
        referral,
        to=[referral.social_worker.email],
        template="placement_confirmed",
        key=f"placement-{placement.pk}",
        placement=placement,
    )
    stage_move(
        referral=referral,
        to=Stage.CONFIRMING,
        actor=actor,
        text=(
            f"Placement with {placement.provider} confirmed: moving on "
            f"{start_date:%-d %B %Y}, {money(placement.total_weekly)} a week"
        ),
        next_action="Send the agreement to the provider to sign",
        due=timezone.localdate(),
    )
    return placement
