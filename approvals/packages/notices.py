"""What everyone is told of a package's award, once its cost stands approved (at once
when the council approves packages by the panel, else when the band's approver does):
the social worker who, to tell the family; each awarded provider to expect the agreement
and contact the family; the others that they were not awarded (their requests close,
so the end of the search does not tell them again). Below `costs`, which calls it."""

from django.utils import timezone

from placements.models import CouncilSettings, OutboxMessage
from placements.services import outbox_enqueue_many
from referrals.common import referral_email
from referrals.models import ProviderRequest, Referral
from referrals.pack.content import provider_email_check
from referrals.search.notices import provider_context

from ..offers.models import Shortlist, ShortlistOption
from .rules import Part


def award_notices(shortlist: Shortlist) -> None:
    """Tell everyone of the award `shortlist` records. Call inside the transaction."""
    referral = shortlist.referral
    options = list(
        shortlist.options.select_related("response__request__provider", "response__request__round")
    )
    parts = [_part(option) for option in options]
    _tell_providers(referral, parts, CouncilSettings.load())
    referral_email(
        referral,
        to=[referral.social_worker.email],
        template="package_awarded",
        key=f"award-{shortlist.pk}",
        awarded="; ".join(f"{part.label} to {part.answer.request.provider}" for part in parts),
        providers=sorted({str(part.answer.request.provider) for part in parts}),
    )


def _part(option: ShortlistOption) -> Part:
    return Part(option.response, option.service, option.period)


def _tell_providers(referral: Referral, parts: list[Part], council: CouncilSettings) -> None:
    """Each awarded provider is told to expect the agreement and contact the family; the
    others who offered for an awarded service are told they were not awarded. Once each."""
    awarded = {part.answer.request_id: part for part in parts}
    others = (
        ProviderRequest.objects.filter(
            round__referral=referral,
            round__service__in={part.service for part in parts},
            answer=ProviderRequest.Answer.OFFER,
            revoked_at__isnull=True,
        )
        .exclude(pk__in=awarded)
        # Those already delivering a part of it (a part brokered again) keep it.
        .exclude(pk__in=referral.placements.values("response__request_id"))
        .select_related("provider", "round__referral", "round__category")
    )
    messages = [
        (
            f"provider_awarded:{part.answer.request_id}",
            part.answer.request.provider.referral_emails,
            "provider_awarded",
            {
                **provider_context(part.answer.request.round, council),
                "provider": part.answer.request.provider,
                "part": part.label,
            },
        )
        for part in awarded.values()
    ]
    messages += [
        (
            f"provider_not_awarded:{request.pk}",
            request.provider.referral_emails,
            "provider_not_awarded",
            {**provider_context(request.round, council), "provider": request.provider},
        )
        for request in others
    ]
    sent = set(
        OutboxMessage.objects.filter(key__in=[key for key, *_ in messages]).values_list(
            "key", flat=True
        )
    )
    outbox_enqueue_many(
        [message for message in messages if message[0] not in sent],
        check=provider_email_check(referral, council),
    )
    # Told now: their links close, and the search's end does not tell them again.
    others.update(revoked_at=timezone.now(), revoked_reason="Awarded to another provider")
