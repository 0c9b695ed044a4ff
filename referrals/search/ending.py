"""Rounds closing (at the deadline, early, or cancelled) and the search ending, with every
open link revoked and providers told only that the request was withdrawn."""

import datetime as dt
from collections.abc import Callable, Collection

from django.utils import timezone

from placements.models import CouncilSettings, User
from placements.services import DomainError, outbox_enqueue_many
from referrals.common import chronology_add
from referrals.models import (
    ChronologyEntry,
    ProviderRequest,
    Referral,
    SearchRound,
)
from referrals.pack.content import provider_email_check
from referrals.search.notices import provider_context
from referrals.search.selectors import live_requests, round_counts
from referrals.workflow import ROUND_STEPS, step

Kind = SearchRound.Kind


RoundStatus = SearchRound.Status


Answer = ProviderRequest.Answer


def closed_now(row: SearchRound) -> list[str]:
    row.closed_at = timezone.now()
    return ["closed_at"]


def round_close(
    search_round: SearchRound,
    *,
    actor: User | None,
    now: dt.datetime,
    text: str | Callable[[dict[str, int]], str] = "",
    due_by: dt.datetime | None = None,
) -> dict[str, int]:
    """Close an open round through step(), with its counts as its summary; `text` (or
    `text(counts)`) is the chronology's line. With `due_by`, only if its deadline has
    come by then (it may have been extended since the scan looked): else DomainError.
    Returns the counts."""
    counts = round_counts(search_round)

    def close(row: SearchRound) -> list[str]:
        if due_by is not None and (row.deadline_at is None or row.deadline_at > due_by):
            raise DomainError("This round's deadline has moved")
        row.closed_at, row.summary = now, counts
        return ["closed_at", "summary"]

    step(
        search_round,
        to=RoundStatus.CLOSED,
        allowed=ROUND_STEPS,
        referral=search_round.referral,
        actor=actor,
        update=close,
        text=text(counts) if callable(text) else text,
    )
    return counts


def search_end(*, referral: Referral, why: str, actor: User, keep: Collection[int] = ()) -> int:
    """The referral is withdrawn (or placed): every open link is revoked, every provider
    still in a round is told, and rounds being prepared are cancelled. Call inside the
    transaction that ends the referral. `keep` holds the placed providers' requests (by
    id), which stay as they are. Returns how many providers were told."""
    now = timezone.now()
    council = CouncilSettings.load()
    for draft in referral.search_rounds.filter(status=RoundStatus.DRAFT):
        step(
            draft,
            to=RoundStatus.CANCELLED,
            allowed=ROUND_STEPS,
            referral=referral,
            actor=actor,
            update=closed_now,
        )
    told = 0
    check = provider_email_check(referral, council)  # built once, for every round
    for search_round in referral.search_rounds.filter(
        status__in=[RoundStatus.OPEN, RoundStatus.CLOSED]
    ).select_related("referral", "category"):
        live = [r for r in live_requests(search_round) if r.pk not in keep]
        if live:
            ProviderRequest.objects.filter(pk__in=[r.pk for r in live]).update(
                revoked_at=now, revoked_reason=why
            )
            base = provider_context(search_round, council)
            outbox_enqueue_many(
                [
                    (
                        f"provider_withdrawn:{request.pk}",
                        request.provider.referral_emails,
                        "provider_withdrawn",
                        {**base, "provider": request.provider, "why": why},
                    )
                    for request in live
                ],
                check=check,
            )
            told += len(live)
        if search_round.status == RoundStatus.OPEN:
            round_close(search_round, actor=actor, now=now)
    if told:
        chronology_add(
            referral=referral,
            actor=actor,
            kind=ChronologyEntry.Kind.NOTE,
            text=(
                f"Provider links revoked and {told} provider{'s' if told != 1 else ''} told: {why}"
            ),
        )
    return told
