"""Siblings who cannot all be placed together: brokerage, the fostering service or the
social worker records why; the social worker says who should stay with whom; a team
manager of the referral's team agrees it or sends it back. The in-house round then
looks for a home for each group."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.permissions import Capability, user_can
from placements.services import DomainError
from referrals.common import chronology_add, referral_email
from referrals.models import Child, ChronologyEntry, Referral, SearchRound, SiblingSplit
from referrals.selectors import referral_endorsers
from referrals.workflow import is_social_worker_side

OPEN = (SiblingSplit.Status.RAISED, SiblingSplit.Status.PROPOSED)
SEARCHING = (Referral.Status.APPROVED, Referral.Status.ACCEPTED)


@dataclass(frozen=True)
class Group:
    number: int
    children: list[Child]
    names: str


def child_names(children: list[Child]) -> list[str]:
    """Each child's first name, told apart by their place in the referral where two
    share one."""
    firsts = [child.first_name for child in children]
    return [
        f"{first} (child {n})" if firsts.count(first) > 1 else first
        for n, first in enumerate(firsts, start=1)
    ]


def groups_of(split: SiblingSplit, children: list[Child]) -> list[Group]:
    """The split's groups with the referral's children in them, in the order given."""
    named = zip(children, child_names(children), strict=True)
    by_pk = {child.pk: (child, name) for child, name in named}
    found = []
    for number, pks in enumerate(split.groups, start=1):
        members = [by_pk[pk] for pk in pks if pk in by_pk]
        found.append(
            Group(number, [child for child, _ in members], ", ".join(n for _, n in members))
        )
    return found


def plan_stamp(split: SiblingSplit) -> str:
    return str(int(split.proposed_at.timestamp() * 1_000_000)) if split.proposed_at else ""


def agreed_split(referral: Referral) -> SiblingSplit | None:
    return referral.sibling_splits.filter(status=SiblingSplit.Status.AGREED).last()


def open_split(referral: Referral) -> SiblingSplit | None:
    return referral.sibling_splits.filter(status__in=OPEN).first()


def may_raise(user: User, referral: Referral) -> bool:
    """Whoever works on finding the children a home: brokerage, the fostering service once
    an in-house round has gone to it, or the social worker's side."""
    if user_can(user, Capability.WORK_ACTION_LIST) or is_social_worker_side(user, referral):
        return True
    return (
        user_can(user, Capability.MANAGE_CARERS)
        and referral.search_rounds.filter(
            kind=SearchRound.Kind.IN_HOUSE, sent_at__isnull=False
        ).exists()
    )


def _locked(referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if locked.status not in SEARCHING:
        raise DomainError("The children's homes are decided while the search is open")
    return locked


def _note(referral: Referral, actor: User, text: str) -> None:
    chronology_add(referral=referral, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text)


@transaction.atomic
def split_raise(*, referral: Referral, reason: str, actor: User) -> SiblingSplit:
    locked = _locked(referral)
    if not may_raise(actor, locked):
        raise DomainError("Only those looking for the children's home record this")
    if locked.children.count() < 2:
        raise DomainError("This referral is for one child")
    if not reason.strip():
        raise DomainError("Say why the children cannot all be placed together")
    if open_split(locked):
        raise DomainError("This is already waiting for a decision")
    split = SiblingSplit.objects.create(referral=locked, reason=reason.strip(), raised_by=actor)
    _note(locked, actor, f"The children cannot all be placed together: {split.reason}")
    referral_email(
        locked,
        to=[locked.social_worker.email],
        template="siblings_plan_needed",
        key=f"split-{split.pk}",
        who=actor,
    )
    return split


def _groups_checked(referral: Referral, groups: list[list[int]]) -> list[list[int]]:
    children = set(referral.children.values_list("pk", flat=True))
    groups = [sorted(set(group)) for group in groups if group]
    placed = [pk for group in groups for pk in group]
    if set(placed) - children:
        raise DomainError("Choose from this referral's children")
    if len(placed) != len(set(placed)):
        raise DomainError("Put each child in one group only")
    if set(placed) != children:
        raise DomainError("Put every child in a group")
    if len(groups) < 2:
        raise DomainError("Put the children in two groups at least: they cannot all be together")
    return groups


@transaction.atomic
def split_propose(
    *, split: SiblingSplit, groups: list[list[int]], note: str, actor: User
) -> SiblingSplit:
    """The social worker's plan: who should stay with whom, and why."""
    locked_referral = _locked(split.referral)
    if not is_social_worker_side(actor, locked_referral):
        raise DomainError("Only the children's social worker or their team says this")
    locked = SiblingSplit.objects.select_for_update().get(pk=split.pk)
    if locked.status == SiblingSplit.Status.PROPOSED:
        raise DomainError("Your plan is with a team manager: it can change if they send it back")
    if locked.status not in OPEN:
        raise DomainError("This decision is closed")
    if not note.strip():
        raise DomainError("Say why the children should be grouped this way")
    locked.groups = _groups_checked(locked_referral, groups)
    locked.plan_note = note.strip()
    locked.status = SiblingSplit.Status.PROPOSED
    locked.proposed_by, locked.proposed_at = actor, timezone.now()
    locked.save(update_fields=["groups", "plan_note", "status", "proposed_by", "proposed_at"])
    _note(locked_referral, actor, "Who should stay with whom proposed for a team manager")
    referral_email(
        locked_referral,
        to=[user.email for user in referral_endorsers(locked_referral).people],
        template="siblings_plan_proposed",
        key=f"split-{locked.pk}-{locked.proposed_at.timestamp()}",
        who=actor,
    )
    return locked


@transaction.atomic
def split_decide(
    *, split: SiblingSplit, agree: bool, comment: str, actor: User, seen: str | None = None
) -> SiblingSplit:
    """A team manager agrees the plan as they read it (`seen`: its proposal's stamp), or
    sends it back to the social worker saying why."""
    locked_referral = _locked(split.referral)
    if actor not in referral_endorsers(locked_referral).people:
        raise DomainError("Only a team manager of the children's team decides this")
    locked = SiblingSplit.objects.select_for_update().get(pk=split.pk)
    if locked.status != SiblingSplit.Status.PROPOSED:
        raise DomainError("There is no plan waiting for a decision")
    if seen is not None and seen != plan_stamp(locked):
        raise DomainError("The plan has changed since you read it: read it again")
    if locked.proposed_by_id == actor.pk:
        raise DomainError("Someone other than who proposed the plan agrees it")
    if not agree and not comment.strip():
        raise DomainError("Say what should change")
    locked.manager_comment = comment.strip()
    if agree:
        locked.status = SiblingSplit.Status.AGREED
        locked.decided_by, locked.decided_at = actor, timezone.now()
        # The one agreed before stands no longer.
        SiblingSplit.objects.filter(
            referral=locked_referral, status=SiblingSplit.Status.AGREED
        ).update(status=SiblingSplit.Status.WITHDRAWN)
        _note(locked_referral, actor, "Who should stay with whom agreed")
    else:
        locked.status = SiblingSplit.Status.RAISED
        _note(locked_referral, actor, f"Who should stay with whom sent back: {comment.strip()}")
    locked.save(update_fields=["status", "manager_comment", "decided_by", "decided_at"])
    referral_email(
        locked_referral,
        to=[locked_referral.social_worker.email, locked.raised_by.email],
        template="siblings_plan_decided",
        key=f"split-{locked.pk}-{timezone.now().timestamp()}",
        who=actor,
        split=locked,
    )
    return locked


@transaction.atomic
def split_together(*, referral: Referral, reason: str, actor: User) -> None:
    """The children can all be placed together after all: the open decision, and the
    plan agreed before, stand no longer."""
    locked = _locked(referral)
    if not may_raise(actor, locked):
        raise DomainError("Only those looking for the children's home record this")
    if not reason.strip():
        raise DomainError("Say why the children can be placed together")
    ended = SiblingSplit.objects.filter(
        referral=locked, status__in=[*OPEN, SiblingSplit.Status.AGREED]
    ).update(status=SiblingSplit.Status.WITHDRAWN)
    if not ended:
        raise DomainError("Nothing says the children are to be placed apart")
    _note(locked, actor, f"The children can be placed together: {reason.strip()}")
