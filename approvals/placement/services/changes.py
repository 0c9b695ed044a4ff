"""A placement's changes after it is in place: fees (an uplift, a change in the child's
needs, a reduction negotiated) and its end date, each from a date with why. A change
that moves the total weekly cost into another cost band waits for the approver that band
names; then (or at once) the provider gets a new version of the agreement to sign, and
the countersigned version stands until that one is countersigned."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings, User
from placements.roles import Role
from placements.services import DomainError
from referrals.common import chronology_add, referral_email

from ...costs.rules import approver_for, band_refusal
from ...costs.services import people_who_approve
from ..in_force import FEES, terms_of
from ..models import Placement, PlacementChange
from .agreement import agreement_issue
from .placement import locked_placement, require_brokerage

Kind = PlacementChange.Kind
# How far back a change may take effect (a yearly uplift agreed late), and ahead.
BACK_DAYS, AHEAD_DAYS = 366, 366
# What a weekly total can hold.
MOST_WEEKLY = Decimal("10000000")


def change_waiting(placement: Placement) -> PlacementChange | None:
    """A change not yet in force: waiting for approval, or its agreement not yet
    countersigned."""
    for change in placement.changes.select_related("agreement").order_by("-pk"):
        if change.status == PlacementChange.Status.WAITING:
            return change
        if change.status == PlacementChange.Status.AGREEMENT and not change.in_force:
            return change
    return None


@transaction.atomic
def placement_change(
    *,
    placement: Placement,
    kind: str,
    reason: str,
    effective_from: dt.date,
    actor: User,
    fees: dict[str, Decimal] | None = None,
    end_date: dt.date | None = None,
) -> PlacementChange:
    require_brokerage(actor)
    locked = locked_placement(placement)
    if locked.service:
        raise DomainError("A package's support changes through a change to the package")
    if change_waiting(locked):
        raise DomainError("Another change is not yet in force: finish it first")
    if locked.status != Placement.Status.PLACED:
        raise DomainError("Record a change once the agreement is countersigned")
    if locked.ended_on and locked.ended_on <= timezone.localdate():
        raise DomainError("The placement has ended")
    if kind not in Kind.values:
        raise DomainError("Choose what has changed")
    if not reason.strip():
        raise DomainError("Say what has changed and why")
    today = timezone.localdate()
    if effective_from < max(locked.start_date, today - dt.timedelta(days=BACK_DAYS)):
        raise DomainError(
            "The change must take effect on or after the placement started, and within the "
            "last year"
        )
    if effective_from > today + dt.timedelta(days=AHEAD_DAYS):
        raise DomainError("The change must take effect within the next year")
    # Each change keeps the whole terms as they become: one taking effect before an
    # earlier change would carry that change's terms back with it.
    latest = (
        locked.changes.exclude(status=PlacementChange.Status.REJECTED)
        .order_by("-effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    if latest and effective_from < latest:
        raise DomainError(
            f"A change already takes effect on {latest:%-d %B %Y}: this one must take effect "
            "on or after it"
        )
    before = terms_of(locked)
    after = dict(before)
    if kind == Kind.END_DATE:
        if end_date is None:
            raise DomainError("Give the new end date")
        if end_date < effective_from:
            raise DomainError("The end date must be on or after the change takes effect")
        if locked.end_date == end_date:
            raise DomainError("That is the end date already")
        after["end_date"] = end_date.isoformat()
    else:
        if not fees or set(fees) - set(FEES):
            raise DomainError("Give the new fees")
        if any(value < 0 for value in fees.values()):
            raise DomainError("A fee cannot be negative")
        if any(value != value.quantize(Decimal("0.01")) for value in fees.values()):
            raise DomainError("Give the fees in pounds and pence")
        after.update({name: str(value) for name, value in fees.items()})
    total_before = sum((Decimal(before[name]) for name in FEES), Decimal(0))
    total_after = sum((Decimal(after[name]) for name in FEES), Decimal(0))
    if total_after >= MOST_WEEKLY:
        raise DomainError(f"The total weekly cost must be less than {money(MOST_WEEKLY)}")
    if kind == Kind.UPLIFT and total_after <= total_before:
        raise DomainError("An uplift raises the total weekly cost")
    if kind == Kind.REDUCTION and total_after >= total_before:
        raise DomainError("A reduction lowers the total weekly cost")
    if kind == Kind.NEEDS and after == before:
        raise DomainError("Give the fees as they change")
    council = CouncilSettings.load()
    role_before, _ = approver_for(total_before, in_house=locked.is_in_house, council=council)
    role_after, _ = approver_for(total_after, in_house=locked.is_in_house, council=council)
    moves_band = role_before != role_after
    change = PlacementChange.objects.create(
        placement=locked,
        kind=kind,
        reason=reason.strip(),
        effective_from=effective_from,
        status=PlacementChange.Status.WAITING if moves_band else PlacementChange.Status.AGREEMENT,
        before=before,
        after=after,
        total_before=total_before,
        total_after=total_after,
        required_role=role_after if moves_band else "",
        recorded_by=actor,
    )
    what = (
        f"end date to {end_date:%-d %B %Y}"
        if kind == Kind.END_DATE and end_date
        else f"{money(total_before)} to {money(total_after)} a week"
    )
    chronology_add(
        referral=locked.referral,
        actor=actor,
        kind="note",
        text=f"Placement with {locked.provider} changed from {effective_from:%-d %B %Y}: "
        f"{change.get_kind_display().lower()}, {what}. {change.reason}"
        + (
            f" It moves the cost band: waiting for the {Role(role_after).label.lower()}."
            if moves_band
            else ""
        ),
    )
    if moves_band:
        referral_email(
            locked.referral,
            to=[user.email for user in approvers_of_change(change)],
            template="placement_change_waiting",
            key=f"change-{change.pk}",
            change=change,
            placement=locked,
        )
    else:
        _apply(change, locked, actor)
    return change


def approvers_of_change(change: PlacementChange) -> list[User]:
    return people_who_approve(change.required_role, team_id=change.placement.referral.team_id)


def change_refusal(user: User, change: PlacementChange) -> str | None:
    """Why this user may not decide the change's cost, or None if they may."""
    if change.status != PlacementChange.Status.WAITING:
        return "This change is not waiting for approval"
    team_id = change.placement.referral.team_id
    if refusal := band_refusal(user, change.required_role, team_id=team_id):
        return refusal
    if change.recorded_by_id == user.pk:
        return "You recorded this change, so someone else must approve it"
    return None


def _apply(change: PlacementChange, placement: Placement, actor: User) -> None:
    """The change's terms onto the placement, and a new version of the agreement to the
    provider."""
    for name in FEES:
        setattr(placement, name, Decimal(change.after[name]))
    placement.total_weekly = change.total_after
    end = change.after["end_date"]
    placement.end_date = dt.date.fromisoformat(end) if end else None
    placement.package_terms = {
        **(placement.package_terms or {}),
        "varied_from": f"{change.effective_from:%-d %B %Y}",
    }
    placement.save(update_fields=[*FEES, "total_weekly", "end_date", "package_terms"])
    change.agreement = agreement_issue(placement=placement, actor=actor, varying=True)
    change.status = PlacementChange.Status.AGREEMENT
    change.save(update_fields=["agreement", "status"])


@transaction.atomic
def change_decide(
    *, change: PlacementChange, approve: bool, comments: str, actor: User
) -> PlacementChange:
    """The approver the new band names approves the change (the new agreement goes to
    the provider) or rejects it, saying why (the placement stays as it was)."""
    placement = locked_placement(change.placement)
    locked = PlacementChange.objects.select_for_update().get(pk=change.pk, placement=placement)
    refusal = change_refusal(actor, locked)
    if refusal:
        raise DomainError(refusal)
    if approve and placement.ended_on and placement.ended_on <= timezone.localdate():
        raise DomainError("The placement has ended: its cost can no longer change")
    if not approve and not comments.strip():
        raise DomainError("Give your comments for the officer")
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.comments = comments.strip()
    decided = "approved" if approve else "rejected"
    if approve:
        locked.save(update_fields=["decided_by", "decided_at", "comments"])
        # Approving a change to the agreement is brokerage's next step done for them.
        _apply(locked, placement, locked.recorded_by)
    else:
        locked.status = PlacementChange.Status.REJECTED
        locked.save(update_fields=["decided_by", "decided_at", "comments", "status"])
    chronology_add(
        referral=placement.referral,
        actor=actor,
        kind="note",
        text=f"The change to {money(locked.total_after)} a week {decided} by {actor}"
        + (f": {locked.comments}" if locked.comments else ""),
    )
    referral_email(
        placement.referral,
        to=[locked.recorded_by.email, placement.referral.social_worker.email],
        template="placement_change_decided",
        key=f"change-decided-{locked.pk}",
        change=locked,
        placement=placement,
        decided=decided,
    )
    return locked
