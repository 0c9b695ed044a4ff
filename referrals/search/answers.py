"""What a provider does through their link: open it, offer, say no option, amend or
withdraw an offer, ask a question. No sign-in: the secret link is the key, so every
write here first checks the link is still live."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from placements.formatting import money
from placements.links import LinkState, find_link
from placements.models import CouncilSettings
from placements.services import DomainError
from referrals.common import chronology_add, referral_email
from referrals.models import (
    ChronologyEntry,
    CoveredSlot,
    LinkOpening,
    ProviderAnswer,
    ProviderLink,
    ProviderRequest,
    RoundQuestion,
    ScheduleSlot,
    SearchRound,
)
from referrals.packages.costing import RATE_FIELDS, dearest_week, rate_missing, week_costs
from referrals.packages.schedule import hours_number
from referrals.search.rules import link_expiry
from referrals.workflow import Stage, Status, lock_referral

Answer = ProviderRequest.Answer


def link_resolve(token: str, *, now: dt.datetime | None = None) -> LinkState[ProviderRequest]:
    """Open while the round is open and before its deadline; readable (not answerable)
    from the deadline until the council's grace runs out; otherwise dead."""
    link = find_link(
        ProviderLink.objects.select_related(
            "request__provider", "request__round__referral", "request__round__resource_request"
        ),
        token,
    )
    if link is None:
        return LinkState("unknown")
    request = link.request
    search_round = request.round
    if request.revoked_at or search_round.referral.status == Status.WITHDRAWN:
        return LinkState("revoked")
    now = now or timezone.now()
    expiry = link_expiry(search_round, council=CouncilSettings.load())
    if expiry is None or now >= expiry or search_round.status == SearchRound.Status.CANCELLED:
        return LinkState("expired")
    # An expiry means a deadline (the expiry counts from it).
    deadline = search_round.deadline_at
    if search_round.status == SearchRound.Status.OPEN and deadline and now < deadline:
        return LinkState("open", request, link)
    return LinkState("read_only", request, link)


def link_opened(state: LinkState[ProviderRequest]) -> None:
    """Log the opening: when, and through which link (one that resolved to a request)."""
    request = state.item
    if request is None:
        raise ValueError(f"A {state.state} link opens no request")
    now = timezone.now()
    LinkOpening.objects.create(request=request, link=state.link, opened_at=now)
    ProviderRequest.objects.filter(pk=request.pk).update(open_count=F("open_count") + 1)
    ProviderRequest.objects.filter(pk=request.pk, first_opened_at__isnull=True).update(
        first_opened_at=now
    )


def _locked(request: ProviderRequest) -> ProviderRequest:
    """The request, locked after its referral, as every step takes its locks (the
    chronology line a provider's answer writes would otherwise wait on the referral
    while holding the request's lock)."""
    lock_referral(
        ProviderRequest.objects.filter(pk=request.pk).values_list("round__referral_id", flat=True)[
            0
        ]
    )
    return (
        ProviderRequest.objects.select_for_update(of=("self",))
        .select_related("round__referral", "provider")
        .get(pk=request.pk)
    )


def _open_for_answers(locked: ProviderRequest) -> ProviderRequest:
    search_round = locked.round
    if (
        locked.revoked_at
        or search_round.referral.status == Status.WITHDRAWN
        or search_round.status != SearchRound.Status.OPEN
        # An open round always has its deadline; without one nothing is answerable.
        or search_round.deadline_at is None
        or timezone.now() >= search_round.deadline_at
    ):
        raise DomainError("Answers to this request have closed")
    return locked


def _answerable(request: ProviderRequest) -> ProviderRequest:
    return _open_for_answers(_locked(request))


PLACEMENT_APPROVED = (Stage.CONFIRMING, Stage.AGREEMENT, Stage.PLACED)


def offer_withdrawable_here(request: ProviderRequest) -> bool:
    """Whether the provider's link still lets them withdraw their offer (not once the
    council has approved the cost of a placement)."""
    return request.answer == Answer.OFFER and request.round.referral.stage not in PLACEMENT_APPROVED


def _withdrawable(request: ProviderRequest) -> ProviderRequest:
    locked = _locked(request)
    if not locked.offer_locked_at:
        return _open_for_answers(locked)
    search_round = locked.round
    council = CouncilSettings.load()
    if search_round.referral.stage in PLACEMENT_APPROVED:
        # The council has approved a placement: pulling out now is a conversation.
        raise DomainError(
            "The council has approved the cost of a placement, so the offer can no longer "
            f"be withdrawn here: email {council.contact_email} or phone the brokerage team"
        )
    expiry = link_expiry(search_round, council=council)
    if (
        locked.revoked_at
        or search_round.referral.status != Status.ACCEPTED
        or expiry is None
        or timezone.now() >= expiry
    ):
        raise DomainError("Answers to this request have closed")
    return locked


def _record(
    locked: ProviderRequest, *, kind: str, responder_name: str, **values: Any
) -> ProviderAnswer:
    if not responder_name.strip():
        raise DomainError("Enter your name")
    version = (locked.answers.aggregate(top=Max("version"))["top"] or 0) + 1
    response = ProviderAnswer.objects.create(
        request=locked, version=version, kind=kind, responder_name=responder_name.strip(), **values
    )
    answers: dict[str, str] = {
        ProviderAnswer.Kind.OFFER: Answer.OFFER,
        ProviderAnswer.Kind.NO_OPTION: Answer.NO_OPTION,
        ProviderAnswer.Kind.WITHDRAWN: Answer.WITHDRAWN,
    }
    locked.answer = answers[kind]
    locked.answered_at = response.submitted_at
    locked.save(update_fields=["answer", "answered_at"])
    return response


OFFER_FIELDS = (
    "carer_reference",
    "weekly_fee",
    "education_weekly",
    "therapy_weekly",
    "wraparound_weekly",
    "transport_weekly",
    "one_off_costs",
    "one_off_details",
    "available_from",
    "needs_met",
    "ofsted_urn",
)


@transaction.atomic
def offer_make(
    *, provider_request: ProviderRequest, responder_name: str, values: Mapping[str, Any]
) -> ProviderAnswer:
    """An offer, or a new version of one: every earlier version is kept. An offer sent
    to the social worker as an option is not changed (it may be withdrawn)."""
    locked = _locked(provider_request)
    if locked.round.service:
        raise DomainError(
            "This request is for support at home: say which days and times you can cover"
        )
    if locked.answer == Answer.OFFER and locked.offer_locked_at:
        raise DomainError(
            "Your offer has been sent to the social worker as an option, so it cannot be "
            "changed now. If you can no longer offer this placement, withdraw the offer; to "
            f"talk about it, email {CouncilSettings.load().contact_email}."
        )
    _open_for_answers(locked)
    unknown = set(values) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"Not offer fields: {sorted(unknown)}")
    if not values.get("weekly_fee") or values["weekly_fee"] <= Decimal("0"):
        raise DomainError("Enter the weekly fee")
    if not values.get("available_from"):
        raise DomainError("Enter the date the placement is available from")
    amended = locked.answer == Answer.OFFER
    response = _record(
        locked, kind=ProviderAnswer.Kind.OFFER, responder_name=responder_name, **values
    )
    chronology_add(
        referral=locked.round.referral,
        actor=None,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"{'Amended offer' if amended else 'Offer'} from {locked.provider.name} in round "
            f"{locked.round.number}: {money(response.total_weekly)} a week in all "
            f"(fee {money(response.weekly_fee)}), available from "
            f"{response.available_from:%-d %B %Y}"
        ),
    )
    _tell_officer(locked, "provider_answered", f"answer-{response.pk}", response=response)
    return response


PACKAGE_OFFER_FIELDS = (
    "carer_reference",
    "hourly_rate",
    "unsocial_hourly_rate",
    "two_carer_hourly_rate",
    "available_from",
    "needs_met",
)


@transaction.atomic
def package_offer_make(
    *,
    provider_request: ProviderRequest,
    responder_name: str,
    values: Mapping[str, Any],
    covered: Mapping[int, str],
) -> ProviderAnswer:
    """Part B of a package: the rows of the weekly tables the provider can cover (all of
    the pattern or part of it), each at one of its hourly rates, with the start date, a
    staff reference and how the outcomes will be met. The weekly fee it records is the
    dearest week's cost."""
    locked = _locked(provider_request)
    search_round = locked.round
    if not search_round.service:
        raise DomainError("This request is for a placement: make an offer of a placement")
    _open_for_answers(locked)
    unknown = set(values) - set(PACKAGE_OFFER_FIELDS)
    if unknown:
        raise ValueError(f"Not package offer fields: {sorted(unknown)}")
    slots = list(round_slots(search_round))
    if not covered:
        raise DomainError("Choose the days and times you can cover, or say you have no option")
    if set(covered) - {slot.pk for slot in slots}:
        raise DomainError("Choose from the days and times asked for")
    rates = {rate: values.get(field) for rate, field in RATE_FIELDS.items()}
    if not rates[CoveredSlot.Rate.STANDARD]:
        raise DomainError("Enter your hourly rate")
    if missing := rate_missing(covered, rates):
        raise DomainError(f"Enter your {CoveredSlot.Rate(missing).label.lower()} an hour")
    if not values.get("available_from"):
        raise DomainError("Enter the date you can start")
    weeks = week_costs(slots, covered, rates)
    amended = locked.answer == Answer.OFFER
    response = _record(
        locked,
        kind=ProviderAnswer.Kind.OFFER,
        responder_name=responder_name,
        weekly_fee=dearest_week(weeks),
        **values,
    )
    CoveredSlot.objects.bulk_create(
        CoveredSlot(answer=response, slot_id=slot_id, rate=rate)
        for slot_id, rate in covered.items()
    )
    shown = "; ".join(
        f"{w.label.lower()} {hours_number(w.covered_hours)} of "
        f"{hours_number(w.asked_hours)} hours, {money(w.cost)}"
        for w in weeks
    )
    chronology_add(
        referral=search_round.referral,
        actor=None,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"{'Amended offer' if amended else 'Offer'} from {locked.provider.name} in round "
            f"{search_round.number} ({search_round.get_service_display().lower()}): "
            f"{money(response.hourly_rate)} an hour; {shown}; can start "
            f"{response.available_from:%-d %B %Y}"
        ),
    )
    _tell_officer(locked, "provider_answered", f"answer-{response.pk}", response=response)
    return response


@transaction.atomic
def no_option_give(
    *, provider_request: ProviderRequest, responder_name: str, reason: str
) -> ProviderAnswer:
    locked = _answerable(provider_request)
    if not reason.strip():
        raise DomainError("Say why you have no option for this child")
    if locked.answer == Answer.OFFER:
        raise DomainError("Withdraw your offer first if you can no longer offer a placement")
    response = _record(
        locked,
        kind=ProviderAnswer.Kind.NO_OPTION,
        responder_name=responder_name,
        reason=reason.strip(),
    )
    chronology_add(
        referral=locked.round.referral,
        actor=None,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"No option from {locked.provider.name} in round {locked.round.number}: "
            f"{response.reason}"
        ),
    )
    return response


@transaction.atomic
def offer_withdraw(
    *, provider_request: ProviderRequest, responder_name: str, reason: str
) -> ProviderAnswer:
    """Withdraw an offer: while answers are open, or afterwards (until the link dies) for
    an offer sent to the social worker as an option."""
    locked = _withdrawable(provider_request)
    if locked.answer != Answer.OFFER:
        raise DomainError("There is no offer to withdraw")
    if not reason.strip():
        raise DomainError("Say why you are withdrawing the offer")
    response = _record(
        locked,
        kind=ProviderAnswer.Kind.WITHDRAWN,
        responder_name=responder_name,
        reason=reason.strip(),
    )
    chronology_add(
        referral=locked.round.referral,
        actor=None,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Offer withdrawn by {locked.provider.name} in round {locked.round.number}: "
            f"{response.reason}"
        ),
    )
    _tell_officer(locked, "provider_answered", f"answer-{response.pk}", response=response)
    return response


@transaction.atomic
def question_ask(*, provider_request: ProviderRequest, question: str) -> RoundQuestion:
    locked = _answerable(provider_request)
    if not question.strip():
        raise DomainError("Enter your question")
    asked = RoundQuestion.objects.create(
        round=locked.round, asked_by=locked, question=question.strip()
    )
    chronology_add(
        referral=locked.round.referral,
        actor=None,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Question from {locked.provider.name} in round {locked.round.number}: {asked.question}"
        ),
    )
    _tell_officer(locked, "provider_question", f"question-{asked.pk}", question=asked)
    return asked


def round_slots(search_round: SearchRound) -> QuerySet[ScheduleSlot]:
    """The rows a package's round asks about: its service's, or those it names."""
    slots = search_round.referral.schedule.filter(service=search_round.service)
    return slots.filter(pk__in=search_round.rows) if search_round.rows else slots


def _tell_officer(request: ProviderRequest, template: str, key: str, **context: Any) -> None:
    search_round = request.round
    officer = search_round.referral.assigned_officer or search_round.sent_by
    if officer is None:
        return
    referral_email(
        search_round.referral,
        to=[officer.email],
        template=template,
        key=key,
        search_round=search_round,
        provider=request.provider,
        **context,
    )
