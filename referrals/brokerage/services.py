"""Brokerage's side before the search: the quality check, the emergency path, and working
a referral from the action list (assigning, priority, next action, notes)."""

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from placements.calendar import working_day_deadline
from placements.models import CouncilSettings, User
from placements.permissions import is_brokerage, is_brokerage_officer, is_duty_lead
from placements.services import DomainError
from referrals.common import _brokerage, chronology_add, referral_email
from referrals.models import (
    ChronologyEntry,
    QARound,
    Referral,
)
from referrals.selectors import referral_endorsers, service_leads
from referrals.workflow import (
    Status,
    transition,
    user_may_accept_emergency,
    user_may_qa,
)

logger = logging.getLogger(__name__)


def qa_answer(*, referral: Referral, actor: User, response: str) -> Referral:
    if not response.strip():
        raise DomainError("Say what you have changed for brokerage")
    qa_round = referral.qa_rounds.filter(answered_at__isnull=True).last()
    moved = transition(
        referral=referral,
        to=Status.APPROVED,
        actor=actor,
        text=f"Answered brokerage's questions: {response.strip()}",
    )
    if qa_round is not None:
        qa_round.response = response.strip()
        qa_round.answered_by = actor
        qa_round.answered_at = timezone.now()
        qa_round.save(update_fields=["response", "answered_by", "answered_at"])
    # The officer working it, or else whoever asked.
    officer = moved.assigned_officer or (qa_round.asked_by if qa_round else None)
    if officer is not None:
        referral_email(
            moved,
            to=[officer.email],
            template="referral_qa_answered",
            key=f"qa-answered-{qa_round.pk if qa_round else moved.pk}",
        )
    return moved


@transaction.atomic
def referral_qa_accept(*, referral: Referral, actor: User, take_it: bool = False) -> Referral:
    """Brokerage accepts the referral onto the duty action list."""
    if not user_may_qa(actor, referral):
        raise DomainError("Only brokerage can accept a referral that is waiting for its check")

    now = timezone.now()

    def stamp(locked: Referral) -> list[str]:
        locked.accepted_at = now
        fields = ["accepted_at"]
        if take_it:
            locked.assigned_officer = actor
            fields.append("assigned_officer")
        return fields

    moved = transition(
        referral=referral,
        to=Status.ACCEPTED,
        actor=actor,
        update=stamp,
        text="Accepted onto the action list" + (f", assigned to {actor}" if take_it else ""),
    )
    referral_email(
        moved,
        to=[moved.social_worker.email],
        template="referral_accepted",
        key=f"accepted-{now.isoformat()}",
    )
    return moved


@transaction.atomic
def referral_qa_return(*, referral: Referral, actor: User, requests: Sequence[str]) -> Referral:
    """Brokerage sends the referral back with specific requests (a new round each time)."""
    if not user_may_qa(actor, referral):
        raise DomainError("Only brokerage can return a referral that is waiting for its check")
    asked = [r.strip() for r in requests if r and r.strip()]
    if not asked:
        raise DomainError("Enter at least one thing the social worker needs to do")
    moved = transition(
        referral=referral,
        to=Status.QA_RETURNED,
        actor=actor,
        text="Returned by brokerage: " + "; ".join(asked),
    )
    qa_round = QARound.objects.create(referral=moved, requests=asked, asked_by=actor)
    referral_email(
        moved,
        to=[moved.social_worker.email],
        template="referral_qa_returned",
        key=f"qa-round-{qa_round.pk}",
    )
    return moved


@transaction.atomic
def referral_assign(*, referral: Referral, officer: User | None, actor: User) -> Referral:
    """The duty lead assigns (or reassigns, or unassigns) the officer working it."""
    if not is_duty_lead(actor):
        raise DomainError("Only the duty lead assigns referrals")
    if officer is not None and not (officer.is_active and is_brokerage_officer(officer)):
        raise DomainError("Choose an active brokerage officer")
    locked = _brokerage(referral)
    if locked.assigned_officer_id == (officer.pk if officer else None):
        return locked
    before = str(locked.assigned_officer or "nobody")
    locked.assigned_officer = officer
    locked.save(update_fields=["assigned_officer", "updated_at"])
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Assigned to {officer or 'nobody'} (was {before})",
    )
    return locked


@transaction.atomic
def referral_set_priority(*, referral: Referral, priority: int, actor: User) -> Referral:
    if not is_duty_lead(actor):
        raise DomainError("Only the duty lead sets priorities")
    locked = _brokerage(referral)
    if locked.priority != priority:
        old = locked.get_priority_display()
        locked.priority = priority
        locked.save(update_fields=["priority", "updated_at"])
        chronology_add(
            referral=locked,
            actor=actor,
            kind=ChronologyEntry.Kind.NOTE,
            text=f"Priority set to {locked.get_priority_display().lower()} (was {old.lower()})",
        )
    return locked


@transaction.atomic
def referral_set_next_action(
    *, referral: Referral, next_action: str, due: dt.date | None, actor: User
) -> Referral:
    if not is_brokerage(actor):
        raise DomainError("Only brokerage sets the next action")
    if not next_action.strip():
        raise DomainError("Enter the next action")
    locked = _brokerage(referral)
    locked.next_action = next_action.strip()
    locked.next_action_due = due
    locked.save(update_fields=["next_action", "next_action_due", "updated_at"])
    when = f", due {due:%-d %B %Y}" if due else ""
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Next action: {locked.next_action}{when}",
    )
    return locked


@transaction.atomic
def referral_add_note(*, referral: Referral, kind: str, text: str, actor: User) -> ChronologyEntry:
    """An officer's note or logged call ("called provider, no answer")."""
    if kind not in (ChronologyEntry.Kind.NOTE, ChronologyEntry.Kind.CALL):
        raise DomainError("Choose a note or a call")
    locked = _brokerage(referral)
    return chronology_add(referral=locked, actor=actor, kind=kind, text=text.strip())


@transaction.atomic
def referral_emergency_accept(*, referral: Referral, actor: User) -> Referral:
    """The duty lead starts the search at once on an emergency. The endorsement and the
    approval still to come are due within the council's working day, and stay flagged."""
    locked = (
        Referral.objects.select_related("team").select_for_update(of=("self",)).get(pk=referral.pk)
    )
    if not user_may_accept_emergency(actor, locked):
        raise DomainError(
            "Only the duty lead can accept an emergency referral before its approvals"
        )
    council = CouncilSettings.load()
    now = timezone.now()
    due = working_day_deadline(
        now, 1, subdivision=council.bank_holiday_subdivision, hour=council.response_deadline_hour
    )

    def stamp(row: Referral) -> list[str]:
        row.accepted_at = row.emergency_accepted_at = now
        row.approvals_due_at = due
        return ["accepted_at", "emergency_accepted_at", "approvals_due_at"]

    moved = transition(
        referral=locked,
        to=Status.ACCEPTED,
        actor=actor,
        update=stamp,
        text=(
            "Accepted as an emergency for immediate search; the endorsement and approval "
            f"are due by {timezone.localtime(due):%-d %B %Y, %H:%M}"
        ),
    )
    waiting_on = referral_endorsers(moved).people if not moved.endorsed_at else service_leads(moved)
    referral_email(
        moved,
        to=[moved.social_worker.email, *(user.email for user in waiting_on)],
        template="referral_emergency_accepted",
        key=f"emergency-{now.isoformat()}",
        due=due,
    )
    return moved
