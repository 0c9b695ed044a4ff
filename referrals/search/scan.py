"""The search's clock: chasers to silent providers before the deadline, rounds closed at
the deadline (or early, once options are sent), run every 15 minutes by a task."""

import datetime as dt
from collections.abc import Mapping
from functools import partial

from django.db import transaction
from django.utils import timezone

from placements.models import CouncilSettings, User
from placements.services import DomainError, outbox_enqueue_many
from referrals.common import referral_email
from referrals.models import (
    ProviderRequest,
    Referral,
    SearchRound,
)
from referrals.pack.content import provider_email_check
from referrals.search.ending import round_close
from referrals.search.notices import provider_context, provider_emails
from referrals.search.selectors import live_requests

Kind = SearchRound.Kind


RoundStatus = SearchRound.Status


Answer = ProviderRequest.Answer


def chasers_send(*, now: dt.datetime | None = None) -> int:
    """Chase every provider still silent once the round's chase time has come and its
    deadline has not. Each round is claimed by a conditional update of its
    `chasers_sent_at`, so overlapping scans never chase a round twice, and its silent
    requests are stamped in one update under a row lock, so a provider answering at that
    moment is not chased after their answer."""
    now = now or timezone.now()
    council = CouncilSettings.load()
    due = SearchRound.objects.filter(
        status=RoundStatus.OPEN,
        chasers_sent_at__isnull=True,
        chase_at__lte=now,
        deadline_at__gt=now,
    )
    chased = 0
    for pk in due.order_by("chase_at").values_list("pk", flat=True):
        with transaction.atomic():
            if not SearchRound.objects.filter(
                pk=pk, status=RoundStatus.OPEN, chasers_sent_at__isnull=True, deadline_at__gt=now
            ).update(chasers_sent_at=now):
                continue  # another scan has this round
            search_round = SearchRound.objects.select_related("referral", "category").get(pk=pk)
            silent = list(
                search_round.requests.filter(
                    answer=Answer.AWAITING, chased_at__isnull=True, revoked_at__isnull=True
                )
                .select_for_update(of=("self",))
                .select_related("provider")
            )
            if not silent:
                continue
            ProviderRequest.objects.filter(pk__in=[request.pk for request in silent]).update(
                chased_at=now
            )
            provider_emails(
                search_round, silent, template="provider_chaser", key="chaser", council=council
            )
            chased += len(silent)
    return chased


def _round_officer_emails(search_round: SearchRound) -> list[str]:
    officer = search_round.referral.assigned_officer or search_round.sent_by
    return [officer.email] if officer else []


def _closed_at_deadline(search_round: SearchRound, counts: Mapping[str, int]) -> str:
    return (
        f"Round {search_round.number} "
        f"({search_round.get_kind_display().lower()}) closed at its deadline: "
        f"{counts['sent']} sent, {counts['opened']} opened, "
        f"{counts['offers']} offer{'s' if counts['offers'] != 1 else ''}, "
        f"{counts['no_option']} no option, {counts['silent']} silent"
    )


def rounds_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every open round whose deadline has passed, each claimed by a conditional
    update, and tell its officer the counts."""
    now = now or timezone.now()
    closed = 0
    for pk in SearchRound.objects.filter(status=RoundStatus.OPEN, deadline_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            search_round = SearchRound.objects.select_related(
                "referral__assigned_officer", "sent_by"
            ).get(pk=pk)
            try:
                counts = round_close(
                    search_round,
                    actor=None,
                    now=now,
                    due_by=now,
                    text=partial(_closed_at_deadline, search_round),
                )
            except DomainError:
                continue  # another scan closed it, or its deadline moved
            referral_email(
                search_round.referral,
                to=_round_officer_emails(search_round),
                template="round_closed",
                key=f"round-closed-{search_round.pk}",
                search_round=search_round,
                counts=counts,
            )
            closed += 1
    return closed


def rounds_close_early(*, referral: Referral, why: str, actor: User) -> int:
    """Close the referral's open rounds before their deadlines (options have gone to the
    social worker): providers who have not answered are told answers have closed; those
    who have keep their answers. Call inside the step's transaction. Returns how many
    providers were told."""
    now = timezone.now()
    council = CouncilSettings.load()
    told = 0
    check = None
    for search_round in referral.search_rounds.filter(status=RoundStatus.OPEN).select_related(
        "referral", "category"
    ):
        silent = [r for r in live_requests(search_round) if r.answer == Answer.AWAITING]
        round_close(
            search_round,
            actor=actor,
            now=now,
            text=(
                f"Round {search_round.number} closed before its deadline: {why}. "
                f"{len(silent)} provider{'s' if len(silent) != 1 else ''} had not answered "
                "and were told"
            ),
        )
        if silent:
            check = check or provider_email_check(referral, council)
            base = provider_context(search_round, council)
            outbox_enqueue_many(
                [
                    (
                        f"provider_round_closed:{request.pk}",
                        request.provider.referral_emails,
                        "provider_round_closed",
                        {**base, "provider": request.provider},
                    )
                    for request in silent
                ],
                check=check,
            )
            told += len(silent)
    return told


def search_scan(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The 15-minute scan: chasers first (a round closing now chases nobody), then closes."""
    now = now or timezone.now()
    return {"chased": chasers_send(now=now), "closed": rounds_close_due(now=now)}
