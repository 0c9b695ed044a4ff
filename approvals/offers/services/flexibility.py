"""No offer suitable: recorded, and the social worker asked where there is flexibility
before the referral is revised and searched again; their answer goes to the officer."""

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.services import DomainError
from referrals.common import chronology_add, referral_email
from referrals.models import ChronologyEntry, Referral
from referrals.workflow import is_social_worker_side

from ..models import FlexibilityRequest, Shortlist
from .common import brokerage_referral, officer_emails


@transaction.atomic
def no_suitable_options(*, referral: Referral, why: str, actor: User) -> FlexibilityRequest:
    """No offer meets the child's needs: recorded, and the social worker is asked where
    there is flexibility before the referral is revised and searched again."""
    locked = brokerage_referral(referral, actor)
    if not why.strip():
        raise DomainError("Say why none of the offers is suitable")
    if locked.shortlists.filter(status=Shortlist.Status.AWAITING).exists():
        raise DomainError("Options are with the social worker: wait for their answer first")
    asked = FlexibilityRequest.objects.create(referral=locked, why=why.strip(), asked_by=actor)
    referral_email(
        locked,
        to=[locked.social_worker.email],
        template="flexibility_asked",
        key=f"flexibility-{asked.pk}",
        why=asked.why,
    )
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"No suitable options: {asked.why}. The social worker is asked where there is "
        "flexibility.",
    )
    return asked


@transaction.atomic
def flexibility_answer(
    *, asked: FlexibilityRequest, answer: str, actor: User
) -> FlexibilityRequest:
    """The social worker says where there is flexibility (or that there is none) for the
    next search; the officer is told."""
    locked = (
        FlexibilityRequest.objects.select_for_update(of=("self",))
        .select_related("referral__assigned_officer")
        .get(pk=asked.pk)
    )
    referral = locked.referral
    if not is_social_worker_side(actor, referral):
        raise DomainError("Only the child's social worker or their team answers this")
    if locked.answered_at:
        raise DomainError("This has already been answered")
    if not answer.strip():
        raise DomainError("Say where there is flexibility, or that there is none")
    locked.answer = answer.strip()
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    referral_email(
        referral,
        to=officer_emails(referral) or [locked.asked_by.email],
        template="flexibility_answered",
        key=f"flexibility-answer-{locked.pk}",
        answer=locked.answer,
    )
    chronology_add(
        referral=referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"The social worker's flexibility for the next search: {locked.answer}",
    )
    return locked
