"""The approver's queue and decision page, and what others may not decide."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from approvals.costs.models import CostApproval
from approvals.offers.rules import FLAG_FUNDING
from approvals.offers.services.negotiation import flag_override
from placements.models import OutboxMessage
from placements.roles import Role
from referrals.search import answers
from tests.approvals.conftest import signed_in, url
from tests.journeys import chosen, offer_values

pytestmark = pytest.mark.django_db


def test_the_head_of_service_approves_and_others_cannot(
    referral, offers, officer, social_worker, head_of_service, senior_manager, make_user
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    queue = signed_in(head_of_service).get(reverse("approvals:queue")).content.decode()
    assert referral.reference in queue
    assert referral.reference not in (
        signed_in(senior_manager).get(reverse("approvals:queue")).content.decode()
    )
    page_url = url("cost-approval", referral, approval_pk=approval.pk)
    # A senior manager can read it but not decide it.
    senior = signed_in(senior_manager)
    assert "head of service or above" in senior.get(page_url).content.decode()
    senior.post(page_url, {"decision": "approve"})
    approval.refresh_from_db()
    assert approval.status == CostApproval.Status.PENDING
    # An approver outside the referral's reach that has never had a cost: 404.
    other = signed_in(make_user(Role.SOCIAL_WORKER, team=None))
    assert other.get(page_url).status_code == 404
    head = signed_in(head_of_service)
    missing = head.post(page_url, {"decision": "return", "comments": ""}).content.decode()
    assert "Give your comments" in missing
    head.post(page_url, {"decision": "approve", "comments": ""})
    approval.refresh_from_db()
    assert approval.status == CostApproval.Status.APPROVED
    told = OutboxMessage.objects.get(key__startswith="cost_approval_decided:")
    # Both the officer and the social worker can open the link they are sent.
    path = re.search(r"https?://[^/\s]+(/\S+)", told.body_text).group(1)
    assert signed_in(social_worker).get(path).status_code == 200
    assert signed_in(officer).get(path).status_code == 200


def test_the_approver_sees_the_flag_the_duty_lead_overrode(
    make_user, referral, offers, officer, social_worker, director
):

    dear = answers.offer_make(
        provider_request=offers["Framework 2"].request,
        responder_name="Pat",
        values=offer_values(Decimal("7200")),
    )
    duty_lead = make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None)
    flag_override(
        response=dear, flag=FLAG_FUNDING, reason="Panel agreed £7,200 on 20 Nov", actor=duty_lead
    )
    approval = chosen(referral, officer, social_worker, dear)
    page = signed_in(director).get(url("cost-approval", referral, approval_pk=approval.pk))
    text = page.content.decode()
    assert "Above the funding approval" in text and "Panel agreed £7,200 on 20 Nov" in text
    assert "£7,000.00 and over, director" in text
