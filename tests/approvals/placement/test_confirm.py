"""The placement confirmed at the agreed costs, on a move date the provider can meet."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.costs import services as costs
from approvals.placement.models import Placement
from approvals.placement.services import placement
from placements.services import DomainError
from referrals.search import answers
from tests.journeys import chosen, offer_values

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_move_date_cannot_come_before_the_placement_is_available(
    client, referral, offers, officer, social_worker, head_of_service
):
    available = timezone.localdate() + dt.timedelta(days=10)
    request = offers["Framework 2"].request
    later = answers.offer_make(
        provider_request=request,
        responder_name="Pat",
        values=offer_values(D("5400"), available_from=available),
    )
    approval = chosen(referral, officer, social_worker, later)
    costs.approval_approve(approval=approval, actor=head_of_service)
    with pytest.raises(DomainError, match=r"on or after .* when the provider said"):
        placement.placement_confirm(
            approval=approval, start_date=available - dt.timedelta(days=1), actor=officer
        )
    assert not Placement.objects.filter(referral=referral).exists()
    # On the page, the officer is told why, with nothing recorded.
    client.force_login(officer)
    early = available - dt.timedelta(days=3)
    page = client.post(
        reverse("approvals:placement", kwargs={"pk": referral.pk}),
        {
            "action": "confirm",
            "start_date_0": early.day,
            "start_date_1": early.month,
            "start_date_2": early.year,
        },
    ).content.decode()
    assert f"The move date must be on or after {available:%-d %B %Y}" in page
    assert not Placement.objects.filter(referral=referral).exists()
    made = placement.placement_confirm(approval=approval, start_date=available, actor=officer)
    assert made.start_date == available
