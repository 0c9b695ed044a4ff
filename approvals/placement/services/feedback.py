"""Feedback to the providers whose offers were not taken: who is still owed it, and
reasons and a note sent to all of them at once, with nothing that names the child."""

from collections.abc import Sequence

from django.db import transaction

from placements.models import CouncilSettings, User
from placements.services import DomainError, outbox_enqueue_many
from referrals.common import chronology_add
from referrals.models import ChronologyEntry, ProviderRequest, Referral
from referrals.pack.content import provider_email_check, refuse_identifiers

from ..models import Placement, ProviderFeedback
from .placement import require_brokerage


def unsuccessful_requests(referral: Referral) -> list[ProviderRequest]:
    """Every provider who made an offer (standing or since withdrawn) and was not
    placed with, and not yet given feedback."""
    placed = list(referral.placements.values_list("response__request_id", flat=True))
    requests = (
        ProviderRequest.objects.filter(
            round__referral=referral,
            answer__in=[ProviderRequest.Answer.OFFER, ProviderRequest.Answer.WITHDRAWN],
            feedback__isnull=True,
        )
        .select_related("provider", "round__referral", "round__category")
        .order_by("provider__name")
    )
    if placed:
        requests = requests.exclude(pk__in=placed)
    return list(requests)


@transaction.atomic
def feedback_send(
    *, referral: Referral, entries: Sequence[tuple[ProviderRequest, list[str], str]], actor: User
) -> list[ProviderFeedback]:
    """Tell every unsuccessful provider why, at once: reasons from the list and a note,
    which must not name the child or family."""
    require_brokerage(actor)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if not Placement.objects.filter(referral=locked).exists():
        raise DomainError("Give feedback once the placement is confirmed")
    if not entries:
        raise DomainError("There is nobody to give feedback to")
    council = CouncilSettings.load()
    waiting = {request.pk for request in unsuccessful_requests(locked)}
    made = []
    for request, reasons, note in entries:
        if request.pk not in waiting:
            raise DomainError(f"{request.provider} has had feedback already")
        reasons = [code for code in reasons if code in ProviderFeedback.Reason.values]
        if not reasons:
            raise DomainError(f"Choose at least one reason for {request.provider}")
        if note.strip():
            refuse_identifiers(
                locked, note, what=f"The note to {request.provider}", council=council
            )
        made.append(
            ProviderFeedback(request=request, reasons=reasons, note=note.strip(), sent_by=actor)
        )
    ProviderFeedback.objects.bulk_create(made)
    outbox_enqueue_many(
        [
            (
                f"provider_feedback:{feedback.request.pk}",
                feedback.request.provider.referral_emails,
                "provider_feedback",
                {
                    "reference": locked.reference,
                    "provider": feedback.request.provider,
                    "reasons": feedback.reason_labels(),
                    "note": feedback.note,
                    "council": council,
                },
            )
            for feedback in made
        ],
        check=provider_email_check(locked, council),
    )
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text="Feedback sent to "
        + "; ".join(f"{f.request.provider} ({', '.join(f.reason_labels()).lower()})" for f in made),
    )
    return made
