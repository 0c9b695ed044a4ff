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
    today = timezone.localdate()
    live = (
        Placement.objects.filter(provider_id__in={concern.provider.pk for concern in concerns})
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(referral__status=Status.WITHDRAWN)
        .select_related("referral__assigned_officer")
        .order_by("referral_id", "provider_id")
    )
    concerns_raise(
        concerns=concerns,
        found=((placement.referral, placement.provider_id) for placement in live),
        why="has a child placed through this referral",
    )
