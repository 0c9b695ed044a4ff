"""A provider's Ofsted rating falling while a child is placed with it: the officers of
those referrals are alerted (`referrals.brokerage.alerts`). Connected to
`providers.signals.ofsted_ratings_fell` by `ApprovalsConfig.ready()`."""

from django.db.models import Q
from django.utils import timezone

from providers.signals import RatingFall
from referrals.brokerage.alerts import rating_fell_raise
from referrals.workflow import Status

from .models import Placement


def placed_rating_fell(*, falls: list[RatingFall], **kwargs) -> None:
    """The referrals with a placement (or a part of a package) with a provider whose
    rating fell that has not ended, in one read."""
    by_provider = {fall.provider.pk: fall for fall in falls}
    today = timezone.localdate()
    live = (
        Placement.objects.filter(provider_id__in=by_provider)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(referral__status=Status.WITHDRAWN)
        .select_related("referral__assigned_officer")
        .order_by("referral_id", "provider_id")
    )
    pairs = {
        (placement.referral_id, placement.provider_id): (
            placement.referral,
            by_provider[placement.provider_id],
        )
        for placement in live
    }
    rating_fell_raise(pairs=pairs.values(), why="has a child placed through this referral")
