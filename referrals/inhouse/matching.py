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
from referrals.models import (
    CarerEnquiry,
    CarerMatch,
    ChronologyEntry,
    MatchConsultation,
    Referral,
)
from referrals.selectors import referral_endorsers
from referrals.workflow import is_social_worker_side

OFFERED = (CarerEnquiry.Answer.YES, CarerEnquiry.Answer.EMERGENCY)
SEARCHING = (Referral.Status.APPROVED, Referral.Status.ACCEPTED)


def _duty(actor: User) -> None:
    if not user_can(actor, Capability.MANAGE_CARERS):
        raise DomainError("Only the fostering service's duty worker records this")


def _referral_locked(referral_id: int) -> Referral:
    """The referral, locked first so steps on its matches take turns; matching is done
    while the search is open."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral_id)
    if referral.status not in SEARCHING:
        raise DomainError("Matching is done while the search is open")
    return referral


def _locked(match: CarerMatch) -> CarerMatch:
    _referral_locked(
        CarerMatch.objects.values_list("enquiry__search_round__referral_id", flat=True).get(
            pk=match.pk
        )
    )
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


def unasked_children(match: CarerMatch, consultations: list[MatchConsultation]) -> list:
    """Children living with the carers now whose social worker and IRO were not asked
    (they came after matching started)."""
    asked = {c.child_id for c in consultations}
    return [child for child in children_now(match.enquiry.carer) if child.pk not in asked]


def match_waiting_for(
    match: CarerMatch, consultations: list[MatchConsultation], *, detail: bool = True
) -> list[str]:
    """What the match still waits for before a team manager may sign it off. Without
    `detail`, the other children are not named (for those who do not look after them)."""
    waiting = []
    if match.profile_shared_at is None:
        waiting.append("the carers' profile to be shared with the social worker")
    if match.social_worker_view == CarerMatch.View.WAITING:
        waiting.append("the social worker to say whether they are happy with the match")
    elif match.social_worker_view == CarerMatch.View.NOT_HAPPY:
        waiting.append("the social worker is not happy with the match")
    for child in unasked_children(match, consultations):
        waiting.append(
            f"{child.initials if detail else 'a child'} came to live with the carers after "
            "matching started: their social worker and IRO are to be asked"
        )
    for c in consultations:
        whose = (
            f"{c.child.initials}'s {c.get_asked_display().lower()} ({c.name})"
            if detail
            else f"the {c.get_asked_display().lower()} of a child living with the carers"
        )
        if c.answer == MatchConsultation.Answer.WAITING:
            waiting.append(f"{whose} to answer")
        elif c.answer == MatchConsultation.Answer.CONCERNS:
            waiting.append(f"{whose} has concerns")
    if match.form_at is None:
        waiting.append("the matching form to be completed")
    return waiting


def _consult(match: CarerMatch, children: list, actor: User) -> int:
    """Record the social worker and IRO of each child as asked, and email them: the
    carers' reference and their own child's initials, nothing of the child matched."""
    made = MatchConsultation.objects.bulk_create(
        MatchConsultation(match=match, child=child, asked=asked, name=name, email=email)
        for child in children
        for asked, name, email in (
            (MatchConsultation.Asked.SOCIAL_WORKER, child.social_worker, child.social_worker_email),
            (MatchConsultation.Asked.IRO, child.iro, child.iro_email),
        )
    )
    council = CouncilSettings.load()
    outbox_enqueue_many(
        (
            f"match_consultation:{c.pk}",
            [c.email],
            "match_consultation",
            {
                "consultation": c,
                "carer_reference": match.enquiry.carer.reference,
                "initials": c.child.initials,
                "duty": actor,
                "council": council,
            },
        )
        for c in MatchConsultation.objects.filter(pk__in=[c.pk for c in made]).select_related(
            "child"
        )
    )
    return len(made)


@transaction.atomic
def match_start(
    *, enquiry: CarerEnquiry, actor: User, children: list[int] | None = None
) -> CarerMatch:
    """Open matching for carers who said they could offer a home, for all the referral's
    children or (siblings placed apart) some of them; everyone who looks after a child
    already living with the carers is recorded to be asked, and emailed."""
    _duty(actor)
    referral = _referral_locked(enquiry.search_round.referral_id)
    locked = (
        CarerEnquiry.objects.select_for_update(of=("self",))
        .select_related("carer", "search_round")
        .get(pk=enquiry.pk)
    )
    if locked.answer not in OFFERED:
        raise DomainError(f"{locked.carer.reference} have not said they could offer a home")
    if CarerMatch.objects.filter(enquiry=locked, ended_at__isnull=True).exists():
        raise DomainError(f"Matching with {locked.carer.reference} has already started")
    everyone = list(referral.children.values_list("pk", flat=True))
    chosen = sorted(set(children)) if children else everyone
    if not set(chosen) <= set(everyone):
        raise DomainError("Choose from this referral's children")
    match = CarerMatch.objects.create(enquiry=locked, children=chosen, started_by=actor)
    asked = _consult(match, children_now(locked.carer), actor)
    _note(match, actor, f"started; {asked} social workers and IROs asked" if asked else "started")
    return match


@transaction.atomic
def match_consult_new(*, match: CarerMatch, actor: User) -> int:
    """Ask about the children who came to live with the carers after matching started."""
    _duty(actor)
    locked = _locked(match)
    new = unasked_children(locked, _consultations(locked))
    if not new:
        raise DomainError("Everyone who looks after a child living with the carers is asked")
    asked = _consult(locked, new, actor)
    _note(locked, actor, f"{asked} more social workers and IROs asked")
    return asked


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
    # Of another child: their initials stay out of this child's record.
    _note(
        locked_match,
        actor,
        f"the {locked.get_asked_display().lower()} of a child living with the carers: "
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
        key=f"match-{match.pk}-{match_stamp(match, _consultations(match))}",
        match=match,
        carer_reference=match.enquiry.carer.reference,
    )


def match_stamp(match: CarerMatch, consultations: list[MatchConsultation]) -> str:
    """What the match stood on when it was read: a sign-off is of what the manager saw."""
    moments = [match.profile_shared_at, match.social_worker_at, match.form_at] + [
        c.answered_at for c in consultations
    ]
    return str(int(max((m.timestamp() for m in moments if m), default=0) * 1_000_000))


@transaction.atomic
def match_sign_off(*, match: CarerMatch, actor: User, seen: str | None = None) -> CarerMatch:
    """A team manager of the referral's team (or, where it has none, a service lead in
    their place) signs the matching form off once everyone is in agreement, as they read
    it (`seen`, the match's stamp then). One longer-term home, and one emergency home,
    is signed off for each child."""
    locked = _locked(match)
    referral = locked.enquiry.search_round.referral
    if actor not in referral_endorsers(referral).people:
        raise DomainError("Only a team manager of the child's team signs the match off")
    consultations = _consultations(locked)
    if seen is not None and seen != match_stamp(locked, consultations):
        raise DomainError("The match has changed since you read it: read it again")
    waiting = match_waiting_for(locked, consultations)
    if waiting:
        raise DomainError("The match cannot be signed off yet: it waits for " + "; ".join(waiting))
    emergency = locked.enquiry.answer == CarerEnquiry.Answer.EMERGENCY
    # Matches of the same answer: an emergency home stands beside a longer-term one.
    signed = CarerMatch.objects.filter(
        enquiry__search_round__referral=referral,
        signed_off_at__isnull=False,
        enquiry__answer=locked.enquiry.answer,
    ).exclude(pk=locked.pk)
    if any(set(other.children) & set(locked.children) for other in signed):
        raise DomainError(
            "A match for "
            + ("an emergency home" if emergency else "a home")
            + " for these children is already signed off"
        )
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
