"""The offers pages as the officer and the social worker use them, and what others may
not see or change."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.costs.models import CostApproval
from approvals.offers.models import Shortlist
from approvals.offers.services.flexibility import flexibility_answer, no_suitable_options
from approvals.offers.services.negotiation import fee_revise
from approvals.offers.services.options import shortlist_send
from placements.roles import Role
from referrals.models import ProviderRequest
from referrals.search import answers
from tests.approvals.conftest import signed_in, url
from tests.journeys import offer_values

pytestmark = pytest.mark.django_db


def test_the_officer_compares_negotiates_and_sends_options(referral, offers, officer):
    client = signed_in(officer)
    page = client.get(url("offers", referral)).content.decode()
    for name in ("Framework 1", "Framework 2", "Framework 3", "Northshire Fostering"):
        assert name in page
    assert "£5,500.00" in page and "£286,000.00" in page  # total a week and a year
    # Negotiate: a bad amount, then a good one.
    negotiate = url("negotiate", referral, response_pk=offers["Framework 2"].pk)
    bad = client.post(negotiate, {"weekly_fee": "lots", "note": ""}).content.decode()
    assert "There is a problem" in bad and "Say what was agreed" in bad
    client.post(negotiate, {"weekly_fee": "£5,150", "note": "Agreed with Pat by phone"})
    page = client.get(url("offers", referral)).content.decode()
    assert "saves £250.00" in page and "saves £13,000.00" in page
    # The saving shows on the referral too.
    detail = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "saves £250.00 a week, £13,000.00 a year" in detail
    # Send nothing: an error; then two options.
    empty = client.post(url("offers", referral), {"note": ""}).content.decode()
    assert "Choose at least one offer" in empty
    response = client.post(
        url("offers", referral),
        {"responses": [offers["Framework 2"].pk, offers["Northshire Fostering"].pk], "note": "Hi"},
    )
    assert response.status_code == 302
    shortlist = Shortlist.objects.get(referral=referral)
    assert shortlist.options.count() == 2
    assert "With the social worker" in client.get(url("offers", referral)).content.decode()


def test_the_social_worker_chooses_with_reasons(referral, offers, officer, social_worker):
    shortlist_send(
        referral=referral,
        responses=[offers["Framework 2"], offers["Northshire Fostering"]],
        note="",
        actor=officer,
    )
    client = signed_in(social_worker)
    detail = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "Compare the options and choose" in detail
    page = client.get(url("options", referral)).content.decode()
    assert "The options side by side" in page and "£5,500.00" in page and "£900.00" in page
    external = Shortlist.objects.get().options.get(is_in_house=False)
    refused = client.post(
        url("options", referral),
        {"action": "choose", "choose-option": external.pk, "choose-rationale": "Near school"},
    ).content.decode()
    assert "Say why the in-house option does not meet" in refused
    # The in-house option costs £900 a week to this one's £5,500: it scored higher.
    assert "Say why you are choosing this option over one that scored higher" in refused
    assert CostApproval.objects.count() == 0
    client.post(
        url("options", referral),
        {
            "action": "choose",
            "choose-option": external.pk,
            "choose-rationale": "Near school, therapy on site",
            "choose-in_house_reason": "No in-house carers near school",
            "choose-ranking_reason": "Only this one keeps him at his school",
        },
    )
    approval = CostApproval.objects.get()
    assert approval.required_role == Role.HEAD_OF_SERVICE


def test_a_flexibility_question_closes_once_new_options_are_sent(
    referral, offers, officer, social_worker
):
    asked = no_suitable_options(referral=referral, why="Too far", actor=officer)
    client = signed_in(social_worker)
    detail = reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert "Answer brokerage" in client.get(detail).content.decode()
    shortlist_send(referral=referral, responses=[offers["Framework 1"]], note="", actor=officer)
    assert "Answer brokerage" not in client.get(detail).content.decode()
    options = client.get(url("options", referral)).content.decode()
    assert "Tell them where there is flexibility" not in options
    stale = client.get(url("flexibility", referral, asked_pk=asked.pk))
    assert stale.status_code == 302


def test_others_cannot_see_or_answer_the_options(
    make_user, other_team, referral, offers, officer, social_worker
):
    shortlist_send(referral=referral, responses=[offers["Framework 1"]], note="", actor=officer)
    option = Shortlist.objects.get().options.get()
    stranger = signed_in(make_user(Role.SOCIAL_WORKER, team=other_team))
    assert stranger.get(url("options", referral)).status_code == 404
    choose = {"action": "choose", "choose-option": option.pk, "choose-rationale": "Mine"}
    assert stranger.post(url("options", referral), choose).status_code == 404
    assert signed_in(officer).get(url("options", referral)).status_code == 404
    assert signed_in(social_worker).get(url("offers", referral)).status_code == 403
    assert not CostApproval.objects.exists()


def test_the_comparison_reads_the_same_number_of_queries_however_many_offers(
    referral, offers, officer
):

    client = signed_in(officer)
    fee_revise(
        response=offers["Framework 1"], weekly_fee=Decimal("3800"), note="Agreed", actor=officer
    )
    client.get(url("offers", referral))  # sessions and settings warm
    with CaptureQueriesContext(connection) as three:
        client.get(url("offers", referral))
    fourth = ProviderRequest.objects.get(round__referral=referral, provider__name="Framework 4")
    answers.offer_make(
        provider_request=fourth, responder_name="Al", values=offer_values(Decimal("4800"))
    )
    fee_revise(
        response=fourth.answers.get(), weekly_fee=Decimal("4500"), note="Agreed", actor=officer
    )
    with CaptureQueriesContext(connection) as four:
        page = client.get(url("offers", referral)).content.decode()
    assert "5 offers" in page
    assert len(four.captured_queries) == len(three.captured_queries), [
        q["sql"] for q in four.captured_queries
    ]


def test_the_next_round_rests_on_the_social_workers_flexibility(
    referral, offers, officer, social_worker
):
    asked = no_suitable_options(referral=referral, why="Too far", actor=officer)
    flexibility_answer(
        asked=asked, answer="Anywhere within 20 miles of school", actor=social_worker
    )
    page = signed_in(officer).get(reverse("referrals:search", kwargs={"pk": referral.pk}))
    text = page.content.decode()
    assert "flexibility for the next round" in text
    assert (
        page.context["form"]
        .initial["social_worker_agreement"]
        .endswith("Anywhere within 20 miles of school")
    )
