"""Permission to search: endorsement, approval, returns, evidence and funding."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from placements.formatting import money
from placements.models import User
from placements.permissions import is_team_manager
from placements.services import DomainError
from referrals.common import chronology_add, referral_email
from referrals.drafting.services import referral_service_leads
from referrals.models import (
    AgreementEvidence,
    ChronologyEntry,
    ExternalComment,
    FundingApproval,
    Referral,
    SearchDecision,
)
from referrals.search.ending import search_end
from referrals.workflow import (
    Status,
    referral_needs_agreement_evidence,
    transition,
    user_may_approve_search,
    user_may_endorse,
    user_may_return_for_changes,
)


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_related("team").select_for_update(of=("self",)).get(pk=referral.pk)
    )


def _manages_team(user: User, referral: Referral) -> bool:
    return is_team_manager(user) and user.team_id == referral.team_id


def _record_decision(
    *, referral: Referral, actor: User, step: str, outcome: str, comments: str
) -> SearchDecision:
    decision = SearchDecision.objects.create(
        referral=referral, step=step, outcome=outcome, comments=comments.strip(), decided_by=actor
    )
    if outcome == SearchDecision.Outcome.RETURNED:
        referral_email(
            referral,
            to=[referral.social_worker.email],
            template="referral_returned",
            key=f"decision-{decision.pk}",
            who=actor,
        )
    return decision


def _agree(
    *,
    referral: Referral,
    actor: User,
    step: str,
    comments: str,
    to_status: str,
    stamp: str,
    now: dt.datetime,
    text: str,
) -> Referral:
    """Agree at this step: move the referral on, or, when it is already being searched
    as an emergency, record the approval that was owed without moving it. `stamp` is
    the field that records when, set to `now`."""
    if not comments.strip():
        raise DomainError("Enter your comments")
    if referral.status == Status.ACCEPTED:
        setattr(referral, stamp, now)
        referral.save(update_fields=[stamp, "updated_at"])
        chronology_add(
            referral=referral,
            actor=actor,
            kind=ChronologyEntry.Kind.COMMENT,
            text=f"{text} (after the emergency acceptance)",
        )
        moved = referral
    else:

        def stamp_it(locked: Referral) -> list[str]:
            setattr(locked, stamp, now)
            return [stamp]

        moved = transition(referral=referral, to=to_status, actor=actor, update=stamp_it, text=text)
    _record_decision(
        referral=moved,
        actor=actor,
        step=step,
        outcome=SearchDecision.Outcome.AGREED,
        comments=comments,
    )
    return moved


@transaction.atomic
def search_endorse(*, referral: Referral, actor: User, comments: str) -> Referral:
    locked = _locked(referral)
    if not user_may_endorse(actor, locked):
        raise DomainError("Only a team manager of this team can endorse it, while it waits for one")
    if locked.social_worker_id == actor.pk:
        raise DomainError("You cannot endorse a referral you made: another team manager must")
    who = (
        "the team manager"
        if _manages_team(actor, locked)
        else "the service lead, as the team has no team manager"
    )
    now = timezone.now()
    moved = _agree(
        referral=locked,
        actor=actor,
        step=SearchDecision.Step.ENDORSEMENT,
        comments=comments,
        to_status=Status.ENDORSED,
        stamp="endorsed_at",
        now=now,
        text=f"Endorsed by {who}: {comments.strip()}",
    )
    referral_email(
        moved,
        to=referral_service_leads(moved),
        template="referral_waiting_approval",
        key=f"waiting-sl-{now.isoformat()}",
        step="approve the search for",
    )
    return moved


@transaction.atomic
def search_approve(*, referral: Referral, actor: User, comments: str) -> Referral:
    locked = _locked(referral)
    if not user_may_approve_search(actor, locked):
        raise DomainError("Only a service lead for this service can approve it, once endorsed")
    endorsers = locked.search_decisions.filter(
        step=SearchDecision.Step.ENDORSEMENT, outcome=SearchDecision.Outcome.AGREED
    ).values_list("decided_by_id", flat=True)
    if actor.pk in set(endorsers) or locked.social_worker_id == actor.pk:
        raise DomainError(
            "You endorsed or made this referral, so another service lead must approve it"
        )
    if referral_needs_agreement_evidence(locked) and not locked.agreement_evidence.exists():
        raise DomainError(
            "Education or therapy is asked for: record evidence that it has been agreed "
            "(by health, SEND or the Virtual School, or a senior manager) before approving"
        )
    now = timezone.now()
    moved = _agree(
        referral=locked,
        actor=actor,
        step=SearchDecision.Step.APPROVAL,
        comments=comments,
        to_status=Status.APPROVED,
        stamp="search_approved_at",
        now=now,
        text=f"Search approved by the service lead: {comments.strip()}",
    )
    referral_email(
        moved,
        to=[moved.social_worker.email],
        template="referral_approved",
        key=f"approved-{now.isoformat()}",
    )
    return moved


@transaction.atomic
def search_return(*, referral: Referral, actor: User, comments: str) -> Referral:
    """The team manager or service lead sends it back to the social worker with reasons."""
    locked = _locked(referral)
    if not user_may_return_for_changes(actor, locked):
        raise DomainError("You cannot return this referral at this step")
    if not comments.strip():
        raise DomainError("Enter your comments")
    step = (
        SearchDecision.Step.ENDORSEMENT
        if user_may_endorse(actor, locked)
        else SearchDecision.Step.APPROVAL
    )
    who = "team manager" if _manages_team(actor, locked) else "service lead"
    text = f"Returned by the {who}: {comments.strip()}"
    searching = locked.status == Status.ACCEPTED

    def clear_approvals(row: Referral) -> list[str]:
        # A changed referral needs endorsing and approving again, by everyone; an
        # emergency search started before this say stops, and starts again only when
        # the duty lead accepts the resubmitted referral.
        row.endorsed_at = row.search_approved_at = None
        row.accepted_at = row.emergency_accepted_at = row.approvals_due_at = None
        return [
            "endorsed_at",
            "search_approved_at",
            "accepted_at",
            "emergency_accepted_at",
            "approvals_due_at",
        ]

    moved = transition(
        referral=locked, to=Status.RETURNED, actor=actor, text=text, update=clear_approvals
    )
    if searching:
        # Providers hear only that the request was withdrawn: the comments may name the child.
        search_end(referral=moved, why="The request has been withdrawn for now", actor=actor)
    _record_decision(
        referral=moved,
        actor=actor,
        step=step,
        outcome=SearchDecision.Outcome.RETURNED,
        comments=comments,
    )
    return moved


def _open(referral: Referral) -> Referral:
    locked = _locked(referral)
    if locked.status in (Status.DRAFT, Status.WITHDRAWN):
        raise DomainError("Record this once the referral has been submitted and while it is open")
    return locked


@transaction.atomic
def agreement_evidence_record(
    *, referral: Referral, source: str, agreed_by: str, agreed_on: dt.date, actor: User
) -> AgreementEvidence:
    locked = _open(referral)
    evidence = AgreementEvidence.objects.create(
        referral=locked, source=source, agreed_by=agreed_by, agreed_on=agreed_on, recorded_by=actor
    )
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.COMMENT,
        text=(
            f"Evidence recorded: education or therapy agreed by {agreed_by} "
            f"({evidence.get_source_display()}) on {agreed_on:%-d %B %Y}"
        ),
    )
    return evidence


@transaction.atomic
def funding_approval_record(
    *,
    referral: Referral,
    approved_by: str,
    weekly_amount: Decimal,
    approved_on: dt.date,
    actor: User,
) -> FundingApproval:
    locked = _open(referral)
    approval = FundingApproval.objects.create(
        referral=locked,
        approved_by=approved_by,
        weekly_amount=weekly_amount,
        approved_on=approved_on,
        recorded_by=actor,
    )
    if locked.funding_approved_at is None:
        locked.funding_approved_at = approval.recorded_at
        locked.save(update_fields=["funding_approved_at", "updated_at"])
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.COMMENT,
        text=(
            f"Funding approval recorded: up to {money(weekly_amount)} a week, approved by "
            f"{approved_by} on {approved_on:%-d %B %Y}"
        ),
    )
    return approval


@transaction.atomic
def external_comment_record(
    *, referral: Referral, source: str, name: str, comment: str, actor: User
) -> ExternalComment:
    locked = _open(referral)
    recorded = ExternalComment.objects.create(
        referral=locked, source=source, name=name, comment=comment, recorded_by=actor
    )
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.COMMENT,
        text=f"Comment from {name} ({recorded.get_source_display()}): {comment}",
    )
    return recorded
