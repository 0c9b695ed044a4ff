"""Feedback to every provider not chosen, at once, with nothing that names the child."""

import pytest

from approvals.placement.services import feedback
from placements.models import OutboxMessage
from placements.services import DomainError
from tests.approvals.conftest import signed_in, url
from tests.journeys import CHILD, chosen, placed

pytestmark = pytest.mark.django_db


def test_unsuccessful_providers_get_feedback_at_once_without_personal_data(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    placed(approval, officer, head_of_service)
    waiting = feedback.unsuccessful_requests(referral)
    assert sorted(r.provider.name for r in waiting) == [
        "Framework 1",
        "Framework 3",
        "Northshire Fostering",
    ]
    entries = [(request, ["cost", "choice"], "") for request in waiting]
    named = [(waiting[0], ["location"], f"{CHILD['first_name']} needed to stay near school")]
    with pytest.raises(DomainError, match="names the child"):
        feedback.feedback_send(referral=referral, entries=named, actor=officer)
    with pytest.raises(DomainError, match="at least one reason"):
        feedback.feedback_send(referral=referral, entries=[(waiting[0], [], "")], actor=officer)
    feedback.feedback_send(referral=referral, entries=entries, actor=officer)
    sent = OutboxMessage.objects.filter(key__startswith="provider_feedback:")
    assert sent.count() == 3
    assert all("- Cost" in m.body_text for m in sent)
    assert all(CHILD["first_name"] not in m.body_text for m in sent)
    assert feedback.unsuccessful_requests(referral) == []


def test_feedback_is_sent_to_every_unsuccessful_provider_at_once(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    placed(approval, officer, head_of_service)
    client = signed_in(officer)
    waiting = feedback.unsuccessful_requests(referral)
    missing = client.post(url("feedback", referral), {}).content.decode()
    assert "There is a problem" in missing and "Choose at least one reason" in missing
    named = {f"p{request.pk}-reasons": ["cost"] for request in waiting}
    named[f"p{waiting[1].pk}-note"] = f"{CHILD['first_name']} needed a home nearer school"
    page = client.post(url("feedback", referral), named).content.decode()
    assert f'href="#p{waiting[1].pk}"' in page and "govuk-textarea--error" in page
    assert not OutboxMessage.objects.filter(key__startswith="provider_feedback:").exists()
    data = {f"p{request.pk}-reasons": ["cost"] for request in waiting}
    data[f"p{waiting[0].pk}-note"] = "Thank you, a closer home was found"
    assert client.post(url("feedback", referral), data).status_code == 302
    assert OutboxMessage.objects.filter(key__startswith="provider_feedback:").count() == 3
    assert "Cost" in client.get(url("placement", referral)).content.decode()
