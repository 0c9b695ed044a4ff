"""Options sent to the social worker (costs as they stand, the providers not put forward
told), one chosen with its reason and sent for cost approval, or every one declined;
reminders of options left waiting."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from placements.calendar import add_working_days
from placements.formatting import money
from placements.models import CouncilSettings, OutboxMessage, User
from placements.services import DomainError, outbox_enqueue_many
from referrals.common import chronology_add, referral_email
from referrals.models import ChronologyEntry, ProviderAnswer, ProviderRequest, Referral
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

from ...costs.models import CostApproval
from ...costs.services import approval_request
from ..models import Shortlist, ShortlistOption
from ..rules import (
    SHORTLIST_STEPS,
    funding_limit,
    offer_flags,
    offer_is_current,
    open_flags,
    outscored_by,
)
from ..selectors import current_offers, latest_needs_matches, scores_of
from .common import brokerage_referral, fresh_offer, officer_emails


def _provider_note(
    request: ProviderRequest, council: CouncilSettings, **context: Any
) -> tuple[dict[str, Any], list[str]]:
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
    *, referral: Referral, responses: Sequence[ProviderAnswer], note: str, actor: User
) -> Shortlist:
    """Send the chosen offers to the social worker as options, costs as they stand; every
    provider with an offer not put forward is told."""
    locked = brokerage_referral(referral, actor)
    if not responses:
        raise DomainError("Choose at least one offer to send to the social worker")
    if locked.shortlists.filter(status=Shortlist.Status.AWAITING).exists():
        raise DomainError("Options are already with the social worker: wait for their answer")
    if locked.cost_approvals.filter(status=CostApproval.Status.PENDING).exists():
        raise DomainError("A chosen option is waiting for its cost approval")
    if locked.placements.exists():
        raise DomainError("A placement is already confirmed for this referral")
    council = CouncilSettings.load()
    limit = funding_limit(Referral.objects.prefetch_related("funding_approvals").get(pk=locked.pk))
    offers = [fresh_offer(response, locked) for response in responses]
    for offer in offers:
        flags = open_flags(offer_flags(offer, limit=limit, council=council))
        if flags:
            raise DomainError(
                f"{offer.request.provider}'s offer is flagged ({flags[0].label.lower()}): "
                "clear or override the flag first"
            )
    offers.sort(key=lambda offer: offer.agreed_total_weekly)
    # Each option keeps its score as the comparison gives it now, among every offer.
    standing = current_offers(locked)
    scores = scores_of(standing, latest_needs_matches(standing), council=council)
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
            score=scores[offer.pk].to_json() if offer.pk in scores else {},
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


def _social_worker_shortlist(shortlist: Shortlist, actor: User) -> Shortlist:
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


@transaction.atomic
def option_choose(
    *,
    shortlist: Shortlist,
    option: ShortlistOption,
    rationale: str,
    actor: User,
    in_house_reason: str = "",
    ranking_reason: str = "",
) -> CostApproval:
    """The social worker chooses one option with the reason it meets the child's needs
    (and, choosing one that scored lower than another sent, why); its cost goes to the
    approver its band names."""
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
    if outscored_by(chosen, options) and not ranking_reason.strip():
        raise DomainError(
            "Say why you are choosing this option over one that scored higher on quality and cost"
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
        row.ranking_reason = ranking_reason.strip() if outscored_by(chosen, options) else ""
        row.decided_by, row.decided_at = actor, now
        return [
            "chosen",
            "rationale",
            "in_house_reason",
            "ranking_reason",
            "decided_by",
            "decided_at",
        ]

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
        to=officer_emails(referral, locked),
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
    if locked.ranking_reason:
        text += f". Why over a higher score: {locked.ranking_reason}"
    chronology_add(referral=referral, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text)
    return approval


@transaction.atomic
def options_decline(*, shortlist: Shortlist, reason: str, actor: User) -> Shortlist:
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
        to=officer_emails(locked.referral, locked),
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
                to=[referral.social_worker.email, *officer_emails(referral, shortlist)],
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
