"""Ofsted's news about a provider with a child placed (its rating fell, its registration
was suspended or closed): the officers of those referrals are alerted
(`referrals.brokerage.alerts`). Connected to `providers.signals.ofsted_concerns` by
`ApprovalsConfig.ready()`."""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from providers.signals import OfstedConcern
from referrals.brokerage.alerts import concerns_raise
from referrals.workflow import Status

from .models import Placement


def placed_concerns(*, concerns: list[OfstedConcern], **kwargs: Any) -> None:
    """The referrals with a placement (or a part of a package) with a provider of
    concern that has not ended, in one read."""
    by_provider: dict[int, list[OfstedConcern]] = {}
    for concern in concerns:
        by_provider.setdefault(concern.provider.pk, []).append(concern)
    today = timezone.localdate()
    live = (
        Placement.objects.filter(provider_id__in=by_provider)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(referral__status=Status.WITHDRAWN)
        .select_related("referral__assigned_officer")
        .order_by("referral_id", "provider_id")
    )
    pairs = {
        (placement.referral_id, concern.key): (placement.referral, concern)
        for placement in live
        for concern in by_provider[placement.provider_id]
    }
    concerns_raise(pairs=pairs.values(), why="has a child placed through this referral")
