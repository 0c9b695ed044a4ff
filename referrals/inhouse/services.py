"""The duty worker records which carers were asked in an in-house round and what they
said; the referral's chronology notes each (by the carers' reference only)."""

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.permissions import Capability, user_can
from placements.services import DomainError
from providers.fostering.models import FosterCarer
from referrals.common import chronology_add
from referrals.models import CarerEnquiry, ChronologyEntry, SearchRound


def _duty(actor: User) -> None:
    if not user_can(actor, Capability.MANAGE_CARERS):
        raise DomainError("Only the fostering service's duty worker records this")


@transaction.atomic
def carer_ask(*, search_round: SearchRound, carer: FosterCarer, actor: User) -> CarerEnquiry:
    _duty(actor)
    locked = SearchRound.objects.select_for_update().get(pk=search_round.pk)
    if locked.kind != SearchRound.Kind.IN_HOUSE:
        raise DomainError("Carers are asked in the in-house round")
    if locked.status != SearchRound.Status.OPEN:
        raise DomainError("This round is closed")
    if not carer.is_active:
        raise DomainError("These carers are no longer fostering")
    enquiry, created = CarerEnquiry.objects.get_or_create(
        search_round=locked, carer=carer, defaults={"asked_by": actor}
    )
    if not created:
        raise DomainError(f"{carer.reference} has already been asked")
    chronology_add(
        referral=locked.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"In-house round {locked.number}: carers {carer.reference} asked",
    )
    return enquiry


@transaction.atomic
def carer_answer(*, enquiry: CarerEnquiry, answer: str, note: str, actor: User) -> CarerEnquiry:
    _duty(actor)
    offers = (CarerEnquiry.Answer.YES, CarerEnquiry.Answer.EMERGENCY, CarerEnquiry.Answer.NO)
    if answer not in offers:
        raise DomainError("Say whether the carers could offer a home")
    if answer == CarerEnquiry.Answer.NO and not note.strip():
        raise DomainError("Say why the carers cannot offer a home")
    if answer == CarerEnquiry.Answer.EMERGENCY:
        carer = FosterCarer.objects.get(pk=enquiry.carer_id)
        if "emergency" not in carer.care_types:
            raise DomainError(
                f"{carer.reference} is not approved for emergency care: record what else they said"
            )
    locked = (
        CarerEnquiry.objects.select_for_update()
        .select_related("search_round__referral", "carer")
        .get(pk=enquiry.pk)
    )
    if locked.answer != CarerEnquiry.Answer.WAITING:
        raise DomainError(f"{locked.carer.reference}'s answer is already recorded")
    locked.answer, locked.note, locked.answered_at = answer, note.strip(), timezone.now()
    locked.save(update_fields=["answer", "note", "answered_at"])
    said = {
        CarerEnquiry.Answer.YES: "could offer a home",
        CarerEnquiry.Answer.EMERGENCY: "could offer an emergency home for up to 72 hours "
        "while a longer-term carer is found",
        CarerEnquiry.Answer.NO: "cannot offer a home",
    }[CarerEnquiry.Answer(answer)]
    chronology_add(
        referral=locked.search_round.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"In-house round {locked.search_round.number}: carers {locked.carer.reference} "
        f"{said}" + (f": {locked.note}" if locked.note else ""),
    )
    return locked
