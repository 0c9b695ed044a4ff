"""What the duty action list reads: the referrals brokerage is working, with their next
action, deadlines and filters."""

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, F, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from placements.models import User
from placements.permissions import is_brokerage
from referrals.models import (
    Child,
    QARound,
    Referral,
    ReferralAlert,
    SearchRound,
)
from referrals.search.selectors import next_deadline_subquery
from referrals.selectors import BROKERAGE_VISIBLE
from referrals.workflow import Status

ACTION_LIST_COLUMNS = [
    "reference",
    "status",
    "stage",
    "kind",
    "is_urgent",
    "priority",
    "date_needed",
    "submitted_at",
    "next_action",
    "next_action_due",
    "emergency_accepted_at",
    "approvals_due_at",
    "endorsed_at",
    "search_approved_at",
    "placement_type__name",
    "assigned_officer__full_name",
    "service",
]


ACTION_LIST_FILTERS = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "urgent": "Urgent or emergency",
    "overdue": "Next action overdue",
    "awaiting_approval": "Awaiting approval",
    "awaiting_qa": "Awaiting brokerage QA",
    "awaiting_social_worker": "Awaiting social worker",
    "awaiting_cost_approval": "Awaiting cost approval",
    "awaiting_providers": "Awaiting provider responses",
    "placements": "Placements",
    "packages": "Packages of support (short breaks, home care)",
}


def _approvals_outstanding() -> Q:
    """Accepted as an emergency, with the endorsement or the approval still to record."""
    return (
        Q(emergency_accepted_at__isnull=False)
        & (Q(endorsed_at__isnull=True) | Q(search_approved_at__isnull=True))
        & ~Q(status__in=[Status.WITHDRAWN, Status.PLACED])
    )


# A referral of the action list: annotated with its open rounds' earliest deadline.
# (django-stubs-ext, which spells that, is only installed for the type check.)
if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _NextDeadline(TypedDict):
        next_deadline: dt.datetime | None

    ActionRow = WithAnnotations[Referral, _NextDeadline]
else:
    ActionRow = Referral


def action_list(user: User, *, filters: Iterable[str] = (), today: dt.date) -> QuerySet[ActionRow]:
    """Every open referral brokerage handles: emergencies first, then the duty lead's
    priority, then the date needed, then the oldest. `filters` narrow it together."""
    referrals = Referral.objects.filter(status__in=BROKERAGE_VISIBLE).exclude(status=Status.PLACED)
    conditions = {
        "mine": Q(assigned_officer=user),
        "unassigned": Q(assigned_officer__isnull=True),
        "urgent": Q(kind=Referral.Kind.EMERGENCY) | Q(is_urgent=True),
        "overdue": Q(next_action_due__lt=today),
        "awaiting_approval": Q(status__in=[Status.SUBMITTED, Status.ENDORSED])
        | _approvals_outstanding(),
        "awaiting_qa": Q(status=Status.APPROVED),
        # Returned for changes, or choosing between the options sent.
        "awaiting_social_worker": Q(status__in=[Status.RETURNED, Status.QA_RETURNED])
        | Q(status=Status.ACCEPTED, stage=Referral.Stage.OPTIONS),
        "awaiting_cost_approval": Q(status=Status.ACCEPTED, stage=Referral.Stage.COST_APPROVAL),
        "awaiting_providers": Q(
            pk__in=SearchRound.objects.filter(status=SearchRound.Status.OPEN).values("referral_id")
        ),
        "placements": Q(service=Referral.Service.PLACEMENT),
        "packages": ~Q(service=Referral.Service.PLACEMENT),
    }
    for name in filters:
        referrals = referrals.filter(conditions[name])
    # Only what the rows show: sorting 5,000 whole referrals (profiles and all) spills
    # to disk; these few columns sort in memory.
    return (
        referrals.select_related("placement_type", "assigned_officer")
        .only(*ACTION_LIST_COLUMNS)
        .annotate(next_deadline=next_deadline_subquery())
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Child.objects.only(
                    "referral_id", "first_name", "last_name", "date_of_birth"
                ),
            )
        )
        .order_by(
            Case(When(kind=Referral.Kind.EMERGENCY, then=0), default=1),
            "priority",
            F("date_needed").asc(nulls_last=True),
            "submitted_at",
            "pk",
        )
    )


def action_row_version(referral: ActionRow, *, today: dt.date) -> str:
    """A short fingerprint of what an action list row says about the referral. It
    changes when the referral does (status, priority, officer, next action, a round's
    deadline, the children, an approval or next action falling overdue), not as the
    clock moves (days open, the countdown), so a list refreshing in the background can
    say how many rows really changed."""
    values = [getattr(referral, name) for name in ACTION_LIST_COLUMNS if "__" not in name]
    values += [
        referral.placement_type and referral.placement_type.name,
        referral.assigned_officer and referral.assigned_officer.full_name,
        referral.next_deadline,
        [(c.pk, c.first_name, c.last_name, c.date_of_birth) for c in referral.children.all()],
        referral.approvals_overdue,
        bool(referral.next_action_due and referral.next_action_due < today),
    ]
    return hashlib.blake2s(repr(values).encode(), digest_size=6).hexdigest()


def open_qa_round(referral: Referral) -> QARound | None:
    """The quality-check round still waiting for the social worker's answer, if any."""
    rounds = [r for r in referral.qa_rounds.all() if r.answered_at is None]
    return rounds[-1] if rounds else None


def alerts_open(*, limit: int = 50) -> QuerySet[ReferralAlert]:
    """Alerts no officer has dealt with yet, newest first, for the action list."""
    return ReferralAlert.objects.filter(dealt_with_at__isnull=True).select_related(
        "referral", "provider"
    )[:limit]


def get_alert_for_user(*, user: User, referral: Referral, pk: int) -> ReferralAlert:
    """An alert on a referral the user may see, for brokerage only; else 404."""
    if not is_brokerage(user):
        raise Http404
    return get_object_or_404(
        ReferralAlert.objects.select_related("provider", "dealt_with_by"), referral=referral, pk=pk
    )
