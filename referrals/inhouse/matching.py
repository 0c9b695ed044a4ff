"""Matching carers who could offer a home to the child, step by step: the fostering
service's duty worker shares the carers' profile with the child's social worker, asks
the social workers and IROs of the children already living with them, and completes the
matching form; the social worker says whether they are happy with the match; a team
manager of the referral's team signs the form off once all are in agreement. Each step
is noted in the referral's chronology by the carers' reference."""

from django.db import transaction
from django.utils import timezone

from placements.models import CouncilSettings, User
from placements.permissions import Capability, user_can
from placements.services import DomainError
from placements.services.outbox import outbox_enqueue_many
from providers.fostering.services import children_now
from referrals.common import chronology_add, referral_email
from referrals.models import CarerEnquiry, CarerMatch, ChronologyEntry, MatchConsultation
from referrals.selectors import referral_endorsers
from referrals.workflow import is_social_worker_side

OFFERED = (CarerEnquiry.Answer.YES, CarerEnquiry.Answer.EMERGENCY)


def _duty(actor: User) -> None:
    if not user_can(actor, Capability.MANAGE_CARERS):
        raise DomainError("Only the fostering service's duty worker records this")


def _locked(match: CarerMatch) -> CarerMatch:
    locked = (
        CarerMatch.objects.select_for_update(of=("self",))
        .select_related("enquiry__carer", "enquiry__search_round__referral__team")
        .get(pk=match.pk)
    )
    if locked.ended_at:
        raise DomainError("This match is not going ahead")
    if locked.signed_off_at:
        raise DomainError("This match is signed off")
    return locked


def _note(match: CarerMatch, actor: User, said: str) -> None:
    enquiry = match.enquiry
    chronology_add(
        referral=enquiry.search_round.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Matching with carers {enquiry.carer.reference}: {said}",
    )


def match_waiting_for(match: CarerMatch, consultations: list[MatchConsultation]) -> list[str]:
    """What the match still waits for before a team manager may sign it off."""
    waiting = []
    if match.profile_shared_at is None:
        waiting.append("the carers' profile to be shared with the social worker")
    if match.social_worker_view == CarerMatch.View.WAITING:
        waiting.append("the social worker to say whether they are happy with the match")
    elif match.social_worker_view == CarerMatch.View.NOT_HAPPY:
        waiting.append("the social worker is not happy with the match")
    for c in consultations:
        whose = f"{c.child.initials}'s {c.get_asked_display().lower()}"
        if c.answer == MatchConsultation.Answer.WAITING:
            waiting.append(f"{whose} ({c.name}) to answer")
        elif c.answer == MatchConsultation.Answer.CONCERNS:
            waiting.append(f"{whose} ({c.name}) has concerns")
    if match.form_at is None:
        waiting.append("the matching form to be completed")
    return waiting


@transaction.atomic
def match_start(*, enquiry: CarerEnquiry, actor: User) -> CarerMatch:
    """Open matching for carers who said they could offer a home; everyone who looks
    after a child already living with them is recorded to be asked, and emailed."""
    _duty(actor)
    locked = (
        CarerEnquiry.objects.select_for_update(of=("self",))
        .select_related("carer", "search_round__referral")
        .get(pk=enquiry.pk)
    )
    if locked.answer not in OFFERED:
        raise DomainError(f"{locked.carer.reference} have not said they could offer a home")
    if CarerMatch.objects.filter(enquiry=locked).exists():
        raise DomainError(f"Matching with {locked.carer.reference} has already started")
    match = CarerMatch.objects.create(enquiry=locked, started_by=actor)
    consultations = []
    for child in children_now(locked.carer):
        consultations += [
            MatchConsultation(
                match=match,
                child=child,
                asked=MatchConsultation.Asked.SOCIAL_WORKER,
                name=child.social_worker,
                email=child.social_worker_email,
            ),
            MatchConsultation(
                match=match,
                child=child,
                asked=MatchConsultation.Asked.IRO,
                name=child.iro,
                email=child.iro_email,
            ),
        ]
    MatchConsultation.objects.bulk_create(consultations)
    council = CouncilSettings.load()
    # What they are told: the carers' reference and their own child's initials, nothing
    # of the child being matched.
    outbox_enqueue_many(
        (
            f"match_consultation:{c.pk}",
            [c.email],
            "match_consultation",
            {
                "consultation": c,
                "carer_reference": locked.carer.reference,
                "initials": c.child.initials,
                "duty": actor,
                "council": council,
            },
        )
        for c in MatchConsultation.objects.filter(match=match).select_related("child")
    )
    asked = f"; {len(consultations)} social workers and IROs asked" if consultations else ""
    _note(match, actor, f"started{asked}")
    return match


@transaction.atomic
def profile_share(*, match: CarerMatch, actor: User) -> CarerMatch:
    """Share the carers' profile (their household, approval, training and experience)
    with the child's social worker, who is emailed a link to it."""
    _duty(actor)
    locked = _locked(match)
    if locked.profile_shared_at:
        raise DomainError("The profile has already been shared")
    locked.profile_shared_at = timezone.now()
    locked.save(update_fields=["profile_shared_at"])
    referral = locked.enquiry.search_round.referral
    referral_email(
        referral,
        to=[referral.social_worker.email],
        template="carer_profile_shared",
        key=f"match-{locked.pk}",
        match=locked,
        carer_reference=locked.enquiry.carer.reference,
    )
    _note(locked, actor, "profile shared with the social worker")
    return locked


@transaction.atomic
def social_worker_view(*, match: CarerMatch, view: str, note: str, actor: User) -> CarerMatch:
    locked = _locked(match)
    referral = locked.enquiry.search_round.referral
    if not is_social_worker_side(actor, referral):
        raise DomainError("Only the child's social worker or their team says this")
    if locked.profile_shared_at is None:
        raise DomainError("The carers' profile has not been shared with you yet")
    if view not in (CarerMatch.View.HAPPY, CarerMatch.View.NOT_HAPPY):
        raise DomainError("Say whether you are happy with the match")
    if view == CarerMatch.View.NOT_HAPPY and not note.strip():
        raise DomainError("Say why you are not happy with the match")
    locked.social_worker_view, locked.social_worker_note = view, note.strip()
    locked.social_worker_by, locked.social_worker_at = actor, timezone.now()
    locked.save(
        update_fields=[
            "social_worker_view",
            "social_worker_note",
            "social_worker_by",
            "social_worker_at",
        ]
    )
    _note(locked, actor, f"the social worker is {locked.get_social_worker_view_display().lower()}")
    _tell_managers_if_ready(locked)
    return locked


@transaction.atomic
def consultation_answer(
    *, consultation: MatchConsultation, answer: str, note: str, actor: User
) -> MatchConsultation:
    _duty(actor)
    locked_match = _locked(consultation.match)
    locked = MatchConsultation.objects.select_related("child").get(
        pk=consultation.pk, match=locked_match
    )
    if answer not in (MatchConsultation.Answer.NO_CONCERNS, MatchConsultation.Answer.CONCERNS):
        raise DomainError("Say whether they have concerns")
    if answer == MatchConsultation.Answer.CONCERNS and not note.strip():
        raise DomainError("Say what their concerns are")
    locked.answer, locked.note = answer, note.strip()
    locked.answered_at, locked.recorded_by = timezone.now(), actor
    locked.save(update_fields=["answer", "note", "answered_at", "recorded_by"])
    _note(
        locked_match,
        actor,
        f"{locked.child.initials}'s {locked.get_asked_display().lower()}: "
        f"{locked.get_answer_display().lower()}",
    )
    _tell_managers_if_ready(locked_match)
    return locked


@transaction.atomic
def match_form_save(
    *, match: CarerMatch, needs: str, skills: str, support: str, actor: User
) -> CarerMatch:
    """The matching form: the child's needs and the carers' skills to meet them (both
    needed), and the support the carers will need."""
    _duty(actor)
    locked = _locked(match)
    if not needs.strip():
        raise DomainError("Describe the child's needs")
    if not skills.strip():
        raise DomainError("Describe the carers' skills and experience to meet them")
    locked.needs, locked.skills, locked.support = needs.strip(), skills.strip(), support.strip()
    locked.form_by, locked.form_at = actor, timezone.now()
    locked.save(update_fields=["needs", "skills", "support", "form_by", "form_at"])
    _note(locked, actor, "matching form completed")
    _tell_managers_if_ready(locked)
    return locked


def _consultations(match: CarerMatch) -> list[MatchConsultation]:
    return list(match.consultations.select_related("child"))


def _tell_managers_if_ready(match: CarerMatch) -> None:
    if match_waiting_for(match, _consultations(match)):
        return
    referral = match.enquiry.search_round.referral
    referral_email(
        referral,
        to=[user.email for user in referral_endorsers(referral).people],
        template="match_ready",
        key=f"match-{match.pk}",
        match=match,
        carer_reference=match.enquiry.carer.reference,
    )


@transaction.atomic
def match_sign_off(*, match: CarerMatch, actor: User) -> CarerMatch:
    """A team manager of the referral's team (or, where it has none, a service lead in
    their place) signs the matching form off once everyone is in agreement."""
    locked = _locked(match)
    referral = locked.enquiry.search_round.referral
    if actor not in referral_endorsers(referral).people:
        raise DomainError("Only a team manager of the child's team signs the match off")
    waiting = match_waiting_for(locked, _consultations(locked))
    if waiting:
        raise DomainError("The match cannot be signed off yet: it waits for " + "; ".join(waiting))
    signed = CarerMatch.objects.filter(
        enquiry__search_round__referral=referral, signed_off_at__isnull=False
    ).exclude(pk=locked.pk)
    if signed.exists():
        raise DomainError("Another match for this referral is already signed off")
    locked.signed_off_by, locked.signed_off_at = actor, timezone.now()
    locked.save(update_fields=["signed_off_by", "signed_off_at"])
    _note(locked, actor, "matching form signed off")
    referral_email(
        referral,
        to=[referral.social_worker.email, locked.started_by.email],
        template="match_signed_off",
        key=f"match-{locked.pk}",
        match=locked,
        carer_reference=locked.enquiry.carer.reference,
        who=actor,
    )
    return locked


@transaction.atomic
def match_end(*, match: CarerMatch, reason: str, actor: User) -> CarerMatch:
    """The match does not go ahead: the duty worker, or a team manager who will not sign
    it off, says why."""
    locked = _locked(match)
    referral = locked.enquiry.search_round.referral
    manager = actor in referral_endorsers(referral).people
    if not (user_can(actor, Capability.MANAGE_CARERS) or manager):
        raise DomainError("Only the duty worker or a team manager of the child's team ends it")
    if not reason.strip():
        raise DomainError("Say why the match is not going ahead")
    locked.ended_by, locked.ended_at, locked.end_reason = actor, timezone.now(), reason.strip()
    locked.save(update_fields=["ended_by", "ended_at", "end_reason"])
    _note(locked, actor, f"not going ahead: {locked.end_reason}")
    return locked
