"""The social worker's referral: starting a draft, saving it section by section, submitting
and withdrawing it."""

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import capfirst

from placements.models import CouncilSettings, User
from placements.services import DomainError, field_changes_record, shown_value
from providers.models import Provider
from referrals.brokerage.services import qa_answer
from referrals.common import chronology_add, referral_email
from referrals.drafting.completeness import missing_summary, referral_missing_answers
from referrals.models import (
    Child,
    ChronologyEntry,
    DesiredOutcome,
    PersonAroundChild,
    ProviderExclusion,
    Referral,
)
from referrals.search.ending import search_end
from referrals.selectors import duty_lead_emails, referral_endorsers, service_leads
from referrals.workflow import (
    Status,
    referral_is_editable,
    transition,
)

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


def editable_locked(referral: Referral, actor: User) -> Referral:
    """Lock a referral the social worker is changing; refuse once it has gone on."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if not referral_is_editable(locked):
        raise DomainError(
            f"This referral is {locked.get_status_display().lower()}, so it cannot be changed now"
        )
    return locked


@transaction.atomic
def referral_start(*, social_worker: User, service: str = Referral.Service.PLACEMENT) -> Referral:
    """A new draft asking for `service`: a placement, or a package of support at home."""
    team = social_worker.team
    if team is None:
        raise DomainError("You need to be in a team to start a referral. Ask the administrator")
    if service not in Referral.Service.values:
        raise DomainError("Choose what the referral asks for")
    referral = Referral.objects.create(social_worker=social_worker, team=team, service=service)
    chronology_add(
        referral=referral,
        actor=social_worker,
        kind=ChronologyEntry.Kind.EDIT,
        text=f"Draft referral started: {Referral.Service(service).label[0].lower()}"
        f"{Referral.Service(service).label[1:]}",
    )
    return referral


def column_label(model: type[models.Model], name: str) -> str:
    """What the history calls a column: its verbose name."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return str(field.verbose_name)


def edit_record(
    referral: Referral, before: Mapping[str, str], after: Mapping[str, str], actor: User
) -> None:
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
def referral_update_needs(
    *, referral: Referral, values: Mapping[str, Any], actor: User
) -> Referral:
    """Store the needs answers given (any of them: a draft may leave some for later)."""
    referral = editable_locked(referral, actor)
    labels = {name: column_label(Referral, name) for name in NEEDS_FIELDS}
    before = {labels[n]: shown_value(referral, n) for n in values if n in labels}
    for name, value in values.items():
        if name not in NEEDS_FIELDS:
            raise ValueError(f"{name} is not a needs field")
        setattr(referral, name, value)
    referral.save(update_fields=[*values, "updated_at"])
    after = {labels[n]: shown_value(referral, n) for n in values}
    edit_record(referral, before, after, actor)
    return referral


@transaction.atomic
def referral_update_profile(
    *, referral: Referral, getting_to_know_me: str, actor: User
) -> Referral:
    referral = editable_locked(referral, actor)
    before = {"Getting to know me": referral.getting_to_know_me}
    referral.getting_to_know_me = getting_to_know_me
    referral.save(update_fields=["getting_to_know_me", "updated_at"])
    edit_record(referral, before, {"Getting to know me": getting_to_know_me}, actor)
    return referral


def _child_shown(child: Child, names: Iterable[str]) -> dict[str, str]:
    return {capfirst(column_label(Child, name)): shown_value(child, name) for name in names}


@transaction.atomic
def child_save(
    *, referral: Referral, values: Mapping[str, Any], actor: User, child: Child | None = None
) -> Child:
    referral = editable_locked(referral, actor)
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
    edit_record(
        referral,
        {f"{who}: {k}": v for k, v in before.items()},
        {f"{who}: {k}": v for k, v in after.items()},
        actor,
    )
    return child


@transaction.atomic
def child_remove(*, referral: Referral, child: Child, actor: User) -> None:
    referral = editable_locked(referral, actor)
    Child.objects.filter(pk=child.pk, referral=referral).delete()
    edit_record(referral, {"Children": child.full_name}, {"Children": ""}, actor)


@transaction.atomic
def person_save(
    *,
    referral: Referral,
    values: Mapping[str, Any],
    actor: User,
    person: PersonAroundChild | None = None,
) -> PersonAroundChild:
    referral = editable_locked(referral, actor)
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
    person.full_clean(validate_constraints=False)
    if person.is_principal_contact:
        # One principal contact: naming another moves the role to them.
        referral.people.exclude(pk=person.pk).filter(is_principal_contact=True).update(
            is_principal_contact=False
        )
    person.save()
    if referral.no_people_to_add:
        referral.no_people_to_add = False
        referral.save(update_fields=["no_people_to_add", "updated_at"])
    edit_record(referral, before, {"Person": str(person)}, actor)
    return person


@transaction.atomic
def person_remove(*, referral: Referral, person: PersonAroundChild, actor: User) -> None:
    referral = editable_locked(referral, actor)
    PersonAroundChild.objects.filter(pk=person.pk, referral=referral).delete()
    edit_record(referral, {"Person": str(person)}, {"Person": ""}, actor)


@transaction.atomic
def people_confirm_none(*, referral: Referral, actor: User) -> Referral:
    referral = editable_locked(referral, actor)
    if referral.people.exists():
        raise DomainError("Remove the people listed first, or leave them in")
    referral.no_people_to_add = True
    referral.save(update_fields=["no_people_to_add", "updated_at"])
    return referral


@transaction.atomic
def outcomes_set(*, referral: Referral, texts: Sequence[str], actor: User) -> list[DesiredOutcome]:
    """The desired outcomes as given, blanks left out. A draft may have none yet; the
    submit needs one to three."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if len(texts) > 3:
        raise DomainError("Give one, two or three desired outcomes")
    referral = editable_locked(referral, actor)
    before = {f"Outcome {o.position}": o.text for o in referral.outcomes.all()}
    referral.outcomes.all().delete()
    outcomes = DesiredOutcome.objects.bulk_create(
        [DesiredOutcome(referral=referral, position=n, text=t) for n, t in enumerate(texts, 1)]
    )
    after = {f"Outcome {n}": t for n, t in enumerate(texts, 1)}
    after.update({k: "" for k in before if k not in after})
    edit_record(referral, before, after, actor)
    return outcomes


@transaction.atomic
def exclusion_add(
    *, referral: Referral, provider: Provider, reason: str, actor: User
) -> ProviderExclusion:
    referral = editable_locked(referral, actor)
    if referral.exclusions.filter(provider=provider).exists():
        raise DomainError(f"{provider} is already on the list")
    exclusion = ProviderExclusion.objects.create(
        referral=referral, provider=provider, reason=reason
    )
    edit_record(referral, {}, {f"Do not approach {provider}": reason}, actor)
    return exclusion


@transaction.atomic
def exclusion_remove(*, referral: Referral, exclusion: ProviderExclusion, actor: User) -> None:
    referral = editable_locked(referral, actor)
    ProviderExclusion.objects.filter(pk=exclusion.pk, referral=referral).delete()
    edit_record(
        referral,
        {f"Do not approach {exclusion.provider}": exclusion.reason},
        {f"Do not approach {exclusion.provider}": ""},
        actor,
    )


def referral_service_leads(referral: Referral) -> list[str]:
    return [user.email for user in service_leads(referral)]


@transaction.atomic
def referral_submit(*, referral: Referral, actor: User, response: str = "") -> Referral:
    """Draft (or returned) → waiting for the team manager, once every section is complete.
    Returned by brokerage → back to brokerage, with what the social worker changed."""
    referral = editable_locked(referral, actor)
    missing = referral_missing_answers(referral)
    if missing:
        raise DomainError(
            "Complete these answers first: "
            + "; ".join(
                f"{section.title} ({missing_summary(answers)})" for section, answers in missing
            )
        )
    if referral.status == Status.QA_RETURNED:
        return qa_answer(referral=referral, actor=actor, response=response)
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
            to=[*duty_lead_emails(), CouncilSettings.load().contact_email],
            template="referral_emergency_submitted",
            key=f"emergency-submitted-{step}",
        )
    return referral


@transaction.atomic
def referral_withdraw(*, referral: Referral, reason: str, actor: User) -> Referral:
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
    # (Withdrawing closes it: closed_at is set.)
    if told and moved.reference and moved.closed_at:
        referral_email(
            moved,
            to=told,
            template="referral_withdrawn",
            key=f"withdrawn-{moved.closed_at.isoformat()}",
            who=actor,
        )
    return moved


@transaction.atomic
def referral_carry_over(
    *, source: Referral, social_worker: User, why: str, actor: User
) -> Referral:
    """A new draft for the same children when they need another home: the children and
    the people around them carried over from `source`, for `social_worker` to bring up
    to date and submit. The rest (what is needed, outcomes) is asked afresh."""
    referral = referral_start(social_worker=social_worker, service=source.service)
    skip = {"id", "referral"}
    Child.objects.bulk_create(
        Child(
            referral=referral,
            **{
                f.name: getattr(child, f.name)
                for f in Child._meta.concrete_fields
                if f.name not in skip
            },
        )
        for child in source.children.all()
    )
    PersonAroundChild.objects.bulk_create(
        PersonAroundChild(
            referral=referral,
            **{
                f.name: getattr(person, f.name)
                for f in PersonAroundChild._meta.concrete_fields
                if f.name not in skip
            },
        )
        for person in source.people.all()
    )
    chronology_add(
        referral=referral,
        actor=actor,
        kind=ChronologyEntry.Kind.EDIT,
        text=f"The children's and the people's details carried over from referral "
        f"{source.reference}: {why}",
    )
    return referral
