"""What every referral service writes with: the chronology line, the email about a
referral, and the referral locked for brokerage's work. The search and the answers
services build on these, as the referral's own services do, so they live below all of
them (no service module imports another's package)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from placements.models import CouncilSettings, User
from placements.services import DomainError, outbox_enqueue
from referrals.models import ChronologyEntry, Referral
from referrals.workflow import Status


def chronology_add(
    *, referral: Referral, actor: User | None, kind: str, text: str
) -> ChronologyEntry:
    if not text.strip():
        raise DomainError("Enter what happened")
    return ChronologyEntry.objects.create(referral=referral, actor=actor, kind=kind, text=text)


def referral_email(
    referral: Referral, *, to: Iterable[str | None], template: str, key: str, **context: Any
) -> None:
    """Email people about a referral through the outbox (once per key), with a link to it."""
    addresses = [address for address in to if address]
    if not addresses:
        return
    outbox_enqueue(
        key=f"{template}:{referral.pk}:{key}",
        to=addresses,
        template=template,
        context={
            "referral": referral,
            "council": CouncilSettings.load(),
            "site_url": settings.SITE_URL,
            **context,
        },
    )


def _brokerage(referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status in (Status.DRAFT, Status.WITHDRAWN):
        raise DomainError("This referral is not open with brokerage")
    return locked
