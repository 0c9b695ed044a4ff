"""Cost bands (administrator-managed, versioned) and cost approvals: asked of the role
the band names, decided once by someone who neither chose nor negotiated the option."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings, User
from placements.permissions import is_administrator, is_brokerage
from placements.roles import Role
from placements.services import DomainError
from referrals.common import referral_email
from referrals.models import ProviderAnswer
from referrals.workflow import Stage, lock_referral, stage_move, step
from referrals.workflow import Status as ReferralStatus

from ..offers.models import Shortlist, ShortlistOption
from ..offers.rules import offer_is_current
from ..packages.notices import award_notices
from .models import CostApproval, CostBand, CostBandVersion
from .rules import APPROVAL_STEPS, APPROVER_RANKS, approval_refusal, approver_for

Decision = CostApproval.Status
BAND_ROLES = (Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR)
# Where the search stands after each decision, and what brokerage does next.
AFTER_DECISION: dict[str, tuple[str, str]] = {
    Decision.APPROVED: (Stage.CONFIRMING, "Confirm the move date and send the agreement"),
    Decision.RETURNED: (Stage.COST_RETURNED, "Negotiate the cost and ask again"),
    Decision.REJECTED: (Stage.SEARCHING, "The cost was rejected: send new options"),
}


# --- Bands ----------------------------------------------------------------------------


@transaction.atomic
def bands_set(
    *,
    bands: Sequence[tuple[Decimal, str]],
    in_force_from: dt.datetime,
    note: str,
    actor: User,
) -> CostBandVersion:
    """A new version of the bands, in force from a moment that has not passed. Bands
    start at £0 and rise with the role: a higher band never goes to a lower role."""
    if not is_administrator(actor):
        raise DomainError("Only an administrator can change the cost bands")
    if in_force_from < timezone.now() - dt.timedelta(minutes=5):
        raise DomainError("New bands come into force now or later, never in the past")
    ordered = sorted(bands, key=lambda band: band[0])
    if not ordered or ordered[0][0] != 0:
        raise DomainError("The first band must start at £0.00")
    starts = [start for start, _ in ordered]
    if len(set(starts)) != len(starts):
        raise DomainError("Two bands cannot start at the same amount")
    ranks = [APPROVER_RANKS.get(role, -1) for _, role in ordered]
    if any(role not in BAND_ROLES for _, role in ordered):
        raise DomainError("Bands are approved by a senior manager, head of service or director")
    if ranks != sorted(ranks):
        raise DomainError("A higher band must need the same role or a more senior one")
    version = CostBandVersion.objects.create(
        in_force_from=in_force_from, note=note.strip(), created_by=actor
    )
    CostBand.objects.bulk_create(
        CostBand(version=version, from_weekly=start, role=role) for start, role in ordered
    )
    return version


# --- Approvals ------------------------------------------------------------------------


def approvers_of(approval: CostApproval) -> list[User]:
    """Who is told a cost waits: everyone holding the required role (for an in-house
    team manager sign-off, the referral's team's managers)."""
    return people_who_approve(approval.required_role, team_id=approval.referral.team_id)


def people_who_approve(role: str, *, team_id: int) -> list[User]:
    """Everyone active holding `role` (a team manager: of team `team_id` only)."""
    people = User.objects.filter(is_active=True, role_assignments__role=role)
    if role == Role.TEAM_MANAGER:
        people = people.filter(team_id=team_id)
    return list(people.distinct())


def approval_waiting_email(approval: CostApproval) -> None:
    referral_email(
        approval.referral,
        to=[person.email for person in approvers_of(approval)],
        template="cost_approval_waiting",
        key=f"approval-{approval.pk}",
        approval=approval,
        role=Role(approval.required_role).label.lower(),
    )


def approval_request(
    *, option: ShortlistOption, actor: User, total: Decimal | None = None
) -> CostApproval:
    """Ask for the cost approval of a chosen option at its cost as agreed now (or, for a
    package awarded in parts, `total`: the whole package's dearest week), from the role
    the bands in force name. Call inside a transaction."""
    referral = option.shortlist.referral
    if total is None:
        response = ProviderAnswer.objects.prefetch_related("revisions").get(pk=option.response_id)
        total = response.agreed_total_weekly
    role, version = approver_for(total, in_house=option.is_in_house, council=CouncilSettings.load())
    approval = CostApproval.objects.create(
        referral=referral,
        option=option,
        total_weekly=total,
        band_version=version,
        required_role=role,
        requested_by=actor,
    )
    approval_waiting_email(approval)
    stage_move(
        referral=referral,
        to=Stage.COST_APPROVAL,
        actor=actor,
        text=(
            f"Cost approval asked of the {Role(role).label.lower()}: {money(total)} a week "
            f"({money(total * 52)} a year)"
        ),
        next_action=f"Wait for the {Role(role).label.lower()} to approve the cost",
        due=None,
    )
    return approval


def _decide(approval: CostApproval, actor: User, *, to: str, comments: str) -> CostApproval:
    lock_referral(approval.referral_id)
    locked = (
        CostApproval.objects.select_for_update(of=("self",))
        .select_related(
            "referral__social_worker",
            "referral__assigned_officer",
            "option__shortlist",
            "option__response__request__provider",
            "decided_by",
        )
        .get(pk=approval.pk)
    )
    if locked.status != Decision.PENDING:
        who = f" by {locked.decided_by}" if locked.decided_by else ""
        raise DomainError(f"This cost has already been {locked.get_status_display().lower()}{who}")
    if locked.referral.status != ReferralStatus.ACCEPTED:
        raise DomainError(
            f"This referral is {locked.referral.get_status_display().lower()}: its cost "
            "cannot be decided"
        )
    refusal = approval_refusal(actor, locked)
    if refusal:
        raise DomainError(refusal)
    if to != Decision.APPROVED and not comments.strip():
        raise DomainError("Give your comments for the officer and the social worker")
    if to == Decision.APPROVED:
        response = ProviderAnswer.objects.prefetch_related("revisions").get(
            pk=locked.option.response_id
        )
        if not offer_is_current(response):
            raise DomainError(
                "The provider has withdrawn or changed this offer since it was chosen: it "
                "cannot be approved"
            )
        # The social worker's choice, or brokerage's award of a package.
        if locked.option.shortlist.status not in (
            Shortlist.Status.CHOSEN,
            Shortlist.Status.AWARDED,
        ):
            raise DomainError("This option is no longer the social worker's choice")

    def decide(row: CostApproval) -> list[str]:
        row.decided_by, row.decided_at = actor, timezone.now()
        row.comments = comments.strip()
        return ["decided_by", "decided_at", "comments"]

    referral = locked.referral
    step(locked, to=to, allowed=APPROVAL_STEPS, referral=referral, actor=actor, update=decide)
    officer = referral.assigned_officer or locked.option.shortlist.sent_by
    referral_email(
        referral,
        to=[officer.email, referral.social_worker.email],
        template="cost_approval_decided",
        key=f"approval-decided-{locked.pk}",
        approval=locked,
    )
    text = (
        f"Cost of {money(locked.total_weekly)} a week {locked.get_status_display().lower()} "
        f"by {actor}"
    ) + (f": {locked.comments}" if locked.comments else "")
    if to == Decision.APPROVED and locked.option.shortlist.status == Shortlist.Status.AWARDED:
        # A package's award is told once its cost stands approved.
        award_notices(locked.option.shortlist)
    stage, next_action = AFTER_DECISION[to]
    if referral.is_package and to == Decision.REJECTED:
        next_action = "The cost was rejected: award the package again, or search again"
    stage_move(
        referral=referral,
        to=stage,
        actor=actor,
        text=text,
        next_action=next_action,
        due=timezone.localdate(),
    )
    return locked


@transaction.atomic
def approval_approve(*, approval: CostApproval, actor: User, comments: str = "") -> CostApproval:
    return _decide(approval, actor, to=Decision.APPROVED, comments=comments)


@transaction.atomic
def approval_reject(*, approval: CostApproval, actor: User, comments: str) -> CostApproval:
    """Rejected: the option is dead; brokerage sends new options."""
    return _decide(approval, actor, to=Decision.REJECTED, comments=comments)


@transaction.atomic
def approval_return(*, approval: CostApproval, actor: User, comments: str) -> CostApproval:
    """Returned with comments: brokerage may negotiate and ask again."""
    return _decide(approval, actor, to=Decision.RETURNED, comments=comments)


@transaction.atomic
def approval_ask_again(*, approval: CostApproval, actor: User) -> CostApproval:
    """After a return, ask again for the same choice at its cost as agreed now (a fee
    negotiated since counts), from the role the bands now in force name."""
    if not is_brokerage(actor):
        raise DomainError("Only brokerage can ask again")
    lock_referral(approval.referral_id)
    locked = (
        CostApproval.objects.select_for_update(of=("self",))
        .select_related("referral", "option__shortlist")
        .get(pk=approval.pk)
    )
    if locked.status != Decision.RETURNED:
        raise DomainError("Only a returned cost can be asked again")
    if locked.referral.status != ReferralStatus.ACCEPTED:
        raise DomainError(
            f"This referral is {locked.referral.get_status_display().lower()}: its cost "
            "cannot be asked again"
        )
    if locked.referral.shortlists.filter(sent_at__gt=locked.option.shortlist.sent_at).exists():
        raise DomainError("New options have been sent since: this cost cannot be asked again")
    if locked.referral.cost_approvals.filter(status=Decision.PENDING).exists():
        raise DomainError("This cost is already waiting for approval")
    if CostApproval.objects.filter(
        option_id=locked.option_id, requested_at__gt=locked.requested_at
    ).exists():
        raise DomainError("This cost has been asked again already")
    return approval_request(option=locked.option, actor=actor)
