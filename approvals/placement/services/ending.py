"""A placement's ending: the day, why in the children looked after return's codes,
planned or not, and, when it ended unplanned and the child needs another home, a new
referral started with the child's details carried over."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.permissions import is_brokerage
from placements.services import DomainError
from referrals.common import chronology_add, referral_email
from referrals.drafting.services import referral_carry_over
from referrals.models import ChronologyEntry, Referral
from referrals.workflow import is_social_worker_side

from ..models import EndReason, Placement, PlacementChange
from .placement import locked_placement

# How far ahead a planned ending may be recorded.
PLANNED_AHEAD_DAYS = 366


def may_end(user: User, referral: Referral) -> bool:
    """Brokerage, or the child's social worker's side."""
    return is_brokerage(user) or is_social_worker_side(user, referral)


@transaction.atomic
def placement_end(
    *,
    placement: Placement,
    ended_on: dt.date,
    reason: str,
    planned: bool,
    note: str,
    new_referral: bool,
    actor: User,
) -> Placement:
    locked = locked_placement(placement)
    referral = locked.referral
    if not may_end(actor, referral):
        raise DomainError("Only brokerage or the child's social worker records this")
    if locked.service:
        raise DomainError("A package's support ends through a change to the package")
    if locked.ended_on:
        raise DomainError(f"This placement's ending is already recorded: {locked.status_label}")
    if locked.placed_at is None or referral.status == Referral.Status.WITHDRAWN:
        raise DomainError("Only a placement made (its agreement countersigned) ends")
    today = timezone.localdate()
    if ended_on < locked.start_date:
        raise DomainError(
            f"The placement cannot end before it started on {locked.start_date:%-d %B %Y}"
        )
    if not planned and ended_on > today:
        raise DomainError("An unplanned ending has happened: its date is today or earlier")
    if ended_on > today + dt.timedelta(days=PLANNED_AHEAD_DAYS):
        raise DomainError("The end date must be within the next year")
    if reason not in EndReason.values:
        raise DomainError("Choose why the placement ended")
    note = note.strip()
    if (reason == EndReason.OTHER or not planned) and not note:
        raise DomainError(
            "Say what happened"
            if not planned
            else "Say why the placement ended, as the reason is another one"
        )
    if new_referral and planned:
        raise DomainError("A new referral is started here for an unplanned ending")
    locked.ended_on, locked.end_reason, locked.end_planned = ended_on, reason, planned
    locked.end_note, locked.end_recorded_by = note, actor
    locked.end_recorded_at = timezone.now()
    if new_referral:
        owner = (referral.social_worker if referral.social_worker.is_active else None) or (
            actor if is_social_worker_side(actor, referral) else None
        )
        if owner is None:
            raise DomainError(
                "The child's social worker has left: their team starts the new referral"
            )
        locked.next_referral = referral_carry_over(
            source=referral,
            social_worker=owner,
            why=f"the placement with {locked.provider.name} ended unplanned",
            actor=actor,
        )
    # A change still waiting for its cost approval goes no further.
    PlacementChange.objects.filter(placement=locked, status=PlacementChange.Status.WAITING).update(
        status=PlacementChange.Status.REJECTED,
        comments="The placement ended before the change was approved",
        decided_at=timezone.now(),
    )
    locked.save(
        update_fields=[
            "ended_on",
            "end_reason",
            "end_planned",
            "end_note",
            "end_recorded_by",
            "end_recorded_at",
            "next_referral",
        ]
    )
    kind = "planned" if planned else "unplanned"
    chronology_add(
        referral=referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"The placement with {locked.provider.name} "
        f"{'ends' if ended_on > today else 'ended'} on {ended_on:%-d %B %Y} ({kind}): "
        f"{EndReason(reason).label}" + (f". {note}" if note else ""),
    )
    referral_email(
        referral,
        to=[referral.social_worker.email, referral.assigned_officer.email]
        if referral.assigned_officer
        else [referral.social_worker.email],
        template="placement_ended",
        key=f"ended-{locked.pk}",
        placement=locked,
        who=actor,
        planned=planned,
    )
    return locked
