"""What the directory tells the apps above it, which it may not import: they connect
receivers from their `AppConfig.ready()`."""

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal

from .models import Provider


@dataclass(frozen=True)
class RatingFall:
    """A provider's Ofsted rating fallen to requires improvement or inadequate
    (`models.rating_fell`): from `before` to `after` (OfstedRating values)."""

    provider: Provider
    before: str
    after: str
    inspection_date: dt.date | None


# Ratings fell (`falls`: a list of RatingFall), sent inside the transaction that records
# them, so that whatever a receiver writes (an alert, an email in the outbox) is kept or
# rolled back with them. Sent once for many, so a receiver reads once for all of them.
ofsted_ratings_fell = Signal()
