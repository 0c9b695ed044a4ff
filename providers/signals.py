"""What the directory tells the apps above it, which it may not import: they connect
receivers from their `AppConfig.ready()`."""

from django.dispatch import Signal

# A provider's Ofsted rating fell to Requires improvement or Inadequate (`models.rating_fell`),
# sent inside the transaction that records it, so that whatever a receiver writes (an
# alert, an email in the outbox) is kept or rolled back with it. Arguments: `provider`,
# `before` and `after` (OfstedRating values), `inspection_date`.
ofsted_rating_fell = Signal()
