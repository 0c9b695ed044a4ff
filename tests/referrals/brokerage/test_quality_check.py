import pytest
from django.core import mail
from django.urls import reverse

from placements.roles import Role
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.drafting.completeness import qa_checklist
from referrals.models import Referral
from tests.journeys import approved

pytestmark = pytest.mark.django_db
Status = Referral.Status


@pytest.fixture
def social_worker(make_user):
    return make_user(Role.SOCIAL_WORKER, email="sw@council.example")


@pytest.fixture
def officer(make_user):
    return make_user(Role.BROKERAGE_OFFICER, team=None, email="officer@council.example")


def test_officer_accepts_onto_the_action_list(
    social_worker, officer, django_capture_on_commit_callbacks
):
    referral = approved(social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        referral = brokerage.referral_qa_accept(referral=referral, actor=officer, take_it=True)
    assert referral.status == Status.ACCEPTED
    assert referral.assigned_officer == officer and referral.accepted_at
    assert (
        referral.chronology.last().text == f"Accepted onto the action list, assigned to {officer}"
    )
    assert any("accepted" in m.subject and m.to == ["sw@council.example"] for m in mail.outbox)


def test_rounds_of_questions_are_all_kept(social_worker, officer):
    referral = approved(social_worker)
    referral = brokerage.referral_qa_return(
        referral=referral, actor=officer, requests=["Add the school's view", "", "Budget?"]
    )
    assert referral.status == Status.QA_RETURNED
    with pytest.raises(DomainError, match="Say what you have changed"):
        drafting.referral_submit(referral=referral, actor=social_worker)
    referral = drafting.referral_submit(
        referral=referral, actor=social_worker, response="Added both"
    )
    # Back with brokerage, not the team manager again.
    assert referral.status == Status.APPROVED
    referral = brokerage.referral_qa_return(referral=referral, actor=officer, requests=["More"])
    referral = drafting.referral_submit(referral=referral, actor=social_worker, response="Done")
    rounds = list(referral.qa_rounds.all())
    assert [r.requests for r in rounds] == [["Add the school's view", "Budget?"], ["More"]]
    assert [r.response for r in rounds] == ["Added both", "Done"]
    assert all(r.answered_by == social_worker for r in rounds)


def test_return_needs_a_request(social_worker, officer):
    with pytest.raises(DomainError, match="at least one"):
        brokerage.referral_qa_return(
            referral=approved(social_worker), actor=officer, requests=[" "]
        )


def test_only_brokerage_checks_and_only_when_waiting(social_worker, officer, make_user):
    referral = approved(social_worker)
    with pytest.raises(DomainError):
        brokerage.referral_qa_accept(referral=referral, actor=make_user(Role.TEAM_MANAGER))
    brokerage.referral_qa_accept(referral=referral, actor=officer)
    referral.refresh_from_db()
    with pytest.raises(DomainError):  # twice
        brokerage.referral_qa_accept(referral=referral, actor=officer)


def test_checklist_flags_a_thin_profile_and_missing_funding(social_worker):
    items = {item.label: item for item in qa_checklist(approved(social_worker))}
    assert not items["Getting to know me says enough for providers to judge a match"].ok
    assert not items["Funding approval for an external search"].ok
    assert items["The child or children"].ok


def test_quality_check_page_accept_and_return(client, social_worker, officer):
    referral = approved(social_worker)
    client.force_login(officer)
    url = reverse("referrals:quality-check", kwargs={"pk": referral.pk})
    page = client.get(url).content.decode()
    assert "Checklist" in page and "Funding approval for an external search" in page
    response = client.post(url, {"action": "return", "return-request_1": ""})
    assert "Enter at least one thing the social worker needs to do" in response.content.decode()
    client.post(url, {"action": "return", "return-request_1": "Add the school's view"})
    referral.refresh_from_db()
    assert referral.status == Status.QA_RETURNED
    assert client.get(url)["Location"] == reverse(  # nothing to check now: told why
        "referrals:detail", kwargs={"pk": referral.pk}
    )


def test_social_worker_sees_exactly_what_was_asked_and_answers(client, social_worker, officer):
    referral = brokerage.referral_qa_return(
        referral=approved(social_worker), actor=officer, requests=["Add the school's view"]
    )
    client.force_login(social_worker)
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "Brokerage needs changes" in page and "Add the school&#x27;s view" in page
    submit = reverse("referrals:submit", kwargs={"pk": referral.pk})
    assert b"Say what you have changed" in client.post(submit, {"response": ""}).content
    client.post(submit, {"response": "Added it"})
    referral.refresh_from_db()
    assert referral.status == Status.APPROVED


def test_other_people_cannot_check_it(client_for, social_worker):
    referral = approved(social_worker)
    url = reverse("referrals:quality-check", kwargs={"pk": referral.pk})
    for role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_LEAD, Role.DIRECTOR):
        response = client_for(role).post(url, {"action": "accept"})
        assert response.status_code == 404, role
    assert client_for(Role.ADMINISTRATOR).post(url, {"action": "accept"}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.APPROVED
