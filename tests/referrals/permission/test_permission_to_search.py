import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.drafting import services as drafting
from referrals.models import AgreementEvidence, Referral, SearchDecision
from referrals.permission import services
from referrals.selectors import referrals_waiting_for
from tests.journeys import complete_draft, submitted
from tests.placements.factories import ServiceFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Referral.Status
TODAY = timezone.localdate()


@pytest.fixture
def people(make_user, team):
    return {
        "sw": make_user(Role.SOCIAL_WORKER, email="sw@council.example"),
        "tm": make_user(Role.TEAM_MANAGER, email="tm@council.example"),
        "sl": make_user(Role.SERVICE_LEAD, email="sl@council.example"),
    }


def endorsed(people):
    return services.search_endorse(
        referral=submitted(people["sw"]), actor=people["tm"], comments="Agreed: needs a move"
    )


def test_team_manager_endorses_then_service_lead_approves(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = endorsed(people)
        assert referral.status == Status.ENDORSED
        referral = services.search_approve(referral=referral, actor=people["sl"], comments="Yes")
    assert referral.status == Status.APPROVED
    steps = [(d.step, d.outcome, d.decided_by) for d in referral.search_decisions.all()]
    assert steps == [
        (SearchDecision.Step.ENDORSEMENT, SearchDecision.Outcome.AGREED, people["tm"]),
        (SearchDecision.Step.APPROVAL, SearchDecision.Outcome.AGREED, people["sl"]),
    ]
    recipients = [m.to for m in mail.outbox]
    assert any("tm@council.example" in to for to in recipients)  # waiting for endorsement
    assert ["sl@council.example"] in recipients  # waiting for approval
    assert ["sw@council.example"] in recipients  # approved
    texts = [e.text for e in referral.chronology.all()]
    assert "Endorsed by the team manager: Agreed: needs a move" in texts
    assert "Search approved by the service lead: Yes" in texts


def test_returns_go_back_to_the_social_worker_who_resubmits(
    people, django_capture_on_commit_callbacks
):
    referral = submitted(people["sw"])
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.search_return(
            referral=referral, actor=people["tm"], comments="Add the school's views"
        )
    assert referral.status == Status.RETURNED
    returned_mail = [m for m in mail.outbox if m.to == ["sw@council.example"]]
    assert returned_mail and "returned" in returned_mail[-1].subject
    assert "Add the school" not in returned_mail[-1].body  # the reason is read on the site
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me="With the school's views.", actor=people["sw"]
    )
    referral = drafting.referral_submit(referral=referral, actor=people["sw"])
    assert referral.status == Status.SUBMITTED
    referral = services.search_endorse(referral=referral, actor=people["tm"], comments="Fine")
    referral = services.search_return(referral=referral, actor=people["sl"], comments="Budget?")
    assert referral.status == Status.RETURNED
    assert referral.search_decisions.last().step == SearchDecision.Step.APPROVAL


def test_comments_are_required(people):
    with pytest.raises(DomainError, match="comments"):
        services.search_endorse(referral=submitted(people["sw"]), actor=people["tm"], comments=" ")


def test_only_the_right_people_decide(people, make_user, other_team):
    referral = submitted(people["sw"])
    other_manager = make_user(Role.TEAM_MANAGER, team=other_team)
    for actor in (people["sw"], people["sl"], other_manager):
        with pytest.raises(DomainError):
            services.search_endorse(referral=referral, actor=actor, comments="x")
    with pytest.raises(DomainError):  # not yet endorsed
        services.search_approve(referral=referral, actor=people["sl"], comments="x")
    referral = services.search_endorse(referral=referral, actor=people["tm"], comments="ok")
    with pytest.raises(DomainError):  # the team manager cannot approve
        services.search_approve(referral=referral, actor=people["tm"], comments="x")
    with pytest.raises(DomainError):  # endorsing twice
        services.search_endorse(referral=referral, actor=people["tm"], comments="x")


def test_service_lead_of_another_service_cannot_approve(people, make_user):

    elsewhere = TeamFactory(name="Far away", service=ServiceFactory(name="Another service"))
    lead = make_user(Role.SERVICE_LEAD, team=elsewhere)
    with pytest.raises(DomainError):
        services.search_approve(referral=endorsed(people), actor=lead, comments="x")


def test_education_or_therapy_needs_evidence_before_approval(people):
    draft = complete_draft(people["sw"])
    drafting.referral_update_needs(
        referral=draft,
        values={"education_needed": True, "education_therapy_details": "Specialist school"},
        actor=people["sw"],
    )
    referral = drafting.referral_submit(referral=draft, actor=people["sw"])
    referral = services.search_endorse(referral=referral, actor=people["tm"], comments="ok")
    with pytest.raises(DomainError, match="evidence"):
        services.search_approve(referral=referral, actor=people["sl"], comments="ok")
    services.agreement_evidence_record(
        referral=referral,
        source=AgreementEvidence.Source.SEND,
        agreed_by="Jo Head, SEND",
        agreed_on=TODAY,
        actor=people["sw"],
    )
    referral = services.search_approve(referral=referral, actor=people["sl"], comments="ok")
    assert referral.status == Status.APPROVED


def test_funding_approval_is_recorded_in_the_chronology(people):
    referral = submitted(people["sw"])
    services.funding_approval_record(
        referral=referral,
        approved_by="Sunita Rao, Senior Manager",
        weekly_amount=Decimal("4500.00"),
        approved_on=TODAY,
        actor=people["tm"],
    )
    assert referral.funding_approvals.get().weekly_amount == Decimal("4500.00")
    assert "up to £4,500.00 a week" in referral.chronology.last().text


def test_nothing_is_recorded_on_a_draft_or_withdrawn_referral(people):
    draft = complete_draft(people["sw"])
    with pytest.raises(DomainError):
        services.external_comment_record(
            referral=draft, source="iro", name="Pat", comment="x", actor=people["sw"]
        )


# --- Pages ------------------------------------------------------------------------------


def test_team_manager_sees_it_waiting_and_endorses_on_the_page(client, people):
    referral = submitted(people["sw"])
    client.force_login(people["tm"])
    listing = client.get(reverse("referrals:list"))
    assert [r.pk for r in listing.context["waiting"]] == [referral.pk]
    url = reverse("referrals:search-decision", kwargs={"pk": referral.pk})
    response = client.post(url, {"decision": "agree", "comments": ""})
    assert b"Enter your comments" in response.content
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    client.post(url, {"decision": "agree", "comments": "Endorsed"})
    referral.refresh_from_db()
    assert referral.status == Status.ENDORSED
    # Nothing more for them to decide: back to the referral, told why.
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert b"not waiting for your decision now" in response.content


def test_social_worker_sees_what_was_asked_when_returned(client, people):
    referral = submitted(people["sw"])
    services.search_return(referral=referral, actor=people["tm"], comments="Add the school's views")
    client.force_login(people["sw"])
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "Returned to you" in page and "Add the school&#x27;s views" in page


def test_someone_else_cannot_decide(client_for, people, other_team):
    referral = submitted(people["sw"])
    url = reverse("referrals:search-decision", kwargs={"pk": referral.pk})
    for outsider in (
        client_for(Role.TEAM_MANAGER, team=other_team),
        client_for(Role.SOCIAL_WORKER),
    ):
        assert outsider.post(url, {"decision": "agree", "comments": "x"}).status_code == 404
    # The service lead can see it, but it is not their step yet: sent back, told why.
    lead = client_for(Role.SERVICE_LEAD)
    response = lead.post(url, {"decision": "agree", "comments": "x"})
    assert response["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_evidence_form_errors(client, people):
    referral = submitted(people["sw"])
    client.force_login(people["tm"])
    url = reverse("referrals:agreement-evidence", kwargs={"pk": referral.pk})
    future = TODAY + dt.timedelta(days=3)
    response = client.post(
        url,
        {
            "source": "",
            "agreed_by": "",
            "agreed_on_0": future.day,
            "agreed_on_1": future.month,
            "agreed_on_2": future.year,
        },
    )
    content = response.content.decode()
    assert "Select who agreed it" in content
    assert "Enter the name and role of the person who agreed it" in content
    assert "The date agreed must be today or in the past" in content
    assert not referral.agreement_evidence.exists()


def test_funding_form_refuses_bad_amounts(client, people):
    referral = submitted(people["sw"])
    client.force_login(people["tm"])
    url = reverse("referrals:funding-approval", kwargs={"pk": referral.pk})
    data = {
        "approved_by": "Sunita Rao",
        "weekly_amount": "-5",
        "approved_on_0": TODAY.day,
        "approved_on_1": TODAY.month,
        "approved_on_2": TODAY.year,
    }
    assert b"must be more than" in client.post(url, data).content
    data["weekly_amount"] = "4500.123"
    assert b"pounds and pence" in client.post(url, data).content
    assert not referral.funding_approvals.exists()
    data["weekly_amount"] = "4500.50"
    assert client.post(url, data).status_code == 302
    assert referral.funding_approvals.get().weekly_amount == Decimal("4500.50")


# --- A team with no team manager is not a dead end ---------------------------------


def test_a_team_without_a_manager_goes_to_the_service_lead(client, make_user):
    bare = TeamFactory(name="Leaving Care East")
    social_worker = make_user(Role.SOCIAL_WORKER, team=bare)
    first = make_user(Role.SERVICE_LEAD, team=bare, full_name="Sam Lead")
    second = make_user(Role.SERVICE_LEAD, team=bare, full_name="Sasha Lead")
    elsewhere = make_user(Role.TEAM_MANAGER, full_name="Someone Else's Manager")
    referral = drafting.referral_submit(referral=complete_draft(social_worker), actor=social_worker)
    (waiting,) = OutboxMessage.objects.filter(key__startswith="referral_waiting_approval:")
    assert sorted(waiting.to) == sorted([first.email, second.email])
    assert elsewhere.email not in waiting.to
    # The confirmation names who was emailed, and says why it is them.
    client.force_login(social_worker)
    page = client.get(reverse("referrals:submitted", kwargs={"pk": referral.pk})).content.decode()
    assert "Your team has no team manager, so your service leads (Sam Lead, Sasha Lead)" in page
    assert "Your team manager" not in page
    # It waits on the service leads' list; one endorses, the other approves.
    assert list(referrals_waiting_for(first)) == [referral]
    assert list(referrals_waiting_for(elsewhere)) == []
    referral = services.search_endorse(referral=referral, actor=first, comments="Agreed")
    assert "as the team has no team manager" in referral.chronology.last().text
    assert list(referrals_waiting_for(second)) == [referral]
    with pytest.raises(DomainError):
        services.search_approve(referral=referral, actor=first, comments="Me again")
    referral = services.search_approve(referral=referral, actor=second, comments="Agreed")
    assert referral.status == Referral.Status.APPROVED


def test_a_team_nobody_can_endorse_for_cannot_submit_and_the_administrator_is_warned(
    client, make_user
):
    bare = TeamFactory(name="Leaving Care West")
    social_worker = make_user(Role.SOCIAL_WORKER, team=bare)
    draft = complete_draft(social_worker)
    with pytest.raises(DomainError, match="Leaving Care West has no team manager"):
        drafting.referral_submit(referral=draft, actor=social_worker)
    draft.refresh_from_db()
    assert draft.status == Referral.Status.DRAFT and not OutboxMessage.objects.exists()
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(reverse("accounts:user-list")).content.decode()
    assert "Leaving Care West: its social workers cannot submit referrals" in page
    # One service lead cannot both endorse and approve: still refused, and said why.
    make_user(Role.SERVICE_LEAD, team=bare)
    with pytest.raises(DomainError, match="fewer than two service leads"):
        drafting.referral_submit(referral=draft, actor=social_worker)
    page = client.get(reverse("accounts:user-list")).content.decode()
    assert "has only one service lead" in page
    # Given two, the warning says where its referrals go instead.
    make_user(Role.SERVICE_LEAD, team=bare)
    page = client.get(reverse("accounts:user-list")).content.decode()
    assert "Leaving Care West: its referrals go to the" in page
    # Given a team manager, there is nothing to warn about.
    make_user(Role.TEAM_MANAGER, team=bare)
    assert "no team manager" not in client.get(reverse("accounts:user-list")).content.decode()


@pytest.mark.parametrize(
    ("old", "new_name"),
    [
        ("decision", "referrals:search-decision"),
        ("evidence", "referrals:agreement-evidence"),
        ("funding", "referrals:funding-approval"),
        ("comment", "referrals:external-comment"),
    ],
)
def test_old_permission_addresses_redirect_to_the_referrals_pages(client, old, new_name):
    """Links in emails sent before permission moved under /referrals/ keep working."""
    client.force_login(UserFactory(roles=[Role.TEAM_MANAGER]))
    response = client.get(f"/approvals/referrals/41/{old}/?from=email")
    assert response.status_code == 301
    assert response["Location"] == reverse(new_name, kwargs={"pk": 41}) + "?from=email"
