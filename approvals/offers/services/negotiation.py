"""An offer negotiated down (the first quote kept, the saving shown), a rule flag
overridden with a reason, and the officer's score of an offer's match to the needs."""

from decimal import Decimal

from django.db import transaction

from placements.formatting import money
from placements.models import CouncilSettings, User
from placements.services import DomainError
from referrals.common import chronology_add
from referrals.models import ChronologyEntry, FeeRevision, ProviderAnswer, Referral
from referrals.workflow import Status

from ...costs.models import CostApproval
from ..models import FlagOverride, NeedsMatch, Shortlist, ShortlistOption
from ..ranking import NEEDS_MATCH
from ..rules import FLAG_LABELS, OVERRIDERS, funding_limit, offer_flags
from .common import brokerage_referral, fresh_offer


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


@transaction.atomic
def fee_revise(
    *, response: ProviderAnswer, weekly_fee: Decimal, note: str, actor: User
) -> FeeRevision:
    """Record a fee the officer negotiated. The first quote stays; the saving shows."""
    referral = brokerage_referral(response.request.round.referral, actor)
    offer = fresh_offer(response, referral)
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
def flag_override(*, response: ProviderAnswer, flag: str, reason: str, actor: User) -> FlagOverride:
    """Clear a rule flag on an offer with a reason: the duty lead or a senior manager."""
    if not actor.has_role(*OVERRIDERS):
        raise DomainError("Only the duty lead can override a flag")
    referral = Referral.objects.select_for_update().get(pk=response.request.round.referral_id)
    if referral.status != Status.ACCEPTED:
        raise DomainError("This referral's offers are closed")
    offer = fresh_offer(response, referral)
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


@transaction.atomic
def needs_match_score(
    *, response: ProviderAnswer, score: int, note: str, actor: User
) -> NeedsMatch:
    """The officer scores how well an offer meets the child's needs (0 to 4), part of
    its quality score; every score is kept, the latest counts."""
    referral = brokerage_referral(response.request.round.referral, actor)
    offer = fresh_offer(response, referral)
    if score not in NEEDS_MATCH:
        raise DomainError("Choose how well the offer meets the child's needs")
    match = NeedsMatch.objects.create(
        request=offer.request, score=score, note=note.strip(), scored_by=actor
    )
    text = f"Scored {offer.request.provider}'s offer against the needs: {NEEDS_MATCH[score]}"
    chronology_add(
        referral=referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"{text}. {match.note}" if match.note else text,
    )
    return match
