"""A placement's reviews: the first so many working days after it starts, then every so
many months from the last one held (council settings), and whenever someone asks for
one. The social worker records each: progress on every outcome in the agreement, the
IRO's comments, and whether the placement meets the child's needs."""

import calendar
import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from placements.calendar import add_working_days
from placements.models import CouncilSettings, User
from placements.permissions import is_brokerage
from placements.services import DomainError
from referrals.common import chronology_add
from referrals.models import ChronologyEntry, Referral
from referrals.workflow import is_social_worker_side

from ..models import Placement, PlacementReview
from .placement import locked_placement

Progress = PlacementReview.Progress


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day where it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _still_running(placement: Placement, day: dt.date) -> bool:
    return placement.ended_on is None or placement.ended_on > day


def review_first_schedule(placement: Placement) -> PlacementReview | None:
    """The first review of a placement (a package's support has its own arrangements)."""
    if placement.service:
        return None
    council = CouncilSettings.load()
    return PlacementReview.objects.create(
        placement=placement,
        due_on=add_working_days(
            placement.start_date,
            council.review_first_working_days,
            subdivision=council.bank_holiday_subdivision,
        ),
    )


def may_record(user: User, referral: Referral) -> bool:
    return is_social_worker_side(user, referral)


def may_request(user: User, referral: Referral) -> bool:
    return is_social_worker_side(user, referral) or is_brokerage(user)


@transaction.atomic
def review_request(
    *, placement: Placement, due_on: dt.date, reason: str, actor: User
) -> PlacementReview:
    """A review asked for outside the schedule (needs changed, a concern)."""
    locked = locked_placement(placement)
    if not may_request(actor, locked.referral):
        raise DomainError("Only the child's social worker or brokerage asks for a review")
    if locked.service:
        raise DomainError("A package's support is reviewed as its agreement says")
    today = timezone.localdate()
    if due_on < today:
        raise DomainError("The review's date must be today or later")
    if due_on > today + dt.timedelta(days=366):
        raise DomainError("The review's date must be within the next year")
    if not _still_running(locked, due_on):
        raise DomainError("The placement has ended by then")
    if not reason.strip():
        raise DomainError("Say why a review is needed")
    review = PlacementReview.objects.create(
        placement=locked,
        kind=PlacementReview.Kind.REQUESTED,
        due_on=due_on,
        requested_by=actor,
        request_reason=reason.strip(),
    )
    chronology_add(
        referral=locked.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"A placement review asked for by {due_on:%-d %B %Y}: {review.request_reason}",
    )
    return review


@transaction.atomic
def review_record(
    *,
    review: PlacementReview,
    held_on: dt.date,
    progress: list[tuple[str, str]],
    iro_comments: str,
    meets_needs: bool,
    needs_note: str,
    actor: User,
) -> PlacementReview:
    """Record a review held: `progress` is (progress, note) for each outcome in the
    agreement, in its order. A scheduled review held sets the next one."""
    placement = locked_placement(review.placement)
    locked = PlacementReview.objects.select_for_update().get(pk=review.pk, placement=placement)
    if not may_record(actor, placement.referral):
        raise DomainError("Only the child's social worker or their team records a review")
    if locked.held_on:
        raise DomainError("This review is already recorded")
    today = timezone.localdate()
    if held_on > today:
        raise DomainError("The review's date must be today or earlier")
    if held_on < placement.start_date:
        raise DomainError(
            f"The review cannot be before the placement started on {placement.start_date:%-d %B %Y}"
        )
    outcomes = list(placement.outcomes)
    if len(progress) != len(outcomes):
        raise DomainError("Say how the child is getting on with every outcome")
    for (said, note), outcome in zip(progress, outcomes, strict=True):
        if said not in Progress.values:
            raise DomainError(f"Say how the child is getting on with: {outcome}")
        if said == Progress.NOT_PROGRESSING and not note.strip():
            raise DomainError(f"Say why this is not progressing: {outcome}")
    if not meets_needs and not needs_note.strip():
        raise DomainError("Say how the placement does not meet the child's needs")
    locked.held_on = held_on
    locked.progress = [
        {"outcome": outcome, "progress": said, "note": note.strip()}
        for (said, note), outcome in zip(progress, outcomes, strict=True)
    ]
    locked.iro_comments, locked.meets_needs = iro_comments.strip(), meets_needs
    locked.needs_note = needs_note.strip()
    locked.recorded_by, locked.recorded_at = actor, timezone.now()
    locked.save()
    if locked.kind == PlacementReview.Kind.SCHEDULED:
        following = months_after(held_on, CouncilSettings.load().review_every_months)
        if _still_running(placement, following):
            PlacementReview.objects.create(placement=placement, due_on=following)
    summary = ", ".join(
        f"{sum(1 for said, _ in progress if said == value)} {label.lower()}"
        for value, label in Progress.choices
        if any(said == value for said, _ in progress)
    )
    chronology_add(
        referral=placement.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Placement review held on {held_on:%-d %B %Y}: outcomes {summary or 'none'}; "
        + ("meets the child's needs" if meets_needs else "does not meet the child's needs"),
    )
    return locked


def reviews_waiting(
    *, referrals: QuerySet[Referral], within_days: int = 14
) -> QuerySet[PlacementReview]:
    """Reviews not yet held, due within `within_days` or overdue, of placements still
    running, for the referrals given (those the person sees)."""
    today = timezone.localdate()
    return (
        PlacementReview.objects.filter(
            held_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=within_days),
            placement__referral__in=referrals,
            # Made (countersigned), and its referral not withdrawn.
            placement__placed_at__isnull=False,
        )
        .exclude(placement__referral__status=Referral.Status.WITHDRAWN)
        .filter(Q(placement__ended_on__isnull=True) | Q(placement__ended_on__gt=today))
        .select_related("placement__referral", "placement__provider")
        .order_by("due_on", "pk")
    )
