"""Alerts for brokerage about referrals, raised from outside them: a provider's Ofsted
rating falling, or its registration suspended or closed, while it has a child placed or
an offer open. An alert is written with a
chronology line and an email to the referral's officer (or the duty leads when nobody
is assigned), in the transaction that raised it, and shows on the action list and the
referral's page until an officer records what was done."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.permissions import is_brokerage
from placements.services import DomainError
from providers.signals import OfstedConcern
from referrals.common import chronology_add, referral_email
from referrals.models import ChronologyEntry, ProviderRequest, Referral, ReferralAlert
from referrals.selectors import duty_lead_emails
from referrals.workflow import Status

# Referrals still open with brokerage: an offer on one of them can still be taken up.
OFFER_OPEN_STATUSES = (Status.ACCEPTED,)


def concerns_raise(
    *,
    concerns: Iterable[OfstedConcern],
    found: Iterable[tuple[Referral, int]],
    why: str,
) -> list[ReferralAlert]:
    """One alert per referral and concern about its provider (the same news twice is
    one), for `why` ("has a child placed", "has an offer open"). `found`: the referrals
    concerned, each with the provider (id) that concerns it."""
    by_provider: dict[int, list[OfstedConcern]] = {}
    for concern in concerns:
        by_provider.setdefault(concern.provider.pk, []).append(concern)
    pairs = {
        (referral.pk, concern.key): (referral, concern)
        for referral, provider_id in found
        for concern in by_provider.get(provider_id, [])
    }
    raised = []
    for referral, concern in pairs.values():
        text = f"{concern.text}. It {why}."
        alert, created = ReferralAlert.objects.get_or_create(
            referral=referral,
            key=concern.key,
            defaults={"provider": concern.provider, "kind": concern.kind, "text": text},
        )
        if not created:
            continue
        chronology_add(referral=referral, actor=None, kind=ChronologyEntry.Kind.NOTE, text=text)
        officer = referral.assigned_officer
        to = [officer.email] if officer and officer.is_active else duty_lead_emails()
        referral_email(referral, to=to, template="provider_concern", key=concern.key, alert=alert)
        raised.append(alert)
    return raised


def offers_open_concerns(*, concerns: list[OfstedConcern], **kwargs: Any) -> None:
    """Receiver of `providers.signals.ofsted_concerns`: the referrals with an offer from
    a provider of concern that can still be taken up, in one read."""
    requests = (
        ProviderRequest.objects.filter(
            provider_id__in={concern.provider.pk for concern in concerns},
            answer=ProviderRequest.Answer.OFFER,
            revoked_at__isnull=True,
            round__referral__status__in=OFFER_OPEN_STATUSES,
        )
        .select_related("round__referral__assigned_officer")
        .order_by("round__referral_id", "provider_id")
    )
    concerns_raise(
        concerns=concerns,
        found=((request.round.referral, request.provider_id) for request in requests),
        why="has an offer open on this referral",
    )


@transaction.atomic
def alert_close(*, alert: ReferralAlert, actor: User, note: str) -> ReferralAlert:
    """An officer records what was done about an alert; it leaves the lists."""
    if not is_brokerage(actor):
        raise DomainError("Only brokerage can close an alert")
    if not note.strip():
        raise DomainError("Enter what was done")
    locked = ReferralAlert.objects.select_for_update().get(pk=alert.pk)
    if locked.dealt_with_at is not None:
        raise DomainError("This alert has already been dealt with")
    locked.dealt_with_at, locked.dealt_with_by = timezone.now(), actor
    locked.dealt_with_note = note.strip()
    locked.save(update_fields=["dealt_with_at", "dealt_with_by", "dealt_with_note"])
    chronology_add(
        referral=locked.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Alert dealt with ({locked.text}): {locked.dealt_with_note}",
    )
    return locked
