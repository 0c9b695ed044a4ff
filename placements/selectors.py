import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import (
    DirectoryGroupRole,
    FieldChange,
    RoleAssignment,
    RoleGrantRequest,
    SecurityEvent,
    Team,
    User,
)
from .roles import Role


def user_list(*, query: str = "", role: str = "", status: str = "active") -> QuerySet[User]:
    users = User.objects.select_related("team").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role"))
    )
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if role:
        users = users.filter(role_assignments__role=role)
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "deactivated":
        users = users.filter(is_active=False)
    return users.order_by("full_name")


@dataclass(frozen=True)
class TeamGap:
    team: Team
    service_leads: int

    @property
    def covered(self) -> bool:
        """Two service leads endorse and approve in the team manager's place."""
        return self.service_leads >= 2


def teams_without_manager() -> list[TeamGap]:
    """Teams with social workers but no active team manager to endorse their referrals:
    those go to the service's service leads instead (one endorses, another approves),
    or, where the service has fewer than two, cannot be submitted."""
    active = RoleAssignment.objects.filter(user__is_active=True)
    teams = (
        Team.objects.select_related("service")
        .annotate(
            has_manager=Exists(active.filter(role=Role.TEAM_MANAGER, user__team_id=OuterRef("pk"))),
            service_leads=Coalesce(
                Subquery(
                    active.filter(
                        role=Role.SERVICE_LEAD, user__team__service_id=OuterRef("service_id")
                    )
                    .values("role")
                    .annotate(n=Count("user_id", distinct=True))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .filter(
            Exists(active.filter(role=Role.SOCIAL_WORKER, user__team_id=OuterRef("pk"))),
            has_manager=False,
        )
        .order_by("name")
    )
    return [TeamGap(team=team, service_leads=team.service_leads) for team in teams]


def get_user_for_admin(*, pk: int) -> User:
    return get_object_or_404(User.objects.select_related("team"), pk=pk)


def field_changes_for(instance: Model) -> QuerySet[FieldChange]:
    content_type = ContentType.objects.get_for_model(instance)
    return FieldChange.objects.filter(
        content_type=content_type, object_id=instance.pk
    ).select_related("actor")


@dataclass(frozen=True)
class HistoryRow:
    changed_at: dt.datetime
    actor: User | None
    source: str
    field: str
    old_value: str = ""
    new_value: str = ""
    initial_values: tuple[tuple[str, str], ...] = ()  # (label, value) for a creation


def history_rows(instance: Model, *, limit: int = 200) -> list[HistoryRow]:
    """Newest first: one row per changed field, and one row for the creation
    (its starting values folded inside it)."""
    rows: list[HistoryRow] = []
    created: list[FieldChange] = []
    for change in field_changes_for(instance)[:limit]:
        if change.is_creation:
            created.append(change)
            continue
        rows.append(
            HistoryRow(
                change.changed_at,
                change.actor,
                change.source,
                change.field,
                change.old_value,
                change.new_value,
            )
        )
    if created:
        first = created[-1]
        values = tuple((c.field, c.new_value) for c in reversed(created) if c.new_value)
        rows.append(
            HistoryRow(
                first.changed_at, first.actor, first.source, "Created", initial_values=values
            )
        )
    return rows


def active_administrators() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role_assignments__role=Role.ADMINISTRATOR).order_by(
        "full_name"
    )


def role_grant_approvers(*, user: User, requested_by: User) -> list[User]:
    """The active administrators who may approve a grant to `user` asked for by
    `requested_by`: everyone but those two."""
    return list(active_administrators().exclude(pk__in=[user.pk, requested_by.pk]))


def role_grants_waiting() -> QuerySet[RoleGrantRequest]:
    return RoleGrantRequest.objects.filter(decided_at__isnull=True).select_related(
        "user", "requested_by"
    )


def role_grants_decided(*, limit: int = 20) -> QuerySet[RoleGrantRequest]:
    return (
        RoleGrantRequest.objects.filter(decided_at__isnull=False)
        .select_related("user", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def get_role_grant_for_admin(*, pk: int) -> RoleGrantRequest:
    return get_object_or_404(
        RoleGrantRequest.objects.select_related("user", "requested_by", "decided_by"), pk=pk
    )


def directory_group_roles() -> QuerySet[DirectoryGroupRole]:
    """The directory groups mapped to roles, for the administrators' page."""
    return DirectoryGroupRole.objects.select_related("team", "created_by")


def security_events(*, user_id: int | None = None) -> QuerySet[SecurityEvent]:
    """The security log, newest first; one person's when `user_id` is given."""
    events = SecurityEvent.objects.select_related("user", "actor")
    return events.filter(user_id=user_id) if user_id is not None else events
