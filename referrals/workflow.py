"""The referral's states and the one way to move between them."""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone

from placements.models import User
from placements.permissions import (
    is_brokerage,
    is_duty_lead,
    is_service_lead,
    is_social_worker,
    is_team_manager,
)
from placements.roles import Role
from placements.services import DomainError
from referrals.models import ChronologyEntry, Referral, SearchRound

Status = Referral.Status
Stage = Referral.Stage

# from -> the states it may move to. Withdrawal is allowed from every open state.
ALLOWED: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    # To ACCEPTED straight from SUBMITTED or ENDORSED: the emergency path only
    # (referral_emergency_accept checks it is an emergency and the duty lead).
    Status.SUBMITTED: {Status.ENDORSED, Status.RETURNED, Status.ACCEPTED},
    Status.ENDORSED: {Status.APPROVED, Status.RETURNED, Status.ACCEPTED},
    Status.RETURNED: {Status.SUBMITTED},
    Status.APPROVED: {Status.ACCEPTED, Status.QA_RETURNED},
    Status.QA_RETURNED: {Status.APPROVED},
    # Placed by the approvals app once the provider and the officer have signed the IPA.
    # Back to the social worker from ACCEPTED: an emergency searched before its approvals,
    # returned by the team manager or service lead (search_return ends the search).
    Status.ACCEPTED: {Status.PLACED, Status.RETURNED},
    # A package in place whose provider can no longer cover part of it: back to
    # brokerage to broker that part again (approvals.packages.variations).
    Status.PLACED: {Status.ACCEPTED},
    Status.WITHDRAWN: set(),
}
CLOSED_STATES = {Status.PLACED, Status.WITHDRAWN}
OPEN_STATES = {s for s in Status.values if s not in CLOSED_STATES}
for state in OPEN_STATES:
    ALLOWED[state] = ALLOWED[state] | {Status.WITHDRAWN}

EDITABLE_STATES = {Status.DRAFT, Status.RETURNED, Status.QA_RETURNED}


def referral_is_editable(referral: Referral) -> bool:
    """The social worker can change what the referral says."""
    return referral.status in EDITABLE_STATES


def is_social_worker_side(user: User, referral: Referral) -> bool:
    """The referral's own social worker, or a social worker of its team: who edit it,
    choose between its options and answer brokerage's questions about it."""
    return is_social_worker(user) and (
        referral.social_worker_id == user.pk or referral.team_id == user.team_id
    )


def user_may_edit(user: User, referral: Referral) -> bool:
    """The social worker's side changes what it says, while it is editable. Call on a
    referral the user may already see."""
    return referral_is_editable(referral) and is_social_worker_side(user, referral)


def user_may_withdraw(user: User, referral: Referral) -> bool:
    """Brokerage, or the social worker's side, while it is open."""
    if not referral_can_move(referral, Status.WITHDRAWN):
        return False
    return is_brokerage(user) or is_social_worker_side(user, referral)


def referral_can_move(referral: Referral, to: str) -> bool:
    return to in ALLOWED.get(referral.status, set())


def transition(
    *,
    referral: Referral,
    to: str,
    actor: User,
    text: str = "",
    update: Callable[[Referral], list[str]] | None = None,
) -> Referral:
    """Lock the referral, check the step, apply `update` (which returns the fields it
    set), save, and record the step in the chronology. Call inside
    transaction.atomic(); emails go through the outbox in the same transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic()")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral_can_move(locked, to):
        raise DomainError(
            f"This referral is {locked.get_status_display().lower()}, so it cannot be "
            f"moved to “{Status(to).label.lower()}”. Refresh the page to see where it is now."
        )
    from_status = locked.status
    locked.status = to
    fields = ["status", "updated_at"]
    if to in CLOSED_STATES:
        locked.closed_at = timezone.now()
        fields.append("closed_at")
    # The search's stage starts when brokerage accepts it, ends placed, and starts again
    # if an emergency searched before its approvals is returned.
    stages: dict[str, str] = {Status.ACCEPTED: Stage.SEARCHING, Status.PLACED: Stage.PLACED}
    stage = stages.get(to, locked.stage if to == Status.WITHDRAWN else Stage.NONE)
    if stage != locked.stage:
        locked.stage = stage
        fields.append("stage")
    if update is not None:
        fields += update(locked)
    locked.save(update_fields=sorted(set(fields)))
    ChronologyEntry.objects.create(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.TRANSITION,
        from_status=from_status,
        to_status=to,
        text=text,
    )
    return locked


# --- Every other workflow row moves the same way ----------------------------------------


def lock_referral(pk: int) -> None:
    """Take the referral's row lock: the first lock of every step that changes it or the
    rows under it (then its placement, then its agreement), so two steps cannot deadlock."""
    Referral.objects.select_for_update().filter(pk=pk).values_list("pk").first()


# The row `step` moves: a search round, a set of options, a placement, an agreement.
Row = TypeVar("Row", bound=models.Model)


def step(
    row: Row,
    *,
    to: str,
    allowed: Mapping[str, set[str]],
    referral: Referral,
    actor: User | None,
    text: str = "",
    update: Callable[[Row], list[str]] | None = None,
    refused: str = "",
    field: str = "status",
) -> Row:
    """Move a search round, a set of options, a cost approval, a placement or an
    agreement from one state to the next, as `transition` moves the referral: lock the
    referral first, then the row (so every step takes its locks in one order: referral,
    then placement, then agreement), check the move is in `allowed`, apply `update`
    (which returns the other fields it set), save, and record `text` in the referral's
    chronology. The row itself is locked, re-read and saved, so the caller's object is
    the one that moved; it is also returned."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("step() must run inside transaction.atomic()")
    lock_referral(referral.pk)
    row.refresh_from_db(from_queryset=type(row)._default_manager.select_for_update())
    if to not in allowed.get(getattr(row, field), set()):
        label = getattr(row, f"get_{field}_display")().lower()
        raise DomainError(refused or f"This is {label} now, so it cannot change that way")
    setattr(row, field, to)
    fields = [field]
    if update is not None:
        fields += update(row)
    row.save(update_fields=sorted(set(fields)))
    if text:
        ChronologyEntry.objects.create(
            referral_id=referral.pk, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text
        )
    return row


SearchRoundStatus = SearchRound.Status
ROUND_STEPS: dict[str, set[str]] = {
    SearchRoundStatus.DRAFT: {SearchRoundStatus.OPEN, SearchRoundStatus.CANCELLED},
    # Closed at its deadline, early when options go out, or when the referral ends.
    SearchRoundStatus.OPEN: {SearchRoundStatus.CLOSED},
    SearchRoundStatus.CLOSED: set(),
    SearchRoundStatus.CANCELLED: set(),
}


# --- The search's stages, once brokerage has accepted the referral -------------------

STAGE_STEPS: dict[str, set[str]] = {
    Stage.NONE: {Stage.SEARCHING},
    # Options to the social worker; or a package awarded by brokerage, its cost to
    # approve by band or already approved by the panel.
    Stage.SEARCHING: {Stage.OPTIONS, Stage.COST_APPROVAL, Stage.CONFIRMING},
    # Declined (back to searching) or one chosen (its cost to approve).
    Stage.OPTIONS: {Stage.SEARCHING, Stage.COST_APPROVAL},
    Stage.COST_APPROVAL: {Stage.CONFIRMING, Stage.COST_RETURNED, Stage.SEARCHING},
    # Asked again after negotiating, or new options sent instead.
    Stage.COST_RETURNED: {Stage.COST_APPROVAL, Stage.OPTIONS, Stage.SEARCHING},
    # The move date confirmed (its next action: send the agreement), then the agreement.
    Stage.CONFIRMING: {Stage.CONFIRMING, Stage.AGREEMENT},
    # A new version of the agreement, signed, then countersigned.
    Stage.AGREEMENT: {Stage.AGREEMENT, Stage.PLACED},
    Stage.PLACED: {Stage.SEARCHING},
}


def stage_move(
    *,
    referral: Referral,
    to: str,
    actor: User | None,
    text: str = "",
    next_action: str | None = None,
    due: dt.date | None = None,
) -> Referral:
    """Lock the referral (always the first lock a step takes: then its placement, then
    the agreement), check the step is allowed from the stage it is in, set the stage and
    the action list's next action, and record the step in the chronology. `next_action`
    None leaves the officer's own next action as it is."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stage_move() must run inside transaction.atomic()")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if to not in STAGE_STEPS[locked.stage]:
        raise DomainError(
            f"This referral is at “{locked.get_stage_display().lower()}”, so it cannot move "
            f"to “{Stage(to).label.lower()}”. Refresh the page to see where it is now."
        )
    locked.stage = to
    fields = ["stage", "updated_at"]
    if next_action is not None:
        locked.next_action, locked.next_action_due = next_action, due
        fields += ["next_action", "next_action_due"]
    locked.save(update_fields=fields)
    if text:
        ChronologyEntry.objects.create(
            referral=locked, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text
        )
    return locked


# --- Who may take the permission-to-search steps (named guards, used by the
# approvals services and by the templates that offer the buttons) -------------------


def _accepted_in_emergency(referral: Referral) -> bool:
    return referral.status == Status.ACCEPTED and referral.emergency_accepted_at is not None


def team_has_manager(team_id: int) -> bool:
    return User.objects.filter(
        is_active=True, team_id=team_id, role_assignments__role=Role.TEAM_MANAGER
    ).exists()


def _in_service(user: User, referral: Referral) -> bool:
    return user.team is not None and user.team.service_id == referral.team.service_id


def user_may_endorse(user: User, referral: Referral) -> bool:
    """A team manager of the referral's team, while it waits for endorsement (also
    after an emergency acceptance, until it is recorded). A team with no team manager
    is not a dead end: the service's service leads endorse in their place."""
    waiting = referral.status == Status.SUBMITTED or (
        _accepted_in_emergency(referral) and referral.endorsed_at is None
    )
    if not waiting:
        return False
    if is_team_manager(user) and user.team_id == referral.team_id:
        return True
    return (
        is_service_lead(user)
        and _in_service(user, referral)
        and not team_has_manager(referral.team_id)
    )


def user_may_approve_search(user: User, referral: Referral) -> bool:
    """A service lead of the referral's service, once the team manager has endorsed it."""
    waiting = referral.status == Status.ENDORSED or (
        _accepted_in_emergency(referral)
        and referral.endorsed_at is not None
        and referral.search_approved_at is None
    )
    return waiting and is_service_lead(user) and _in_service(user, referral)


def user_may_return_for_changes(user: User, referral: Referral) -> bool:
    """The team manager (or, once endorsed, the service lead) sends it back with reasons,
    also when the duty lead has already started an emergency search before their say:
    returning then ends that search."""
    waiting = referral.status in (Status.SUBMITTED, Status.ENDORSED) or (
        _accepted_in_emergency(referral)
        and referral.search_approved_at is None
        # Once options have gone to the social worker, it is withdrawn, not returned.
        and referral.stage in (Stage.NONE, Stage.SEARCHING)
    )
    return waiting and (user_may_endorse(user, referral) or user_may_approve_search(user, referral))


def user_may_accept_emergency(user: User, referral: Referral) -> bool:
    return (
        referral.kind == Referral.Kind.EMERGENCY
        and referral.status in (Status.SUBMITTED, Status.ENDORSED)
        and is_duty_lead(user)
    )


def referral_needs_agreement_evidence(referral: Referral) -> bool:
    """Education or therapy asked for: evidence of agreement comes before approval."""
    return bool(referral.education_needed or referral.therapy_needed)


def user_may_qa(user: User, referral: Referral) -> bool:
    """A brokerage officer, while the approved referral waits for its quality check."""
    return referral.status == Status.APPROVED and is_brokerage(user)
