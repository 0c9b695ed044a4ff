"""Alerts for brokerage about referrals, raised from outside them: a provider's Ofsted
rating falling while it has a child placed or an offer open. An alert is written with a
chronology line and an email to the referral's officer (or the duty leads when nobody
is assigned), in the transaction that raised it, and shows on the action list and the
referral's page until an officer records what was done."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.permissions import is_brokerage
from placements.services import DomainError
from providers.models import OfstedRating, Provider
from referrals.common import chronology_add, referral_email
from referrals.models import ChronologyEntry, ProviderRequest, Referral, ReferralAlert
from referrals.selectors import duty_lead_emails
from referrals.workflow import Status

# Referrals still open with brokerage: an offer on one of them can still be taken up.
OFFER_OPEN_STATUSES = (Status.ACCEPTED,)


def rating_fell_raise(
    *, referrals: Iterable[Referral], provider: Provider, after: str, inspection_date, why: str
) -> list[ReferralAlert]:
    """One alert per referral (once per rating and inspection), for `why` ("has a child
    placed", "has an offer open")."""
    rating = OfstedRating(after).label.lower()
    inspected = f" (inspected {inspection_date:%-d %B %Y})" if inspection_date else ""
    text = f"{provider.name}'s Ofsted rating fell to {rating}{inspected}. It {why}."
    key = f"rating_fell:{provider.pk}:{after}:{inspection_date or ''}"
    raised = []
    for referral in referrals:
        alert, created = ReferralAlert.objects.get_or_create(
            referral=referral,
            key=key,
            defaults={"provider": provider, "kind": ReferralAlert.Kind.RATING_FELL, "text": text},
        )
        if not created:
            continue
        chronology_add(referral=referral, actor=None, kind=ChronologyEntry.Kind.NOTE, text=text)
        officer = referral.assigned_officer
        to = [officer.email] if officer and officer.is_active else duty_lead_emails()
        referral_email(referral, to=to, template="provider_rating_fell", key=key, alert=alert)
        raised.append(alert)
    return raised


def offers_open_rating_fell(*, provider: Provider, after: str, inspection_date, **kwargs) -> None:
    """Receiver of `providers.signals.ofsted_rating_fell`: the referrals with an offer
    from the provider that can still be taken up."""
    referrals = Referral.objects.filter(
        status__in=OFFER_OPEN_STATUSES,
        pk__in=ProviderRequest.objects.filter(
            provider=provider, answer=ProviderRequest.Answer.OFFER, revoked_at__isnull=True
        ).values("round__referral_id"),
    ).select_related("assigned_officer")
    rating_fell_raise(
        referrals=referrals,
        provider=provider,
        after=after,
        inspection_date=inspection_date,
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
