"""From offers to the social worker's choice: negotiation, flag overrides, options sent,
chosen or declined, reminders, and no suitable options at all."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from placements.calendar import add_working_days
from placements.formatting import money
from placements.models import CouncilSettings, OutboxMessage
from placements.permissions import is_brokerage
from placements.services import DomainError, outbox_enqueue_many
from referrals.common import chronology_add, referral_email
from referrals.models import (
    ChronologyEntry,
    FeeRevision,
    ProviderAnswer,
    ProviderRequest,
    Referral,
)
from referrals.pack.content import provider_email_check
from referrals.search.scan import rounds_close_early
from referrals.workflow import (
    Stage,
    Status,
    is_social_worker_side,
    lock_referral,
    stage_move,
    step,
)

from ..costs.models import CostApproval
from ..costs.services import approval_request
from .models import FlagOverride, FlexibilityRequest, Shortlist, ShortlistOption
from .rules import (
    FLAG_LABELS,
    OVERRIDERS,
    SHORTLIST_STEPS,
    funding_limit,
    offer_flags,
    offer_is_current,
    open_flags,
)


def _brokerage_referral(referral: Referral, actor) -> Referral:
    if not is_brokerage(actor):
        raise DomainError("Only brokerage can do this")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != Status.ACCEPTED:
        raise DomainError(
            f"This referral is {locked.get_status_display().lower()}: its offers are closed"
        )
    return locked


def _offer(response: ProviderAnswer, referral: Referral) -> ProviderAnswer:
    """The offer, fresh, checked to belong to the referral and still stand as it is."""
    fresh = (
        ProviderAnswer.objects.select_related("request__provider", "request__round")
        .prefetch_related("revisions", "flag_overrides")
        .get(pk=response.pk)
    )
    if fresh.request.round.referral_id != referral.pk:
        raise DomainError("This offer is not for this referral")
    if not offer_is_current(fresh):
        raise DomainError(
            f"{fresh.request.provider}'s offer has been withdrawn or changed since: "
            "refresh the page"
        )
    return fresh


def _with_pending_choice(response: ProviderAnswer) -> bool:
    """The offer is with the social worker or waiting for its cost approval."""
    return (
        ShortlistOption.objects.filter(
            response=response, shortlist__status=Shortlist.Status.AWAITING
        ).exists()
        or CostApproval.objects.filter(
            option__response=response, status=CostApproval.Status.PENDING
        ).exists()
    )


# --- Negotiation and flags ------------------------------------------------------------


@transaction.atomic
def fee_revise(*, response: ProviderAnswer, weekly_fee: Decimal, note: str, actor) -> FeeRevision:
    """Record a fee the officer negotiated. The first quote stays; the saving shows."""
    referral = _brokerage_referral(response.request.round.referral, actor)
    offer = _offer(response, referral)
    if not note.strip():
        raise DomainError("Say what was agreed with the provider, and with whom")
    if weekly_fee <= 0:
        raise DomainError("The weekly fee must be more than £0")
    if weekly_fee >= offer.agreed_fee:
        raise DomainError(
            f"The negotiated fee must be lower than the fee now, {money(offer.agreed_fee)} a week"
        )
    if _with_pending_choice(offer):
        raise DomainError(
            "This offer is with the social worker or waiting for approval: its fee cannot "
            "change now"
        )
    before = offer.agreed_total_weekly
    revision = FeeRevision.objects.create(
        response=offer, weekly_fee=weekly_fee, note=note.strip(), recorded_by=actor
    )
    offer = ProviderAnswer.objects.prefetch_related("revisions").get(pk=offer.pk)
    saving = offer.saving_weekly
    chronology_add(
        referral=referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Fee negotiated with {response.request.provider}: {money(before)} to "
            f"{money(offer.agreed_total_weekly)} a week in all (saving {money(saving)} a week, "
            f"{money(saving * 52)} a year on the first quote). {note.strip()}"
        ),
    )
    return revision


@transaction.atomic
def flag_override(*, response: ProviderAnswer, flag: str, reason: str, actor) -> FlagOverride:
    """Clear a rule flag on an offer with a reason: the duty lead or a senior manager."""
    if not actor.has_role(*OVERRIDERS):
        raise DomainError("Only the duty lead can override a flag")
    referral = Referral.objects.select_for_update().get(pk=response.request.round.referral_id)
    if referral.status != Status.ACCEPTED:
        raise DomainError("This referral's offers are closed")
    offer = _offer(response, referral)
    council = CouncilSettings.load()
    limit = funding_limit(
        Referral.objects.prefetch_related("funding_approvals").get(pk=referral.pk)
    )
    flags = {f.code: f for f in offer_flags(offer, limit=limit, council=council)}
    if flag not in flags:
        raise DomainError("This offer does not carry that flag")
    if not flags[flag].is_open:
        raise DomainError("This flag has already been overridden")
    if not reason.strip():
        raise DomainError("Give the reason for overriding the flag")
    override = FlagOverride.objects.create(
        response=offer, flag=flag, reason=reason.strip(), overridden_by=actor
    )
    chronology_add(
        referral=referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Flag “{FLAG_LABELS[flag]}” overridden on {offer.request.provider}'s offer: "
            f"{reason.strip()}"
        ),
    )
    return override


# --- Options to the social worker -----------------------------------------------------


def _provider_note(request: ProviderRequest, council: CouncilSettings, **context) -> tuple:
    referral = request.round.referral
    return (
        {
            "reference": referral.reference,
            "category": str(request.round.category or referral.placement_type or "Placement"),
            "provider": request.provider,
            "council": council,
            **context,
        },
        request.provider.referral_emails,
    )


@transaction.atomic
def shortlist_send(
    *, referral: Referral, responses: Sequence[ProviderAnswer], note: str, actor
) -> Shortlist:
    """Send the chosen offers to the social worker as options, costs as they stand; every
    provider with an offer not put forward is told."""
    locked = _brokerage_referral(referral, actor)
    if not responses:
        raise DomainError("Choose at least one offer to send to the social worker")
    if locked.shortlists.filter(status=Shortlist.Status.AWAITING).exists():
        raise DomainError("Options are already with the social worker: wait for their answer")
    if locked.cost_approvals.filter(status=CostApproval.Status.PENDING).exists():
        raise DomainError("A chosen option is waiting for its cost approval")
    if hasattr(locked, "placement"):
        raise DomainError("A placement is already confirmed for this referral")
    council = CouncilSettings.load()
    limit = funding_limit(Referral.objects.prefetch_related("funding_approvals").get(pk=locked.pk))
    offers = [_offer(response, locked) for response in responses]
    for offer in offers:
        flags = open_flags(offer_flags(offer, limit=limit, council=council))
        if flags:
            raise DomainError(
                f"{offer.request.provider}'s offer is flagged ({flags[0].label.lower()}): "
                "clear or override the flag first"
            )
    offers.sort(key=lambda offer: offer.agreed_total_weekly)
    shortlist = Shortlist.objects.create(referral=locked, note=note.strip(), sent_by=actor)
    ShortlistOption.objects.bulk_create(
        ShortlistOption(
            shortlist=shortlist,
            response=offer,
            position=n,
            is_in_house=offer.request.provider.is_in_house,
            weekly_fee=offer.agreed_fee,
            additional_weekly=offer.additional_weekly,
            total_weekly=offer.agreed_total_weekly,
        )
        for n, offer in enumerate(offers, 1)
    )
    put_forward = {offer.request_id for offer in offers}
    # What the social worker chooses from is what gets approved: the provider may
    # withdraw an option from now on, but not change it.
    ProviderRequest.objects.filter(pk__in=put_forward, offer_locked_at__isnull=True).update(
        offer_locked_at=shortlist.sent_at
    )
    not_put_forward = (
        ProviderRequest.objects.filter(
            round__referral=locked, answer=ProviderRequest.Answer.OFFER, revoked_at__isnull=True
        )
        .exclude(pk__in=put_forward)
        .select_related("provider", "round__referral", "round__category")
    )
    # Each provider is told once, however many sets of options follow.
    keys = {request.pk: f"provider_not_shortlisted:{request.pk}" for request in not_put_forward}
    told = set(OutboxMessage.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    outbox_enqueue_many(
        [
            (keys[request.pk], to, "provider_not_shortlisted", context)
            for request in not_put_forward
            if keys[request.pk] not in told
            for context, to in [_provider_note(request, council)]
        ],
        check=provider_email_check(locked, council),
    )
    referral_email(
        locked,
        to=[locked.social_worker.email],
        template="options_ready",
        key=f"shortlist-{shortlist.pk}",
        count=len(offers),
    )
    names = ", ".join(str(offer.request.provider) for offer in offers)
    stage_move(
        referral=locked,
        to=Stage.OPTIONS,
        actor=actor,
        text=f"{len(offers)} option{'s' * (len(offers) != 1)} sent to the social worker: {names}",
        next_action="Wait for the social worker to choose an option",
        due=timezone.localtime(remind_due_at(shortlist.sent_at, council)).date(),
    )
    # Rounds still open would say "waiting for answers" while the choice is being made.
    rounds_close_early(
        referral=locked, why="options have been sent to the social worker", actor=actor
    )
    return shortlist


def _social_worker_shortlist(shortlist: Shortlist, actor) -> Shortlist:
    lock_referral(shortlist.referral_id)
    locked = (
        Shortlist.objects.select_for_update(of=("self",))
        .select_related("referral__social_worker", "referral__assigned_officer")
        .get(pk=shortlist.pk)
    )
    referral = locked.referral
    if not is_social_worker_side(actor, referral):
        raise DomainError("Only the child's social worker or their team chooses an option")
    if locked.status != Shortlist.Status.AWAITING:
        raise DomainError("These options have already been answered")
    if referral.status != Status.ACCEPTED:
        raise DomainError("This referral is no longer being searched for")
    return locked


def _officers(referral: Referral, shortlist: Shortlist | None = None) -> list[str]:
    officer = referral.assigned_officer or (shortlist.sent_by if shortlist else None)
    return [officer.email] if officer else []


@transaction.atomic
def option_choose(
    *,
    shortlist: Shortlist,
    option: ShortlistOption,
    rationale: str,
    actor,
    in_house_reason: str = "",
) -> CostApproval:
    """The social worker chooses one option with the reason it meets the child's needs;
    its cost goes to the approver its band names."""
    locked = _social_worker_shortlist(shortlist, actor)
    options = list(locked.options.select_related("response__request__provider"))
    if option.pk not in {o.pk for o in options}:
        raise DomainError("Choose one of the options sent to you")
    chosen = next(o for o in options if o.pk == option.pk)
    if not rationale.strip():
        raise DomainError("Say how this option meets the child's needs")
    in_house_offered = any(o.is_in_house for o in options)
    if not chosen.is_in_house and in_house_offered and not in_house_reason.strip():
        raise DomainError(
            "Say why the in-house option does not meet the child's needs, as you are "
            "choosing an external one"
        )
    response = ProviderAnswer.objects.prefetch_related("revisions").get(pk=chosen.response_id)
    if not offer_is_current(response):
        raise DomainError(
            "This provider has withdrawn or changed the offer since it was sent: ask brokerage"
        )
    now = timezone.now()

    def choose(row: Shortlist) -> list[str]:
        row.chosen = chosen
        row.rationale = rationale.strip()
        row.in_house_reason = in_house_reason.strip()
        row.decided_by, row.decided_at = actor, now
        return ["chosen", "rationale", "in_house_reason", "decided_by", "decided_at"]

    step(
        locked,
        to=Shortlist.Status.CHOSEN,
        allowed=SHORTLIST_STEPS,
        referral=locked.referral,
        actor=actor,
        update=choose,
        refused="These options have already been answered",
    )
    approval = approval_request(option=chosen, actor=actor)
    referral = locked.referral
    referral_email(
        referral,
        to=_officers(referral, locked),
        template="option_chosen",
        key=f"chosen-{locked.pk}",
        provider=chosen.response.request.provider,
    )
    text = (
        f"The social worker chose {chosen.response.request.provider} "
        f"({money(chosen.total_weekly)} a week): {locked.rationale}"
    )
    if locked.in_house_reason:
        text += f". Why not in-house: {locked.in_house_reason}"
    chronology_add(referral=referral, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text)
    return approval


@transaction.atomic
def options_decline(*, shortlist: Shortlist, reason: str, actor) -> Shortlist:
    """The social worker declines every option, with a reason."""
    locked = _social_worker_shortlist(shortlist, actor)
    if not reason.strip():
        raise DomainError("Say why none of the options meets the child's needs")

    def decline(row: Shortlist) -> list[str]:
        row.declined_reason = reason.strip()
        row.decided_by, row.decided_at = actor, timezone.now()
        return ["declined_reason", "decided_by", "decided_at"]

    step(
        locked,
        to=Shortlist.Status.DECLINED,
        allowed=SHORTLIST_STEPS,
        referral=locked.referral,
        actor=actor,
        update=decline,
        refused="These options have already been answered",
    )
    referral_email(
        locked.referral,
        to=_officers(locked.referral, locked),
        template="options_declined",
        key=f"declined-{locked.pk}",
        reason=locked.declined_reason,
    )
    stage_move(
        referral=locked.referral,
        to=Stage.SEARCHING,
        actor=actor,
        text=f"The social worker declined every option: {locked.declined_reason}",
        next_action="The social worker declined every option: search again, or ask about "
        "flexibility",
        due=timezone.localdate(),
    )
    return locked


def remind_due_at(sent_at: dt.datetime, council: CouncilSettings) -> dt.datetime:
    """Options sent at `sent_at` are overdue this many working days later, same time."""
    local = timezone.localtime(sent_at)
    day = add_working_days(
        local.date(),
        council.options_reminder_working_days,
        subdivision=council.bank_holiday_subdivision,
    )
    return local.replace(year=day.year, month=day.month, day=day.day)


def options_remind_due(*, now: dt.datetime | None = None) -> int:
    """Remind the social worker and the officer of options waiting a working day or more.
    Each shortlist is claimed by a conditional update: one reminder, whatever overlaps."""
    now = now or timezone.now()
    council = CouncilSettings.load()
    reminded = 0
    waiting = Shortlist.objects.filter(
        status=Shortlist.Status.AWAITING,
        reminded_at__isnull=True,
        referral__status=Status.ACCEPTED,
    ).select_related("referral__social_worker", "referral__assigned_officer", "sent_by")
    for shortlist in waiting:
        if remind_due_at(shortlist.sent_at, council) > now:
            continue
        with transaction.atomic():
            if not Shortlist.objects.filter(
                pk=shortlist.pk, status=Shortlist.Status.AWAITING, reminded_at__isnull=True
            ).update(reminded_at=now):
                continue
            referral = shortlist.referral
            referral_email(
                referral,
                to=[referral.social_worker.email, *_officers(referral, shortlist)],
                template="options_reminder",
                key=f"reminder-{shortlist.pk}",
                sent_at=shortlist.sent_at,
            )
            chronology_add(
                referral=referral,
                actor=None,
                kind=ChronologyEntry.Kind.NOTE,
                text="Reminder sent: the options have waited a working day for an answer",
            )
            reminded += 1
    return reminded


# --- No suitable options --------------------------------------------------------------


@transaction.atomic
def no_suitable_options(*, referral: Referral, why: str, actor) -> FlexibilityRequest:
    """No offer meets the child's needs: recorded, and the social worker is asked where
    there is flexibility before the referral is revised and searched again."""
    locked = _brokerage_referral(referral, actor)
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
def flexibility_answer(*, asked: FlexibilityRequest, answer: str, actor) -> FlexibilityRequest:
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
        to=_officers(referral) or [locked.asked_by.email],
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
