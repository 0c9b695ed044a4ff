"""Reads scoped to the person asking: who may see which referral lives here."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from placements.models import User
from placements.permissions import is_brokerage, is_service_lead, is_social_worker, is_team_manager
from placements.roles import Role
from referrals.models import ChronologyEntry, Referral
from referrals.registry import extra_scopes
from referrals.workflow import Status, is_social_worker_side

# Brokerage sees every open referral once submitted (and anything assigned to them).
BROKERAGE_VISIBLE = [s for s in Status.values if s not in (Status.DRAFT, Status.WITHDRAWN)]


def referrals_visible_to(user: User | AnonymousUser) -> QuerySet[Referral]:
    """Social workers: their own and their team's. Team managers: their team's.
    Service leads: their service's. Brokerage: what has reached brokerage, or is
    assigned to them. Senior managers, heads of service and directors: what has come to
    cost approval. Everyone else: nothing."""
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    scope = Q(pk__in=[])
    if is_social_worker(user):
        scope |= Q(social_worker=user)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
    # Managers see what has been submitted: never a draft, nor a draft withdrawn unsent.
    sent = Q(submitted_at__isnull=False)
    if is_team_manager(user) and user.team_id:
        scope |= Q(team_id=user.team_id) & sent
    if is_service_lead(user) and user.team is not None:
        scope |= Q(team__service_id=user.team.service_id) & sent
    if is_brokerage(user):
        scope |= Q(status__in=BROKERAGE_VISIBLE) | Q(assigned_officer=user)
    # Later steps registered by the apps above (approvers: what came to cost approval).
    scope |= extra_scopes(user)
    return Referral.objects.filter(scope)


def referral_list_for_user(user: User, *, status: str = "") -> QuerySet[Referral]:
    referrals = (
        referrals_visible_to(user)
        .select_related("social_worker", "team", "placement_type")
        .prefetch_related("children")
    )
    if status == "open":
        referrals = referrals.exclude(status__in=[Status.WITHDRAWN, Status.PLACED])
    elif status in Status.values:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-created_at", "-pk")


def get_referral_for_user(*, user: User, pk: int) -> Referral:
    """The referral, with what its pages show, or 404 if the user may not see it."""
    return get_object_or_404(
        referrals_visible_to(user)
        .select_related("social_worker", "team", "placement_type", "assigned_officer")
        .prefetch_related(
            "children",
            "people",
            "outcomes",
            "exclusions__provider",
            Prefetch("chronology", queryset=ChronologyEntry.objects.select_related("actor")),
            # Permission to search, shown on the page.
            "search_decisions__decided_by",
            "agreement_evidence",
            "funding_approvals",
            "external_comments",
            "qa_rounds__asked_by",
        ),
        pk=pk,
    )


def get_referral_for_social_worker(*, user: User, pk: int) -> Referral:
    """The referral, for its own social worker or a social worker of its team (who edit
    it and choose between its options); 404 for anyone else."""
    referral = get_referral_for_user(user=user, pk=pk)
    if not is_social_worker_side(user, referral):
        raise Http404
    return referral


def duty_lead_emails() -> list[str]:
    """Where brokerage's news goes when no officer has the referral."""
    return list(
        User.objects.filter(is_active=True, role_assignments__role=Role.DUTY_LEAD)
        .order_by("email")
        .values_list("email", flat=True)
    )


def service_leads(referral: Referral) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.SERVICE_LEAD,
            team__service_id=referral.team.service_id,
        ).order_by("full_name")
    )


@dataclass(frozen=True)
class Endorsers:
    people: list[User]
    # The team has no team manager: the service leads endorse in their place.
    service_leads_instead: bool


def referral_endorsers(referral: Referral) -> Endorsers:
    """Who endorses it: the team's managers, or, where the team has none, the service's
    service leads in their place (workflow.user_may_endorse lets them)."""
    managers = list(
        User.objects.filter(
            is_active=True, team_id=referral.team_id, role_assignments__role=Role.TEAM_MANAGER
        ).order_by("full_name")
    )
    if managers:
        return Endorsers(managers, service_leads_instead=False)
    # One service lead endorses, another approves: a lone service lead cannot do both.
    leads = service_leads(referral)
    return Endorsers(leads if len(leads) >= 2 else [], service_leads_instead=True)


def referrals_waiting_for(user: User) -> QuerySet[Referral]:
    """What waits for this person's decision: endorsement for team managers,
    approval to search for service leads."""
    waiting = Q(pk__in=[])
    emergency = Q(status=Status.ACCEPTED, emergency_accepted_at__isnull=False)
    if is_team_manager(user) and user.team_id:
        waiting |= Q(team_id=user.team_id) & (
            Q(status=Status.SUBMITTED) | (emergency & Q(endorsed_at__isnull=True))
        )
    if is_service_lead(user) and user.team is not None:
        service_id = user.team.service_id
        waiting |= Q(team__service_id=service_id) & (
            Q(status=Status.ENDORSED)
            | (emergency & Q(endorsed_at__isnull=False, search_approved_at__isnull=True))
        )
        # A team with no team manager: its service leads endorse in their place.
        has_manager = Exists(
            User.objects.filter(
                is_active=True,
                team_id=OuterRef("team_id"),
                role_assignments__role=Role.TEAM_MANAGER,
            )
        )
        waiting |= (
            Q(team__service_id=service_id)
            & ~has_manager
            & (Q(status=Status.SUBMITTED) | (emergency & Q(endorsed_at__isnull=True)))
        )
    return (
        Referral.objects.filter(waiting)
        .select_related("social_worker", "team", "placement_type")
        .prefetch_related("children")
        .order_by(
            Case(When(kind=Referral.Kind.EMERGENCY, then=0), default=1),
            "-is_urgent",
            "date_needed",
            "submitted_at",
        )
    )
