"""Every write to a referral: drafting, submitting, withdrawing, the chronology."""

import datetime as dt
import logging
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import capfirst, slugify

from placements.calendar import working_day_deadline
from placements.models import CouncilSettings, User
from placements.roles import Role
from placements.services import DomainError, field_changes_record, shown_value

from ..anonymise.residual import looks_personal
from ..anonymise.text import fold
from ..completeness import missing_summary, referral_missing_answers
from ..models import (
    AllowedWord,
    Child,
    ChronologyEntry,
    DesiredOutcome,
    PackFlag,
    PersonAroundChild,
    PlacementType,
    ProviderExclusion,
    QARound,
    Referral,
    ResourceRequest,
)
from ..pack import (
    build_pack,
    pack_content,
    referral_fingerprint,
    referral_redactor,
    words_to_check,
)
from ..selectors import referral_endorsers, service_leads
from ..workflow import (
    Status,
    referral_is_editable,
    transition,
    user_may_accept_emergency,
    user_may_qa,
)
from .common import _brokerage, chronology_add, referral_email
from .search import search_end

logger = logging.getLogger(__name__)

NEEDS_FIELDS = [
    "kind",
    "is_urgent",
    "placement_type",
    "date_needed",
    "expected_duration",
    "location_preferences",
    "location_restrictions",
    "education_needed",
    "therapy_needed",
    "education_therapy_details",
    "weekly_budget",
    "siblings",
    "sibling_arrangement",
]


def _editable(referral: Referral, actor) -> Referral:
    """Lock a referral the social worker is changing; refuse once it has gone on."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral_is_editable(locked):
        raise DomainError(
            f"This referral is {locked.get_status_display().lower()}, so it cannot be changed now"
        )
    return locked


@transaction.atomic
def referral_start(*, social_worker: User) -> Referral:
    if social_worker.team_id is None:
        raise DomainError("You need to be in a team to start a referral. Ask the administrator")
    referral = Referral.objects.create(social_worker=social_worker, team=social_worker.team)
    chronology_add(
        referral=referral,
        actor=social_worker,
        kind=ChronologyEntry.Kind.EDIT,
        text="Draft referral started",
    )
    return referral


def _record_edit(referral, before: Mapping[str, str], after: Mapping[str, str], actor) -> None:
    changes = field_changes_record(instance=referral, before=before, after=after, actor=actor)
    # A draft's edits are only history; once submitted, edits are part of the case record.
    if changes and referral.submitted_at:
        listed = ", ".join(change.field for change in changes)
        chronology_add(
            referral=referral,
            actor=actor,
            kind=ChronologyEntry.Kind.EDIT,
            text=f"Changed: {listed}",
        )


@transaction.atomic
def referral_update_needs(*, referral: Referral, values: Mapping, actor) -> Referral:
    """Store the needs answers given (any of them: a draft may leave some for later)."""
    referral = _editable(referral, actor)
    labels = {name: str(Referral._meta.get_field(name).verbose_name) for name in NEEDS_FIELDS}
    before = {labels[n]: shown_value(referral, n) for n in values if n in labels}
    for name, value in values.items():
        if name not in NEEDS_FIELDS:
            raise ValueError(f"{name} is not a needs field")
        setattr(referral, name, value)
    referral.save(update_fields=[*values, "updated_at"])
    after = {labels[n]: shown_value(referral, n) for n in values}
    _record_edit(referral, before, after, actor)
    return referral


@transaction.atomic
def referral_update_profile(*, referral: Referral, getting_to_know_me: str, actor) -> Referral:
    referral = _editable(referral, actor)
    before = {"Getting to know me": referral.getting_to_know_me}
    referral.getting_to_know_me = getting_to_know_me
    referral.save(update_fields=["getting_to_know_me", "updated_at"])
    _record_edit(referral, before, {"Getting to know me": getting_to_know_me}, actor)
    return referral


def _child_shown(child: Child, names) -> dict[str, str]:
    return {
        str(capfirst(Child._meta.get_field(name).verbose_name)): shown_value(child, name)
        for name in names
    }


@transaction.atomic
def child_save(*, referral: Referral, values: Mapping, actor, child: Child | None = None) -> Child:
    referral = _editable(referral, actor)
    if child is None:
        if not str(values.get("first_name") or "").strip():
            raise DomainError("Enter the child's first name: a child is saved once they have one")
        child = Child(referral=referral)
        before = {}
    else:
        child = Child.objects.get(pk=child.pk, referral=referral)
        before = _child_shown(child, values)
    # Labelled by who the child was before this edit, so a rename reads as one.
    who = (
        child.full_name
        if child.pk
        else " ".join(filter(None, [values.get("first_name"), values.get("last_name")]))
    )
    for name, value in values.items():
        setattr(child, name, value)
    child.full_clean()
    child.save()
    after = _child_shown(child, values)
    _record_edit(
        referral,
        {f"{who}: {k}": v for k, v in before.items()},
        {f"{who}: {k}": v for k, v in after.items()},
        actor,
    )
    return child


@transaction.atomic
def child_remove(*, referral: Referral, child: Child, actor) -> None:
    referral = _editable(referral, actor)
    Child.objects.filter(pk=child.pk, referral=referral).delete()
    _record_edit(referral, {"Children": child.full_name}, {"Children": ""}, actor)


@transaction.atomic
def person_save(
    *, referral: Referral, values: Mapping, actor, person: PersonAroundChild | None = None
) -> PersonAroundChild:
    referral = _editable(referral, actor)
    if person is None and not str(values.get("full_name") or "").strip():
        raise DomainError("Enter the person's full name: a person is saved once they have one")
    person = (
        PersonAroundChild(referral=referral)
        if person is None
        else PersonAroundChild.objects.get(pk=person.pk, referral=referral)
    )
    before = {"Person": str(person)} if person.pk else {}
    for name, value in values.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    if referral.no_people_to_add:
        referral.no_people_to_add = False
        referral.save(update_fields=["no_people_to_add", "updated_at"])
    _record_edit(referral, before, {"Person": str(person)}, actor)
    return person


@transaction.atomic
def person_remove(*, referral: Referral, person: PersonAroundChild, actor) -> None:
    referral = _editable(referral, actor)
    PersonAroundChild.objects.filter(pk=person.pk, referral=referral).delete()
    _record_edit(referral, {"Person": str(person)}, {"Person": ""}, actor)


@transaction.atomic
def people_confirm_none(*, referral: Referral, actor) -> Referral:
    referral = _editable(referral, actor)
    if referral.people.exists():
        raise DomainError("Remove the people listed first, or leave them in")
    referral.no_people_to_add = True
    referral.save(update_fields=["no_people_to_add", "updated_at"])
    return referral


@transaction.atomic
def outcomes_set(*, referral: Referral, texts: Sequence[str], actor) -> list[DesiredOutcome]:
    """The desired outcomes as given, blanks left out. A draft may have none yet; the
    submit needs one to three."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if len(texts) > 3:
        raise DomainError("Give one, two or three desired outcomes")
    referral = _editable(referral, actor)
    before = {f"Outcome {o.position}": o.text for o in referral.outcomes.all()}
    referral.outcomes.all().delete()
    outcomes = DesiredOutcome.objects.bulk_create(
        [DesiredOutcome(referral=referral, position=n, text=t) for n, t in enumerate(texts, 1)]
    )
    after = {f"Outcome {n}": t for n, t in enumerate(texts, 1)}
    after.update({k: "" for k in before if k not in after})
    _record_edit(referral, before, after, actor)
    return outcomes


@transaction.atomic
def exclusion_add(*, referral: Referral, provider, reason: str, actor) -> ProviderExclusion:
    referral = _editable(referral, actor)
    if referral.exclusions.filter(provider=provider).exists():
        raise DomainError(f"{provider} is already on the list")
    exclusion = ProviderExclusion.objects.create(
        referral=referral, provider=provider, reason=reason
    )
    _record_edit(referral, {}, {f"Do not approach {provider}": reason}, actor)
    return exclusion


@transaction.atomic
def exclusion_remove(*, referral: Referral, exclusion: ProviderExclusion, actor) -> None:
    referral = _editable(referral, actor)
    ProviderExclusion.objects.filter(pk=exclusion.pk, referral=referral).delete()
    _record_edit(
        referral,
        {f"Do not approach {exclusion.provider}": exclusion.reason},
        {f"Do not approach {exclusion.provider}": ""},
        actor,
    )


def referral_service_leads(referral: Referral) -> list[str]:
    return [user.email for user in service_leads(referral)]


def _duty_leads() -> list[str]:
    return list(
        User.objects.filter(is_active=True, role_assignments__role=Role.DUTY_LEAD)
        .order_by("email")
        .values_list("email", flat=True)
    )


@transaction.atomic
def referral_submit(*, referral: Referral, actor, response: str = "") -> Referral:
    """Draft (or returned) → waiting for the team manager, once every section is complete.
    Returned by brokerage → back to brokerage, with what the social worker changed."""
    referral = _editable(referral, actor)
    missing = referral_missing_answers(referral)
    if missing:
        raise DomainError(
            "Complete these answers first: "
            + "; ".join(
                f"{section.title} ({missing_summary(answers)})" for section, answers in missing
            )
        )
    if referral.status == Status.QA_RETURNED:
        return _qa_answer(referral=referral, actor=actor, response=response)
    resubmission = referral.status == Status.RETURNED
    endorsers = referral_endorsers(referral).people
    is_emergency = referral.kind == Referral.Kind.EMERGENCY
    if not endorsers and not is_emergency:
        raise DomainError(
            f"Nobody can endorse this referral yet: {referral.team} has no team manager, and "
            "its service has fewer than two service leads to endorse and approve it in their "
            "place. Ask your administrator to give someone the team manager role, then "
            "submit it again."
        )

    def stamp(locked: Referral) -> list[str]:
        # The first submission: days open count from here, whatever returns follow.
        if not locked.submitted_at:
            locked.submitted_at = timezone.now()
        if not locked.reference:
            locked.reference = f"PR{locked.created_at:%y}-{locked.pk:05d}"
        return ["submitted_at", "reference"]

    referral = transition(
        referral=referral,
        to=Status.SUBMITTED,
        actor=actor,
        update=stamp,
        text="Resubmitted with the changes asked for" if resubmission else "Submitted",
    )
    step = referral.chronology.order_by("-pk").values_list("pk", flat=True).first()
    referral_email(
        referral,
        to=[user.email for user in endorsers],
        template="referral_waiting_approval",
        key=f"waiting-tm-{step}",
        step="endorse",
    )
    if is_emergency:
        # An emergency cannot wait for the endorsement: the duty lead and the brokerage
        # inbox hear at once, so the search can start today.
        referral_email(
            referral,
            to=[*_duty_leads(), CouncilSettings.load().contact_email],
            template="referral_emergency_submitted",
            key=f"emergency-submitted-{step}",
        )
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, reason: str, actor) -> Referral:
    """Withdraw at any stage with a reason; the social worker and the assigned officer are
    told, unless it was them."""
    if not reason.strip():
        raise DomainError("Enter why the referral is being withdrawn")
    moved = transition(
        referral=referral, to=Status.WITHDRAWN, actor=actor, text=f"Withdrawn: {reason.strip()}"
    )
    # Providers are told only that it was withdrawn: the reason may name the child.
    search_end(referral=moved, why="The referral has been withdrawn", actor=actor)
    # Whoever did not withdraw it is told: the social worker, and the officer working it.
    told = [
        person.email
        for person in (moved.social_worker, moved.assigned_officer)
        if person is not None and person.pk != actor.pk
    ]
    if told and moved.reference:
        referral_email(
            moved,
            to=told,
            template="referral_withdrawn",
            key=f"withdrawn-{moved.closed_at.isoformat()}",
            who=actor,
        )
    return moved


# --- Brokerage quality check --------------------------------------------------------


def _qa_answer(*, referral: Referral, actor, response: str) -> Referral:
    if not response.strip():
        raise DomainError("Say what you have changed for brokerage")
    qa_round = referral.qa_rounds.filter(answered_at__isnull=True).last()
    moved = transition(
        referral=referral,
        to=Status.APPROVED,
        actor=actor,
        text=f"Answered brokerage's questions: {response.strip()}",
    )
    if qa_round is not None:
        qa_round.response = response.strip()
        qa_round.answered_by = actor
        qa_round.answered_at = timezone.now()
        qa_round.save(update_fields=["response", "answered_by", "answered_at"])
    # The officer working it, or else whoever asked.
    officer = moved.assigned_officer or (qa_round.asked_by if qa_round else None)
    if officer is not None:
        referral_email(
            moved,
            to=[officer.email],
            template="referral_qa_answered",
            key=f"qa-answered-{qa_round.pk if qa_round else moved.pk}",
        )
    return moved


@transaction.atomic
def referral_qa_accept(*, referral: Referral, actor, take_it: bool = False) -> Referral:
    """Brokerage accepts the referral onto the duty action list."""
    if not user_may_qa(actor, referral):
        raise DomainError("Only brokerage can accept a referral that is waiting for its check")

    def stamp(locked: Referral) -> list[str]:
        locked.accepted_at = timezone.now()
        fields = ["accepted_at"]
        if take_it:
            locked.assigned_officer = actor
            fields.append("assigned_officer")
        return fields

    moved = transition(
        referral=referral,
        to=Status.ACCEPTED,
        actor=actor,
        update=stamp,
        text="Accepted onto the action list" + (f", assigned to {actor}" if take_it else ""),
    )
    referral_email(
        moved,
        to=[moved.social_worker.email],
        template="referral_accepted",
        key=f"accepted-{moved.accepted_at.isoformat()}",
    )
    return moved


@transaction.atomic
def referral_qa_return(*, referral: Referral, actor, requests: Sequence[str]) -> Referral:
    """Brokerage sends the referral back with specific requests (a new round each time)."""
    if not user_may_qa(actor, referral):
        raise DomainError("Only brokerage can return a referral that is waiting for its check")
    asked = [r.strip() for r in requests if r and r.strip()]
    if not asked:
        raise DomainError("Enter at least one thing the social worker needs to do")
    moved = transition(
        referral=referral,
        to=Status.QA_RETURNED,
        actor=actor,
        text="Returned by brokerage: " + "; ".join(asked),
    )
    qa_round = QARound.objects.create(referral=moved, requests=asked, asked_by=actor)
    referral_email(
        moved,
        to=[moved.social_worker.email],
        template="referral_qa_returned",
        key=f"qa-round-{qa_round.pk}",
    )
    return moved


# --- The duty action list -------------------------------------------------------------


@transaction.atomic
def referral_assign(*, referral: Referral, officer: User | None, actor) -> Referral:
    """The duty lead assigns (or reassigns, or unassigns) the officer working it."""
    if not actor.has_role(Role.DUTY_LEAD):
        raise DomainError("Only the duty lead assigns referrals")
    if officer is not None and not (officer.is_active and officer.has_role(Role.BROKERAGE_OFFICER)):
        raise DomainError("Choose an active brokerage officer")
    locked = _brokerage(referral)
    if locked.assigned_officer_id == (officer.pk if officer else None):
        return locked
    before = str(locked.assigned_officer or "nobody")
    locked.assigned_officer = officer
    locked.save(update_fields=["assigned_officer", "updated_at"])
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Assigned to {officer or 'nobody'} (was {before})",
    )
    return locked


@transaction.atomic
def referral_set_priority(*, referral: Referral, priority: int, actor) -> Referral:
    if not actor.has_role(Role.DUTY_LEAD):
        raise DomainError("Only the duty lead sets priorities")
    locked = _brokerage(referral)
    if locked.priority != priority:
        old = locked.get_priority_display()
        locked.priority = priority
        locked.save(update_fields=["priority", "updated_at"])
        chronology_add(
            referral=locked,
            actor=actor,
            kind=ChronologyEntry.Kind.NOTE,
            text=f"Priority set to {locked.get_priority_display().lower()} (was {old.lower()})",
        )
    return locked


@transaction.atomic
def referral_set_next_action(
    *, referral: Referral, next_action: str, due: dt.date | None, actor
) -> Referral:
    if not actor.has_role(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD):
        raise DomainError("Only brokerage sets the next action")
    if not next_action.strip():
        raise DomainError("Enter the next action")
    locked = _brokerage(referral)
    locked.next_action = next_action.strip()
    locked.next_action_due = due
    locked.save(update_fields=["next_action", "next_action_due", "updated_at"])
    when = f", due {due:%-d %B %Y}" if due else ""
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Next action: {locked.next_action}{when}",
    )
    return locked


@transaction.atomic
def referral_add_note(*, referral: Referral, kind: str, text: str, actor) -> ChronologyEntry:
    """An officer's note or logged call ("called provider, no answer")."""
    if kind not in (ChronologyEntry.Kind.NOTE, ChronologyEntry.Kind.CALL):
        raise DomainError("Choose a note or a call")
    locked = _brokerage(referral)
    return chronology_add(referral=locked, actor=actor, kind=kind, text=text.strip())


@transaction.atomic
def referral_emergency_accept(*, referral: Referral, actor) -> Referral:
    """The duty lead starts the search at once on an emergency. The endorsement and the
    approval still to come are due within the council's working day, and stay flagged."""
    locked = (
        Referral.objects.select_related("team").select_for_update(of=("self",)).get(pk=referral.pk)
    )
    if not user_may_accept_emergency(actor, locked):
        raise DomainError(
            "Only the duty lead can accept an emergency referral before its approvals"
        )
    council = CouncilSettings.load()
    now = timezone.now()
    due = working_day_deadline(
        now, 1, subdivision=council.bank_holiday_subdivision, hour=council.response_deadline_hour
    )

    def stamp(row: Referral) -> list[str]:
        row.accepted_at = row.emergency_accepted_at = now
        row.approvals_due_at = due
        return ["accepted_at", "emergency_accepted_at", "approvals_due_at"]

    moved = transition(
        referral=locked,
        to=Status.ACCEPTED,
        actor=actor,
        update=stamp,
        text=(
            "Accepted as an emergency for immediate search; the endorsement and approval "
            f"are due by {timezone.localtime(due):%-d %B %Y, %H:%M}"
        ),
    )
    waiting_on = referral_endorsers(moved).people if not moved.endorsed_at else service_leads(moved)
    referral_email(
        moved,
        to=[moved.social_worker.email, *(user.email for user in waiting_on)],
        template="referral_emergency_accepted",
        key=f"emergency-{now.isoformat()}",
        due=due,
    )
    return moved


# --- The administrator's list of placement types ---------------------------------------


@transaction.atomic
def placement_type_save(
    *, values: Mapping, actor, placement_type: PlacementType | None = None
) -> PlacementType:
    name = " ".join(values["name"].split())
    clash = PlacementType.objects.filter(name__iexact=name)
    if placement_type is not None:
        clash = clash.exclude(pk=placement_type.pk)
    if clash.exists():
        raise DomainError(f"There is already a placement type called {name}")
    if placement_type is None:
        placement_type = PlacementType(
            slug=slugify(name)[:90] or "type",
            ordering=PlacementType.objects.count(),
        )
        while PlacementType.objects.filter(slug=placement_type.slug).exists():
            placement_type.slug = f"{placement_type.slug}-{PlacementType.objects.count()}"
        before = {}
    else:
        placement_type = PlacementType.objects.select_for_update().get(pk=placement_type.pk)
        before = {
            "Name": placement_type.name,
            "Category": str(placement_type.category or ""),
            "In-house": shown_value(placement_type, "is_in_house"),
            "In use": shown_value(placement_type, "is_active"),
        }
    placement_type.name = name
    placement_type.category = values["category"]
    placement_type.is_in_house = values["is_in_house"]
    placement_type.is_active = values["is_active"]
    placement_type.save()
    field_changes_record(
        instance=placement_type,
        before=before,
        after={
            "Name": placement_type.name,
            "Category": str(placement_type.category or ""),
            "In-house": shown_value(placement_type, "is_in_house"),
            "In use": shown_value(placement_type, "is_active"),
        },
        actor=actor,
    )
    return placement_type


# --- The anonymised pack ("resource request") --------------------------------------------


@transaction.atomic
def pack_prepare(*, referral: Referral, actor) -> ResourceRequest:
    """Build the pack from the referral as it is now, for the officer to check. Any pack
    still being checked is superseded; a released one stays as it was sent."""
    locked = _brokerage(referral)
    if locked.status not in (Status.APPROVED, Status.ACCEPTED):
        raise DomainError("Prepare the pack once the search is approved")
    council = CouncilSettings.load()
    pack = build_pack(locked, people_style=council.people_in_pack)
    locked.resource_requests.filter(status=ResourceRequest.Status.CHECKING).update(
        status=ResourceRequest.Status.SUPERSEDED
    )
    version = (locked.resource_requests.aggregate(top=Max("version"))["top"] or 0) + 1
    request = ResourceRequest.objects.create(
        referral=locked,
        version=version,
        content=pack_content(pack),
        source_fingerprint=referral_fingerprint(locked),
        prepared_by=actor,
    )
    to_check = pack.words_to_check()
    _flags_add(request, to_check.values())
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Anonymised pack version {version} prepared ({len(to_check)} "
            f"word{'s' * (len(to_check) != 1)} to check)"
        ),
    )
    return request


def _flags_add(request: ResourceRequest, words) -> None:
    """One flag a word to check, with every passage it is in and why."""
    PackFlag.objects.bulk_create(
        [
            PackFlag(
                resource_request=request,
                label=_labels(word.labels),
                word=word.word[:200],
                looks_like=word.looks_like[:100],
            )
            for word in words
        ]
    )


def _labels(labels: list[str]) -> str:
    joined = "; ".join(labels)
    return joined if len(joined) <= 500 else joined[:497] + "..."


def _checking(request: ResourceRequest) -> ResourceRequest:
    locked = ResourceRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ResourceRequest.Status.CHECKING:
        raise DomainError("This pack is no longer being checked: prepare it again")
    return locked


@transaction.atomic
def pack_edit_text(
    *, resource_request: ResourceRequest, key: str, text: str, actor
) -> ResourceRequest:
    """The officer rewrites one passage. It is redacted again (nothing known can come
    back in); the whole pack is checked again, open flags no longer in it are resolved
    as changed, and new words are added to check."""
    locked = _checking(resource_request)
    entry = next((t for t in locked.content["texts"] if t["key"] == key), None)
    if entry is None:
        raise DomainError("There is no such passage in the pack")
    council = CouncilSettings.load()
    redactor = referral_redactor(
        locked.referral, people_style=council.people_in_pack, council=council
    )
    entry["text"] = redactor.redact(text).text
    locked.save(update_fields=["content"])
    now_flagged = words_to_check(
        [
            (passage["label"], flag)
            for passage in locked.content["texts"]
            for flag in redactor.redact(passage["text"]).flags
        ]
    )
    now = timezone.now()
    settled = set()  # words still to check, or accepted (wherever they now stand)
    changed, relabelled = [], []
    for flag in locked.flags.all():
        key = fold(flag.word)
        word = now_flagged.get(key)
        if flag.resolution == PackFlag.Resolution.ACCEPTED:
            settled.add(key)
        elif flag.resolution == PackFlag.Resolution.OPEN and word is None:
            flag.resolution = PackFlag.Resolution.CHANGED
            flag.resolved_by, flag.resolved_at = actor, now
            changed.append(flag)
        elif flag.resolution == PackFlag.Resolution.OPEN:
            flag.label = _labels(word.labels)  # it may be in other passages now
            relabelled.append(flag)
            settled.add(key)
    PackFlag.objects.bulk_update(changed, ["resolution", "resolved_by", "resolved_at"])
    PackFlag.objects.bulk_update(relabelled, ["label"])
    # A word changed away and typed back, or new, is to check (again).
    _flags_add(locked, [word for key, word in now_flagged.items() if key not in settled])
    return locked


@transaction.atomic
def pack_flag_accept(*, flag: PackFlag, reason: str, actor, remember: bool = False) -> PackFlag:
    """The word is safe to send (a pet's name, a club): accepted, with why. Remembered
    for the council when the officer says it is never personal (a place the council
    allows, a brand), so no pack flags it again."""
    if not reason.strip():
        raise DomainError("Say why this word is safe to send to providers")
    _checking(flag.resource_request)
    flag = PackFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolution != PackFlag.Resolution.OPEN:
        raise DomainError("This word has already been resolved")
    if remember and looks_personal(flag.word):
        raise DomainError(
            f"“{flag.word}” looks like a person's name: accept it for this pack only, "
            "without allowing it in every pack"
        )
    flag.resolution = PackFlag.Resolution.ACCEPTED
    flag.reason = reason.strip()
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["resolution", "reason", "resolved_by", "resolved_at"])
    if remember and not AllowedWord.objects.filter(folded=fold(flag.word)).exists():
        allowed_word_add(word=flag.word, reason=flag.reason, actor=actor)
    return flag


def allowed_word_add(*, word: str, reason: str, actor) -> AllowedWord:
    """The council allows this word in what providers read; recorded with who and why."""
    word = " ".join(word.split())
    if not word:
        raise DomainError("Enter the word or phrase to allow")
    if not reason.strip():
        raise DomainError("Say why this word is safe to send to providers")
    if looks_personal(word):
        raise DomainError(
            f"“{word}” looks like a person's name: it cannot be allowed in every pack. "
            "Accept it for this pack only, with a reason"
        )
    if AllowedWord.objects.filter(folded=fold(word)).exists():
        raise DomainError(f"“{word}” is already allowed in every pack")
    return AllowedWord.objects.create(
        word=word, folded=fold(word), reason=reason.strip(), added_by=actor
    )


def allowed_word_remove(*, allowed: AllowedWord, actor) -> None:
    """The word is flagged again from the next pack on. (Recorded in the log: the
    word and who removed it.)"""
    logger.info("Allowed word %s removed by user %s", allowed.pk, actor.pk)
    allowed.delete()


@transaction.atomic
def pack_release(*, resource_request: ResourceRequest, actor) -> ResourceRequest:
    """Checked and ready for providers: only with every flag resolved, and only while
    the referral is as it was when the pack was prepared."""
    locked = _checking(resource_request)
    open_flags = locked.flags.filter(resolution=PackFlag.Resolution.OPEN).count()
    if open_flags:
        raise DomainError(
            f"{open_flags} word{'s' if open_flags != 1 else ''} still to check before release"
        )
    if referral_fingerprint(locked.referral) != locked.source_fingerprint:
        raise DomainError("The referral has changed since this pack was prepared: prepare it again")
    locked.status = ResourceRequest.Status.RELEASED
    locked.released_by = actor
    locked.released_at = timezone.now()
    locked.save(update_fields=["status", "released_by", "released_at"])
    chronology_add(
        referral=locked.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Anonymised pack version {locked.version} checked and released",
    )
    return locked
