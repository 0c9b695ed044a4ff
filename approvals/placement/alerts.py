"""A provider's Ofsted rating falling while a child is placed with it: the officers of
those referrals are alerted (`referrals.brokerage.alerts`). Connected to
`providers.signals.ofsted_rating_fell` by `ApprovalsConfig.ready()`."""

from django.db.models import Q
from django.utils import timezone

from providers.models import Provider
from referrals.brokerage.alerts import rating_fell_raise
from referrals.models import Referral
from referrals.workflow import Status

from .models import Placement


def placed_rating_fell(*, provider: Provider, after: str, inspection_date, **kwargs) -> None:
    """The referrals with a placement (or a part of a package) with the provider that
    has not ended."""
    today = timezone.localdate()
    live = Placement.objects.filter(provider=provider).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    referrals = (
        Referral.objects.filter(pk__in=live.values("referral_id"))
        .exclude(status=Status.WITHDRAWN)
        .select_related("assigned_officer")
    )
    rating_fell_raise(
        referrals=referrals,
        provider=provider,
        after=after,
        inspection_date=inspection_date,
        why="has a child placed through this referral",
    )
