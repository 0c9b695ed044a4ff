"""What the directory tells the apps above it, which it may not import: they connect
receivers from their `AppConfig.ready()`."""

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal

from .models import NOT_OPERATING, OfstedRating, Provider, RegistrationStatus


@dataclass(frozen=True)
class OfstedConcern:
    """News from Ofsted about a provider that the officers using it must hear: its
    rating fell to requires improvement or inadequate (`models.rating_fell`), or its
    registration was suspended or closed."""

    provider: Provider
    kind: str  # "rating_fell" or "registration_stopped" (ReferralAlert.Kind's values)
    text: str  # what happened, in a sentence without a full stop
    key: str  # the same news twice has the same key

    @classmethod
    def rating_fell(
        cls, provider: Provider, after: str, inspection_date: dt.date | None
    ) -> "OfstedConcern":
        rating = OfstedRating(after).label.lower()
        inspected = f" (inspected {inspection_date:%-d %B %Y})" if inspection_date else ""
        return cls(
            provider=provider,
            kind="rating_fell",
            text=f"{provider.name}'s Ofsted rating fell to {rating}{inspected}",
            key=f"rating_fell:{provider.pk}:{after}:{inspection_date or ''}",
        )

    @classmethod
    def registration_stopped(cls, provider: Provider, status: str) -> "OfstedConcern":
        if status not in NOT_OPERATING:
            raise ValueError(f"{status} does not stop a provider")
        label = RegistrationStatus(status).label.lower()
        return cls(
            provider=provider,
            kind="registration_stopped",
            text=f"{provider.name}'s Ofsted registration is {label}",
            key=f"registration_stopped:{provider.pk}:{status}",
        )


# Ofsted concerns (`concerns`: a list of OfstedConcern), sent inside the transaction that
# records them, so that whatever a receiver writes (an alert, an email in the outbox) is
# kept or rolled back with them. Sent once for many, so a receiver reads once for all.
ofsted_concerns = Signal()
