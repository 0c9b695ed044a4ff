"""Awarding a package of support at home: brokerage awards it to one provider with the
reason; the social worker is told who, to tell the family; the provider is told to
expect the agreement and contact the family; the others are told. The cost then goes to
its band's approver, or stands on the panel's approval, as the council has set."""

from django.db import transaction
from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings, OutboxMessage, PackageCostApproval, User
from placements.roles import Role
from placements.services import DomainError, outbox_enqueue_many
from referrals.common import chronology_add, referral_email
from referrals.models import (
    ChronologyEntry,
    ProviderAnswer,
    ProviderRequest,
    Referral,
    SearchRound,
    SupportPackage,
)
from referrals.pack.content import provider_email_check
from referrals.search.notices import provider_context
from referrals.search.scan import rounds_close_early
from referrals.workflow import Stage, stage_move

from ..costs.models import CostApproval
from ..costs.services import approval_request
from ..offers.models import Shortlist, ShortlistOption
from ..offers.services.common import brokerage_referral, fresh_offer

# Where a package may be awarded from: searching (again, after a cost was rejected).
AWARDABLE_STAGES = (Stage.SEARCHING,)


def _answers_are_in(search_round: SearchRound) -> bool:
    """The deadline has come (the round closed), or every provider asked has answered."""
    if search_round.status == SearchRound.Status.CLOSED:
        return True
    return not search_round.requests.filter(
        answer=ProviderRequest.Answer.AWAITING, revoked_at__isnull=True
    ).exists()


@transaction.atomic
def package_award(
    *, referral: Referral, answer: ProviderAnswer, reason: str, actor: User
) -> Shortlist:
    """Award the package to the provider whose current answer this is. Every service the
    referral asks for is awarded in one award, to one provider."""
    locked = brokerage_referral(referral, actor)
    if not locked.is_package:
        raise DomainError("Only a package of support is awarded: a placement is chosen")
    if locked.stage not in AWARDABLE_STAGES:
        raise DomainError(
            f"This package is {locked.get_stage_display().lower()}: it cannot be awarded now"
        )
    if (
        locked.shortlists.filter(status=Shortlist.Status.AWARDED)
        .exclude(
            options__approvals__status__in=[
                CostApproval.Status.REJECTED,
                CostApproval.Status.CANCELLED,
            ]
        )
        .exists()
    ):
        raise DomainError("This package has already been awarded")
    if not reason.strip():
        raise DomainError("Say why this provider is awarded the package")
    offer = fresh_offer(answer, locked)
    search_round = offer.request.round
    if not search_round.service:
        raise DomainError("This answer is not for the package")
    if len(locked.services_asked) > 1:
        raise DomainError(
            "Awarding short breaks and home care to different providers is not possible "
            "yet: award each service separately when it is, or ask the social worker to make "
            "a referral for each service"
        )
    if not _answers_are_in(search_round):
        raise DomainError(
            "Award once the answers are in: at the round's deadline, or when every provider "
            "asked has answered"
        )
    provider = offer.request.provider
    shortlist = Shortlist.objects.create(
        referral=locked,
        status=Shortlist.Status.AWARDED,
        sent_by=actor,
        decided_by=actor,
        decided_at=timezone.now(),
        rationale=reason.strip(),
    )
    option = ShortlistOption.objects.create(
        shortlist=shortlist,
        response=offer,
        position=1,
        is_in_house=provider.is_in_house,
        weekly_fee=offer.agreed_fee,
        additional_weekly=offer.additional_weekly,
        total_weekly=offer.agreed_total_weekly,
    )
    shortlist.chosen = option
    shortlist.save(update_fields=["chosen"])
    # What is awarded is what gets approved and contracted: the answer is fixed now.
    ProviderRequest.objects.filter(pk=offer.request_id).update(offer_locked_at=timezone.now())
    council = CouncilSettings.load()
    _tell_providers(locked, offer, council)
    referral_email(
        locked,
        to=[locked.social_worker.email],
        template="package_awarded",
        key=f"award-{shortlist.pk}",
        provider=provider,
        service=search_round.get_service_display().lower(),
    )
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"{search_round.get_service_display()} awarded to {provider}: "
            f"{money(offer.agreed_total_weekly)} in the dearest week. {reason.strip()}"
        ),
    )
    rounds_close_early(referral=locked, why="the package has been awarded", actor=actor)
    if council.package_cost_approval == PackageCostApproval.PANEL:
        _approved_by_panel(locked, option, actor)
    else:
        approval_request(option=option, actor=actor)
    return shortlist


def _approved_by_panel(referral: Referral, option: ShortlistOption, actor: User) -> CostApproval:
    """The council approves packages by the panel alone: the cost stands approved on the
    Resource Allocation Panel's date (an emergency's plan date) given in Part A."""
    package = SupportPackage.objects.get(referral=referral)
    by = (
        "the child protection or child in need plan"
        if package.approval_basis == SupportPackage.ApprovalBasis.PLAN
        else "the Resource Allocation Panel"
    )
    approved_on = f"{package.approval_date:%-d %B %Y}" if package.approval_date else "(no date)"
    approval = CostApproval.objects.create(
        referral=referral,
        option=option,
        total_weekly=option.total_weekly,
        required_role=Role.TEAM_MANAGER,
        status=CostApproval.Status.APPROVED,
        requested_by=actor,
        decided_at=timezone.now(),
        panel_approved_on=package.approval_date,
        comments=f"Approved by {by} on {approved_on}",
    )
    stage_move(
        referral=referral,
        to=Stage.CONFIRMING,
        actor=actor,
        text=(
            f"Cost of {money(option.total_weekly)} a week approved by {by} on {approved_on}, "
            "as the council approves packages"
        ),
        next_action="Confirm the start date and send the agreement",
        due=timezone.localdate(),
    )
    return approval


def _tell_providers(referral: Referral, offer: ProviderAnswer, council: CouncilSettings) -> None:
    """The awarded provider is told to expect the agreement and contact the family; the
    others who offered for the service are told they were not awarded. Once each."""
    search_round = offer.request.round
    others = (
        ProviderRequest.objects.filter(
            round__referral=referral,
            round__service=search_round.service,
            answer=ProviderRequest.Answer.OFFER,
            revoked_at__isnull=True,
        )
        .exclude(pk=offer.request_id)
        .select_related("provider", "round__referral", "round__category")
    )
    messages = [
        (
            f"provider_awarded:{offer.request_id}",
            offer.request.provider.referral_emails,
            "provider_awarded",
            {**provider_context(search_round, council), "provider": offer.request.provider},
        )
    ]
    messages += [
        (
            f"provider_not_awarded:{request.pk}",
            request.provider.referral_emails,
            "provider_not_awarded",
            {**provider_context(request.round, council), "provider": request.provider},
        )
        for request in others
    ]
    sent = set(
        OutboxMessage.objects.filter(key__in=[key for key, *_ in messages]).values_list(
            "key", flat=True
        )
    )
    outbox_enqueue_many(
        [message for message in messages if message[0] not in sent],
        check=provider_email_check(referral, council),
    )
