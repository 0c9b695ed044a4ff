"""Awarding a package of support at home: brokerage awards it to one provider with the
reason; the social worker is told who, to tell the family; the provider is told to
expect the agreement and contact the family; the others are told. The cost then goes to
its band's approver, or stands on the panel's approval, as the council has set."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings, PackageCostApproval, User
from placements.roles import Role
from placements.services import DomainError
from referrals.common import chronology_add
from referrals.models import (
    ChronologyEntry,
    ProviderRequest,
    Referral,
    SearchRound,
    SupportPackage,
)
from referrals.pack.content import referral_redactor
from referrals.search.package_rounds import rows_to_rebroker
from referrals.search.scan import rounds_close_early
from referrals.workflow import Stage, stage_move
from referrals.workflow import Status as ReferralStatus

from ..costs.models import CostApproval
from ..costs.services import approval_request
from ..offers.models import Shortlist, ShortlistOption
from ..offers.rules import offer_is_current
from ..offers.services.common import brokerage_referral, fresh_offer
from ..placement.models import Placement
from ..placement.services.placement import approved_to_confirm
from .notices import award_notices
from .rules import Part, package_weekly, part_weekly, parts_problem
from .terms import package_terms

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
    *, referral: Referral, parts: Sequence[Part], reason: str, actor: User
) -> Shortlist:
    """Award the package: each service asked for to one provider (or, where the council
    allows, home care's term time and school holidays to one provider each), from their
    current answers, all at once with one reason. One cost approval covers the whole
    package at its dearest week."""
    locked = brokerage_referral(referral, actor)
    if not locked.is_package:
        raise DomainError("Only a package of support is awarded: a placement is chosen")
    if locked.stage not in AWARDABLE_STAGES:
        raise DomainError(
            f"This package is {locked.get_stage_display().lower()}: it cannot be awarded now"
        )
    if not reason.strip():
        raise DomainError("Say why these providers are awarded the package")
    council = CouncilSettings.load()
    fresh = [Part(fresh_offer(part.answer, locked), part.service, part.period) for part in parts]
    for part in fresh:
        if part.answer.request.round.service != part.service:
            raise DomainError(
                f"{part.answer.request.provider}'s answer is not for the {part.label}"
            )
    # After the award, only what a provider could no longer cover is awarded again.
    rebroker = rows_to_rebroker(locked)
    services = [s for s in locked.services_asked if rebroker.get(s)] if rebroker else None
    if problem := parts_problem(
        fresh,
        services_asked=services or locked.services_asked,
        split_allowed=council.package_split_allowed and not rebroker,
    ):
        raise DomainError(problem)
    for part in fresh:
        if not _answers_are_in(part.answer.request.round):
            raise DomainError(
                "Award once the answers are in: at the round's deadline, or when every "
                "provider asked has answered"
            )
    slots = list(locked.schedule.all())
    now = timezone.now()
    shortlist = Shortlist.objects.create(
        referral=locked,
        status=Shortlist.Status.AWARDED,
        sent_by=actor,
        decided_by=actor,
        decided_at=now,
        rationale=reason.strip(),
    )
    options = ShortlistOption.objects.bulk_create(
        ShortlistOption(
            shortlist=shortlist,
            response=part.answer,
            position=n,
            is_in_house=part.answer.request.provider.is_in_house,
            weekly_fee=part_weekly(part, slots),
            additional_weekly=Decimal(0),
            total_weekly=part_weekly(part, slots),
            service=part.service,
            period=part.period,
        )
        for n, part in enumerate(fresh, 1)
    )
    shortlist.chosen = options[0]
    shortlist.save(update_fields=["chosen"])
    # What is awarded is what gets approved and contracted: the answers are fixed now.
    ProviderRequest.objects.filter(pk__in=[part.answer.request_id for part in fresh]).update(
        offer_locked_at=now
    )
    awarded = "; ".join(f"{part.label} to {part.answer.request.provider}" for part in fresh)
    # Approved as the whole package: with any parts already in place, week by week.
    in_place = [
        (week["period"], Decimal(week["cost"]))
        for placement in locked.placements.all()
        for week in placement.package_terms.get("weeks", [])
        if "period" in week
    ]
    total = package_weekly(fresh, slots, in_place)
    if rebroker:
        SupportPackage.objects.filter(referral=locked).update(to_rebroker=[])
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Package awarded: {awarded}. {money(total)} in the dearest week. {reason.strip()}",
    )
    rounds_close_early(referral=locked, why="the package has been awarded", actor=actor)
    # Everyone is told once the cost stands approved: at once on the panel's approval,
    # else when the band's approver approves it (costs.services).
    if council.package_cost_approval == PackageCostApproval.PANEL:
        _approved_by_panel(locked, options[0], total, actor)
        award_notices(shortlist)
    else:
        approval_request(option=options[0], actor=actor, total=total)
    return shortlist


def _approved_by_panel(
    referral: Referral, option: ShortlistOption, total: Decimal, actor: User
) -> CostApproval:
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
        total_weekly=total,
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
            f"Cost of {money(total)} a week approved by {by} on {approved_on}, "
            "as the council approves packages"
        ),
        next_action="Confirm the start date and send the agreement",
        due=timezone.localdate(),
    )
    return approval


@transaction.atomic
def package_confirm(*, approval: CostApproval, start_date: dt.date, actor: User) -> list[Placement]:
    """The officer confirms the start date of an approved package: a placement for each
    provider awarded a part, at its part's cost, with the terms its agreement sets out."""
    locked, referral = approved_to_confirm(
        approval, actor, not_yet="Confirm the start date once the cost is approved"
    )
    if Placement.objects.filter(approval=locked).exists():
        raise DomainError("The start date is already confirmed")
    if referral.status != ReferralStatus.ACCEPTED:
        raise DomainError("This referral is no longer being searched for")
    if start_date < timezone.localdate() - dt.timedelta(days=31):
        raise DomainError("The start date cannot be more than a month ago")
    options = list(
        locked.option.shortlist.options.select_related(
            "response__request__provider", "response__request__round"
        ).prefetch_related("response__covered", "response__revisions")
    )
    for option in options:
        response = option.response
        if not offer_is_current(response):
            raise DomainError(
                f"{response.request.provider} has withdrawn its answer since the award: award "
                "the package again"
            )
        if response.available_from and start_date < response.available_from:
            raise DomainError(
                f"The start date must be on or after {response.available_from:%-d %B %Y}, "
                f"when {response.request.provider} said it can start"
            )
    council = CouncilSettings.load()
    redactor = referral_redactor(referral, people_style=council.people_in_pack)
    outcomes = [redactor.redact(o.text).text for o in referral.outcomes.order_by("position")]
    placements = [
        Placement.objects.create(
            referral=referral,
            approval=locked,
            response=option.response,
            provider=option.response.request.provider,
            is_in_house=option.is_in_house,
            placement_type=Part(option.response, option.service, option.period).label,
            setting=option.response.carer_reference,
            service=option.service,
            period=option.period,
            package_terms=package_terms(
                referral,
                option.response,
                redact=lambda text: redactor.redact(text).text,
                period=option.period,
            ),
            start_date=start_date,
            weekly_fee=option.total_weekly,
            total_weekly=option.total_weekly,
            outcomes=outcomes,
            review_arrangements=council.package_review_arrangements,
            confirmed_by=actor,
        )
        for option in options
    ]
    stage_move(
        referral=referral,
        to=Stage.CONFIRMING,
        actor=actor,
        text=(
            f"Package confirmed to start on {start_date:%-d %B %Y}: "
            + "; ".join(f"{p.placement_type} with {p.provider}" for p in placements)
        ),
        next_action="Send each provider its agreement to sign",
        due=timezone.localdate(),
    )
    return placements
