"""Accounts from the council's directory (single sign-on, `placements.sso`): the
administrators' mapping of directory groups to roles, and what a sign-in does with it.

- A group mapped to a role that needs no second administrator gives it at once.
- A group mapped to an approving role or Administrator only *asks* for it: a second
  administrator approves it as any role grant is approved, unless the administrator who
  mapped the group said, with a warning, that it applies at once.
- With accounts made by the council's setting, someone in a mapped group with no account
  gets one at their first sign-in; someone in none is refused. An account made this way
  gains roles as their groups gain mappings at each later sign-in, and is refused once
  they are in no mapped group.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from ..models import CouncilSettings, DirectoryGroupRole, RoleGrantRequest, Team, User
from ..permissions import is_administrator
from ..roles import ROLES_NEEDING_SECOND_ADMINISTRATOR, Role
from .errors import DomainError
from .history import field_changes_record
from .users import _role_grants_ask, _user_set_roles, _user_snapshot

logger = logging.getLogger("placements.security")
SOURCE = "directory sign-in"


def _require_administrator(actor: User) -> None:
    if not is_administrator(actor):
        raise DomainError("Only an administrator maps directory groups to roles")


@transaction.atomic
def group_role_save(
    *,
    group: str,
    name: str,
    role: str,
    team: Team | None,
    at_once: bool,
    actor: User,
) -> DirectoryGroupRole:
    """Map a directory group to a role (and, for new accounts, a team)."""
    _require_administrator(actor)
    # Matched whatever the case (Entra's object ids are lower case; a pasted one may not be).
    group, name = group.strip().lower(), " ".join(name.split())
    if not group:
        raise DomainError("Enter the group's id in the directory")
    if not name:
        raise DomainError("Say what the group is")
    if role not in Role.values:
        raise DomainError("Choose the role its members get")
    if at_once and role == Role.ADMINISTRATOR:
        raise DomainError(
            "Administrator is never given at once by a group: each one is approved by a "
            "second administrator"
        )
    if at_once and role not in ROLES_NEEDING_SECOND_ADMINISTRATOR:
        at_once = False  # roles anyone may give apply at once anyway
    try:
        with transaction.atomic():
            mapping = DirectoryGroupRole.objects.create(
                group=group, name=name, role=role, team=team, at_once=at_once, created_by=actor
            )
    except IntegrityError as error:
        raise DomainError(f"That group already gives the role {Role(role).label}") from error
    logger.info(
        "directory group %s mapped to %s%s by user %s",
        group,
        role,
        " at once" if at_once else "",
        actor.pk,
    )
    return mapping


@transaction.atomic
def group_role_remove(*, mapping: DirectoryGroupRole, actor: User) -> None:
    _require_administrator(actor)
    logger.info(
        "directory group %s no longer gives %s (user %s)", mapping.group, mapping.role, actor.pk
    )
    mapping.delete()


def _groups(claims: dict[str, Any], claim: str) -> list[str]:
    found = claims.get(claim) or []
    if isinstance(found, str):
        found = [found]
    return [str(group).strip().lower() for group in found if str(group).strip()]


def _apply(user: User, mappings: Iterable[DirectoryGroupRole]) -> None:
    """Give the mapped roles anyone may give, and ask for the others (or give them, where
    the administrator said at once)."""
    mappings = list(mappings)
    before = _user_snapshot(user)
    at_once = {
        m.role for m in mappings if m.role not in ROLES_NEEDING_SECOND_ADMINISTRATOR or m.at_once
    }
    if at_once - set(user.role_set):
        _user_set_roles(user, set(user.role_set) | at_once)
        field_changes_record(
            instance=user, before=before, after=_user_snapshot(user), actor=None, source=SOURCE
        )
    refused = set(
        RoleGrantRequest.objects.filter(
            user=user, decision=RoleGrantRequest.Decision.REFUSED
        ).values_list("role", flat=True)
    )
    for mapping in mappings:
        role = mapping.role
        # Not asked again once a second administrator has refused it for this person.
        if role in at_once or role in user.role_set or role in refused:
            continue
        # Asked for in the name of the administrator who mapped the group.
        if mapping.created_by_id != user.pk:
            _role_grants_ask(user=user, roles=[role], actor=mapping.created_by)


@transaction.atomic
def directory_account(*, claims: dict[str, Any], email: str, groups_claim: str) -> User | None:
    """A new account for someone the directory vouches for, from their groups' roles; or
    None when the council makes no accounts or they are in no mapped group."""
    if not CouncilSettings.load().sso_create_accounts:
        return None
    mappings = list(
        DirectoryGroupRole.objects.filter(group__in=_groups(claims, groups_claim)).select_related(
            "created_by"
        )
    )
    if not mappings:
        return None
    team = next((m.team for m in mappings if m.team_id), None)
    user = User.objects.create(
        email=email.lower(),
        full_name=str(claims.get("name") or email)[:200],
        team=team,
        sso_subject=claims["sub"],
        created_from_directory=True,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _apply(user, mappings)
    logger.info("account made for user %s from the directory", user.pk)
    return user


@transaction.atomic
def directory_roles_follow(*, user: User, claims: dict[str, Any], groups_claim: str) -> bool:
    """At a later sign-in of an account made from the directory: the roles of groups
    newly mapped; False (refused) when they are in no mapped group any more."""
    mappings = list(
        DirectoryGroupRole.objects.filter(group__in=_groups(claims, groups_claim)).select_related(
            "created_by"
        )
    )
    if not mappings:
        return False
    _apply(User.objects.select_for_update().get(pk=user.pk), mappings)
    return True
