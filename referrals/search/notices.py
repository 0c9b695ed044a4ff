"""What providers in a round are sent: a secret link each, the request and its reminders,
and the answers to providers' questions, which go to every provider in the round."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse

from placements.calendar import LONDON
from placements.links import new_token, token_hash
from placements.models import CouncilSettings, OutboxMessage
from placements.services import outbox_enqueue_many
from referrals.models import (
    ProviderLink,
    ProviderRequest,
    SearchRound,
)
from referrals.pack.content import provider_email_check
from referrals.search.rules import (
    referral_age_bands,
)

Kind = SearchRound.Kind


RoundStatus = SearchRound.Status


Answer = ProviderRequest.Answer


def _new_links(requests: Iterable[ProviderRequest]) -> dict[int, str]:
    """A fresh secret per request; only its hash is stored. Returns request pk → token."""
    tokens = {request.pk: new_token() for request in requests}
    ProviderLink.objects.bulk_create(
        [ProviderLink(request_id=pk, token_hash=token_hash(token)) for pk, token in tokens.items()]
    )
    return tokens


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("respond:page", kwargs={"token": token})


def deadline_words(moment: dt.datetime) -> str:
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} on {local:%A %-d %B %Y}"


def provider_context(search_round: SearchRound, council: CouncilSettings) -> dict[str, Any]:
    """What every email to a provider may say: never a name, a date of birth or a place."""
    referral = search_round.referral
    return {
        "reference": referral.reference,
        "category": str(search_round.category or referral.placement_type or "Placement"),
        "ages": referral_age_bands(referral),
        "urgency": (
            "Emergency" if referral.is_emergency else "Urgent" if referral.is_urgent else "Standard"
        ),
        "deadline": deadline_words(search_round.deadline_at) if search_round.deadline_at else "",
        "council": council,
        # A package's round asks for one service of support at home.
        "service": search_round.get_service_display() if search_round.service else "",
        "request_name": "Request for support" if search_round.service else "Placement request",
    }


def provider_emails(
    search_round: SearchRound,
    requests: list[ProviderRequest],
    *,
    template: str,
    key: str,
    council: CouncilSettings,
    **extra: Any,
) -> list[OutboxMessage]:
    """One email per provider request, each with its own fresh link, written at once."""
    tokens = _new_links(requests)
    base = provider_context(search_round, council)
    return outbox_enqueue_many(
        [
            (
                f"{template}:{request.pk}:{key}",
                request.provider.referral_emails,
                template,
                {
                    **base,
                    **extra,
                    "provider": request.provider,
                    "link": link_url(tokens[request.pk]),
                },
            )
            for request in requests
        ],
        sensitive=True,
        check=provider_email_check(search_round.referral, council),
    )
