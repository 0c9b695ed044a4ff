"""Search rounds: started, their providers chosen, sent with a secret link each, extended,
cancelled; providers' questions answered; the search ended."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from placements.calendar import is_working_day
from placements.models import CouncilSettings, User
from placements.permissions import is_brokerage, is_duty_lead
from placements.services import DomainError
from providers.models import Category, Provider
from referrals.common import _brokerage, chronology_add
from referrals.models import (
    ChronologyEntry,
    ProviderRequest,
    Referral,
    ResourceRequest,
    RoundQuestion,
    SearchRound,
)
from referrals.pack.content import referral_fingerprint, refuse_identifiers
from referrals.search.ending import closed_now
from referrals.search.notices import deadline_words, provider_emails
from referrals.search.package_rounds import package_rounds
from referrals.search.rules import (
    chase_time,
    deadline_from_day,
    default_criteria,
    dual_search_reasons,
    emergency_chase_time,
    round_deadline,
    round_pool,
    round_selection,
    widens_tier,
)
from referrals.search.selectors import live_requests
from referrals.workflow import ROUND_STEPS, Status, lock_referral, step

Kind = SearchRound.Kind


RoundStatus = SearchRound.Status


Answer = ProviderRequest.Answer


def _searchable(referral: Referral, actor: User) -> Referral:
    locked = _brokerage(referral)
    if not is_brokerage(actor):
        raise DomainError("Only brokerage can search for a placement")
    if locked.status != Status.ACCEPTED:
        raise DomainError("Search once brokerage has accepted the referral")
    return locked


def _released_pack(referral: Referral) -> ResourceRequest | None:
    return (
        referral.resource_requests.filter(status=ResourceRequest.Status.RELEASED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def round_start(
    *,
    referral: Referral,
    kind: str,
    actor: User,
    dual: bool = False,
    category: Category | None = None,
    widened: str = "",
    social_worker_agreement: str = "",
    service: str = "",
) -> list[SearchRound]:
    """Start a round (or, for a dual search, an in-house and an external round together)
    in which the officer chooses providers before sending. In-house comes first; an
    external round needs a funding approval; off-framework follows a framework round;
    searching wider than the referral asks needs the social worker's agreement. A
    package of support starts a round for each service asked (or for `service`)."""
    locked = _searchable(referral, actor)
    rounds = list(locked.search_rounds.all())
    if any(r.status == RoundStatus.DRAFT for r in rounds):
        raise DomainError("Finish or cancel the round you are preparing before starting another")
    if _released_pack(locked) is None:
        raise DomainError("Release the anonymised pack before starting a round")
    if locked.is_package:
        started = package_rounds(locked, rounds, kind=kind, service=service, actor=actor)
        text = _started_text(started, dual=False)
        chronology_add(referral=locked, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text)
        return started
    council = CouncilSettings.load()
    kinds: list[str] = [Kind.IN_HOUSE, Kind.FRAMEWORK] if dual else [kind]
    if dual and not dual_search_reasons(locked, council=council):
        raise DomainError(
            "A dual search is for an older child, a sibling group of three or more, or complex "
            "needs: start with the in-house search"
        )
    sent = [r for r in rounds if r.status != RoundStatus.CANCELLED]
    external = [k for k in kinds if k != Kind.IN_HOUSE]
    if external and not dual and not any(r.kind == Kind.IN_HOUSE for r in sent):
        raise DomainError("Offer the referral to in-house fostering first")
    if external and locked.funding_approved_at is None:
        raise DomainError("Record a funding approval before searching outside the council")
    if Kind.OFF_FRAMEWORK in external and not any(
        r.kind == Kind.FRAMEWORK and r.status == RoundStatus.CLOSED for r in sent
    ):
        raise DomainError(
            "Off-framework providers are asked once a framework round has closed: close or "
            "wait for the framework round first"
        )
    default_category = locked.placement_type.category if locked.placement_type else None
    category = category or default_category
    if widened.strip() and not social_worker_agreement.strip():
        raise DomainError("Record the social worker's agreement to a wider search")
    if external and category != default_category and not social_worker_agreement.strip():
        raise DomainError(
            "Searching a different category from the referral's needs the social worker's "
            "agreement: record it"
        )
    number = max((r.number for r in rounds), default=0)
    started = []
    for n, round_kind in enumerate(kinds, 1):
        started.append(
            SearchRound.objects.create(
                referral=locked,
                number=number + n,
                kind=round_kind,
                is_dual=dual,
                category=None if round_kind == Kind.IN_HOUSE else category,
                criteria=default_criteria(round_kind),
                widened=widened.strip(),
                social_worker_agreement=social_worker_agreement.strip(),
                created_by=actor,
            )
        )
    text = _started_text(started, dual=dual)
    if social_worker_agreement.strip():
        text += f". Social worker's agreement: {social_worker_agreement.strip()}"
    chronology_add(referral=locked, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text)
    return started


def _started_text(started: list[SearchRound], *, dual: bool) -> str:
    described = " and ".join(
        f"round {r.number} ({r.get_kind_display().lower()}"
        + (f", {r.get_service_display().lower()})" if r.service else ")")
        for r in started
    )
    return f"Search {described} started" + (" as a dual search" if dual else "")


def _locked_round(search_round: SearchRound) -> SearchRound:
    """The round, locked after its referral: every step takes the referral's lock first."""
    lock_referral(search_round.referral_id)
    return (
        SearchRound.objects.select_for_update().select_related("referral").get(pk=search_round.pk)
    )


def _draft(search_round: SearchRound) -> SearchRound:
    locked = _locked_round(search_round)
    if locked.status != RoundStatus.DRAFT:
        raise DomainError("This round has already been sent, so its providers cannot change")
    return locked


@transaction.atomic
def round_set_criteria(
    *,
    search_round: SearchRound,
    criteria: Mapping[str, Any],
    actor: User,
    social_worker_agreement: str = "",
) -> SearchRound:
    """Narrow or widen the providers a round reaches. Reaching outside the council's
    boundary (tier 2, or any tier) in an external round needs the social worker's
    agreement, recorded on the round and in the chronology."""
    locked = _draft(search_round)
    criteria = {**default_criteria(locked.kind, package=bool(locked.service)), **criteria}
    agreement = social_worker_agreement.strip()
    fields = ["criteria"]
    if widens_tier(locked, criteria) and not (locked.social_worker_agreement or agreement):
        raise DomainError(
            "Searching outside the council's boundary needs the social worker's "
            "agreement: record it"
        )
    if agreement and locked.is_external and not locked.social_worker_agreement:
        locked.social_worker_agreement = agreement
        locked.widened = "; ".join(filter(None, [locked.widened, "outside the boundary"]))
        fields += ["social_worker_agreement", "widened"]
        chronology_add(
            referral=locked.referral,
            actor=actor,
            kind=ChronologyEntry.Kind.NOTE,
            text=(
                f"Round {locked.number} may reach outside the council's boundary. "
                f"Social worker's agreement: {agreement}"
            ),
        )
    locked.criteria = criteria
    locked.save(update_fields=fields)
    return locked


MOST_RESPONSE_HOURS = 40  # a working week: longer than that is not an emergency


@transaction.atomic
def round_set_response_hours(
    *, search_round: SearchRound, hours: int | None, actor: User
) -> SearchRound:
    """The duty lead sets how many working hours providers have to answer an emergency
    round (blank: the council's setting)."""
    locked = _draft(search_round)
    if not locked.referral.is_emergency:
        raise DomainError("Only an emergency's rounds are answered in hours")
    if not is_duty_lead(actor):
        raise DomainError("Only the duty lead can change how long providers have to answer")
    if hours is not None and not 1 <= hours <= MOST_RESPONSE_HOURS:
        raise DomainError(f"Enter a number of working hours from 1 to {MOST_RESPONSE_HOURS}")
    locked.response_hours = hours
    locked.save(update_fields=["response_hours"])
    return locked


@transaction.atomic
def round_add_provider(
    *, search_round: SearchRound, provider: Provider, actor: User
) -> SearchRound:
    """Add a provider the filters left out. Only from the round's own pool (in-house for
    an in-house round, the category's framework for a framework round), and outside the
    council's boundary only once the social worker has agreed."""
    locked = _draft(search_round)
    if provider.is_archived:
        raise DomainError("This provider is archived")
    if provider.pk in locked.referral.exclusions.values_list("provider_id", flat=True):
        raise DomainError("The social worker asked for this provider not to be approached")
    if not round_pool(locked).filter(pk=provider.pk).exists():
        raise DomainError(f"{provider} cannot be asked in this round: {_pool_words(locked)}")
    if widens_tier(locked, {"tier": str(provider.tier)}) and not locked.social_worker_agreement:
        raise DomainError(
            f"{provider} is outside the council's boundary: record the social worker's "
            "agreement to search outside it first"
        )
    locked.removed = [pk for pk in locked.removed if pk != provider.pk]
    if provider.pk not in locked.added:
        locked.added = [*locked.added, provider.pk]
    locked.save(update_fields=["added", "removed"])
    return locked


def _pool_words(search_round: SearchRound) -> str:
    category = str(search_round.category or "the category").lower()
    if search_round.kind == Kind.IN_HOUSE:
        return "an in-house round asks only the council's own service"
    if search_round.kind == Kind.FRAMEWORK:
        return f"a framework round asks only providers on the framework for {category}"
    return f"an off-framework round asks only off-framework and spot providers for {category}"


@transaction.atomic
def round_remove_provider(
    *, search_round: SearchRound, provider_id: int, actor: User
) -> SearchRound:
    locked = _draft(search_round)
    if provider_id not in locked.removed:
        locked.removed = [*locked.removed, provider_id]
    locked.save(update_fields=["removed"])
    return locked


@transaction.atomic
def round_put_back(*, search_round: SearchRound, provider_id: int, actor: User) -> SearchRound:
    locked = _draft(search_round)
    locked.removed = [pk for pk in locked.removed if pk != provider_id]
    locked.save(update_fields=["removed"])
    return locked


@transaction.atomic
def round_cancel(*, search_round: SearchRound, actor: User) -> SearchRound:
    locked = _draft(search_round)
    return step(
        locked,
        to=RoundStatus.CANCELLED,
        allowed=ROUND_STEPS,
        referral=locked.referral,
        actor=actor,
        update=closed_now,
        text=f"Round {locked.number} cancelled before it was sent",
    )


@transaction.atomic
def round_send(
    *, search_round: SearchRound, actor: User, now: dt.datetime | None = None
) -> SearchRound:
    """Send the round to every chosen provider at once: one request, one secret link and
    one outbox email each, all written in this transaction and sent after it commits."""
    locked = _draft(search_round)
    referral = _searchable(locked.referral, actor)
    pack = _released_pack(referral)
    if pack is None:
        raise DomainError("Release the anonymised pack before sending a round")
    if referral_fingerprint(referral) != pack.source_fingerprint:
        raise DomainError(
            "The referral has changed since the pack was released: prepare and check it again"
        )
    council = CouncilSettings.load()
    selection = round_selection(locked, council=council)
    if not selection.count:
        raise DomainError("Choose at least one provider to send the round to")
    now = now or timezone.now()
    deadline, chase = round_deadline(
        now,
        urgent=referral.is_urgent,
        emergency=referral.is_emergency,
        hours=locked.response_hours,
        council=council,
    )

    def open_it(row: SearchRound) -> list[str]:
        row.deadline_at, row.chase_at = deadline, chase
        row.sent_by, row.sent_at = actor, now
        row.resource_request = pack
        return ["deadline_at", "chase_at", "sent_by", "sent_at", "resource_request"]

    count = len(selection.chosen)
    step(
        locked,
        to=RoundStatus.OPEN,
        allowed=ROUND_STEPS,
        referral=referral,
        actor=actor,
        update=open_it,
        text=(
            f"Round {locked.number} ({locked.get_kind_display().lower()}) sent to "
            f"{count} provider{'s' if count != 1 else ''}: "
            + ", ".join(c.provider.name for c in selection.chosen)
            + f". Answers due by {deadline_words(deadline)}"
        ),
    )
    requests = ProviderRequest.objects.bulk_create(
        [
            ProviderRequest(round=locked, provider=candidate.provider, created_at=now)
            for candidate in selection.chosen
        ]
    )
    for request, candidate in zip(requests, selection.chosen, strict=True):
        request.provider = candidate.provider
    messages = provider_emails(
        locked, requests, template="provider_request", key="sent", council=council
    )
    for request, message in zip(requests, messages, strict=True):
        request.message = message
    ProviderRequest.objects.bulk_update(requests, ["message"])
    return locked


def _open_round(search_round: SearchRound) -> SearchRound:
    locked = _locked_round(search_round)
    if locked.status != RoundStatus.OPEN:
        raise DomainError("This round is no longer open")
    return locked


@transaction.atomic
def round_extend(
    *,
    search_round: SearchRound,
    day: dt.date,
    reason: str,
    actor: User,
    at: dt.time | None = None,
) -> SearchRound:
    """Move the deadline to a later working day, at the council's hour or at the time
    given (an emergency's deadline is in hours); every provider still in the round is
    told, with their link."""
    locked = _open_round(search_round)
    council = CouncilSettings.load()
    if not reason.strip():
        raise DomainError("Say why the deadline is being extended")
    if not is_working_day(day, subdivision=council.bank_holiday_subdivision):
        raise DomainError("The new deadline must be a working day")
    new_deadline = deadline_from_day(day, council=council, at=at)
    if locked.deadline_at is not None and new_deadline <= locked.deadline_at:
        raise DomainError("The new deadline must be after the current one")
    locked.deadline_at = new_deadline
    chase = emergency_chase_time if locked.referral.is_emergency else chase_time
    locked.chase_at = chase(new_deadline, start=timezone.now(), council=council)
    # Providers not yet chased are chased before the new deadline; nobody twice.
    locked.chasers_sent_at = None
    locked.save(update_fields=["deadline_at", "chase_at", "chasers_sent_at"])
    provider_emails(
        locked,
        live_requests(locked),
        template="provider_extended",
        key=f"extended-{new_deadline:%Y%m%d%H%M}",
        council=council,
    )
    chronology_add(
        referral=locked.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Round {locked.number} deadline extended to {deadline_words(new_deadline)}: "
            f"{reason.strip()}. Providers told."
        ),
    )
    return locked


@transaction.atomic
def question_answer(*, question: RoundQuestion, answer: str, actor: User) -> RoundQuestion:
    """Answer a provider's question for every provider in the round. The answer must not
    name the child or family: anything the pack would have taken out is refused."""
    if not answer.strip():
        raise DomainError("Enter your answer")
    locked = (
        RoundQuestion.objects.select_for_update()
        .select_related("round__referral")
        .get(pk=question.pk)
    )
    if locked.answered_at:
        raise DomainError("This question has already been answered")
    search_round = _open_round(locked.round)
    council = CouncilSettings.load()
    refuse_identifiers(search_round.referral, answer, what="Your answer", council=council)
    locked.answer = answer.strip()
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    provider_emails(
        search_round,
        live_requests(search_round),
        template="provider_question_answered",
        key=f"answer-{locked.pk}",
        council=council,
    )
    chronology_add(
        referral=search_round.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Question in round {search_round.number} answered for every provider. "
            f"Q: {locked.question} A: {locked.answer}"
        ),
    )
    return locked
