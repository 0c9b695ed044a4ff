"""Brokerage's search pages, and who may not use them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from placements.calendar import LONDON
from placements.models import CouncilSettings
from placements.roles import Role
from referrals.models import SearchRound
from referrals.search import answers, rounds, scan
from referrals.search.rules import round_selection
from tests.journeys import searchable, sent_round
from tests.referrals.search.test_rounds import offer_values

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=LONDON)


def round_url(search_round, name="referrals:round"):
    return reverse(name, kwargs={"pk": search_round.referral_id, "round_pk": search_round.pk})


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def test_an_officer_starts_chooses_and_sends_a_round_from_the_pages(signed_in, ready):
    search_url = reverse("referrals:search", kwargs={"pk": ready.pk})
    page = signed_in.get(search_url).content.decode()
    assert "In-house fostering is always asked first" in page
    assert "A dual search is called for" in page  # a 13-year-old
    refused = signed_in.post(search_url, {"kind": "framework", "category": ""})
    assert "Offer the referral to in-house fostering first" in refused.content.decode()
    empty = signed_in.post(search_url, {})
    assert "Select who the round should go to" in empty.content.decode()

    started = signed_in.post(search_url, {"kind": "in_house"})
    in_house = SearchRound.objects.get(referral=ready)
    assert started["Location"] == round_url(in_house)
    draft = signed_in.get(round_url(in_house)).content.decode()
    assert "This round will go to 1 provider" in draft
    assert "Fewer than 3 providers" not in draft  # the council has one fostering service
    signed_in.post(round_url(in_house), {"action": "send"})
    in_house.refresh_from_db()
    assert in_house.status == SearchRound.Status.OPEN

    signed_in.post(search_url, {"kind": "framework"})
    framework = ready.search_rounds.get(number=2)
    page = signed_in.get(round_url(framework)).content.decode()
    assert "This round will go to 4 providers" in page
    assert "Fewer than 3 providers" not in page
    # Remove one by hand, then send: three providers are asked.
    victim = round_selection(framework, council=CouncilSettings.load()).chosen[0].provider
    signed_in.post(round_url(framework), {"action": "remove", "provider": victim.pk})
    page = signed_in.get(round_url(framework)).content.decode()
    assert "This round will go to 3 providers" in page and "Taken out by hand" in page
    sent = signed_in.post(round_url(framework), {"action": "send"}, follow=True)
    assert "Round 2 is going to 3 providers" in sent.content.decode()
    assert framework.requests.count() == 3
    assert not framework.requests.filter(provider=victim).exists()


def test_filters_apply_from_the_round_page(signed_in, ready, officer):
    sent_round(ready, officer, kind=SearchRound.Kind.IN_HOUSE)
    (draft,) = rounds.round_start(referral=ready, kind="framework", actor=officer)
    assert draft.criteria["tier"] == "1"  # external rounds start inside the boundary
    refused = signed_in.post(round_url(draft), {"action": "filter", "tier": "2", "cleared": "on"})
    assert "needs the social worker&#x27;s agreement" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.criteria["tier"] == "1"
    signed_in.post(
        round_url(draft),
        {"action": "filter", "tier": "2", "cleared": "on", "agreement": "Sam, by phone, 23 Nov"},
    )
    draft.refresh_from_db()
    assert draft.criteria["tier"] == "2" and draft.criteria["cleared"] is True
    assert draft.social_worker_agreement == "Sam, by phone, 23 Nov"
    assert ready.chronology.filter(text__contains="may reach outside the council").exists()
    assert draft.criteria["age_fits"] is False
    assert "This round will go to 0 providers" in signed_in.get(round_url(draft)).content.decode()
    unknown = signed_in.post(round_url(draft), {"action": "add", "provider": "999999"})
    assert "Select a provider from the list" in unknown.content.decode()


def test_the_sent_round_shows_progress_answers_and_questions(signed_in, ready, officer):
    with time_machine.travel(MONDAY, tick=False):
        framework = sent_round(ready, officer)
        first, second, *_ = framework.requests.order_by("provider__name")
        answers.offer_make(provider_request=first, responder_name="Pat", values=offer_values())
        answers.no_option_give(
            provider_request=second, responder_name="Bo", reason="No carers free"
        )
        question = answers.question_ask(provider_request=second, question="Does he have a bike?")
        page = signed_in.get(round_url(framework)).content.decode()
        progress = signed_in.get(round_url(framework, "referrals:round-progress")).content
    assert "0 of 4" in progress.decode()  # the emails wait for the worker in this test
    assert "£1,110.00 a week" in page  # 950 + 120 + 40
    assert "No carers free" in page
    assert "Does he have a bike?" in page
    assert (
        reverse(
            "referrals:question-answer",
            kwargs={"pk": ready.pk, "round_pk": framework.pk, "question_pk": question.pk},
        )
        in page
    )
    # Still on that Monday: the session last saw us then, and would have timed out since.
    with time_machine.travel(MONDAY + dt.timedelta(minutes=5), tick=False):
        detail = signed_in.get(reverse("referrals:detail", kwargs={"pk": ready.pk}))
    assert first.provider.name in detail.content.decode()
    assert "£1,110.00" in detail.content.decode()


def test_extend_and_answer_pages_show_errors(signed_in, ready, officer):
    with time_machine.travel(MONDAY, tick=False):
        framework = sent_round(ready, officer)
        question = answers.question_ask(
            provider_request=framework.requests.first(), question="Any contact arrangements?"
        )
        url = round_url(framework, "referrals:round-extend")
        empty = signed_in.post(url, {}).content.decode()
        assert (
            "Enter the new deadline" in empty and "Say why the deadline is being extended" in empty
        )
        weekend = signed_in.post(
            url, {"day_0": "5", "day_1": "12", "day_2": "2026", "reason": "More time"}
        )
        assert "The new deadline must be a working day" in weekend.content.decode()
        done = signed_in.post(
            url, {"day_0": "2", "day_1": "12", "day_2": "2026", "reason": "More time"}
        )
        assert done.status_code == 302
        answer_url = reverse(
            "referrals:question-answer",
            kwargs={"pk": ready.pk, "round_pk": framework.pk, "question_pk": question.pk},
        )
        named = signed_in.post(answer_url, {"answer": "Kerry sees him weekly"}).content.decode()
        assert "names the child or their family" in named
        assert signed_in.post(answer_url, {"answer": "Mum, weekly"}).status_code == 302


def test_the_action_list_shows_the_deadline_and_filters_on_it(signed_in, ready, officer):
    with time_machine.travel(MONDAY, tick=False):
        sent_round(ready, officer)
        page = signed_in.get(reverse("referrals:action-list")).content.decode()
        assert "Due 30 Nov 17:00" in page and "5 working days left" in page
        waiting = signed_in.get(reverse("referrals:action-list"), {"show": "awaiting_providers"})
        assert ready.reference in waiting.content.decode()
    with time_machine.travel(dt.datetime(2026, 11, 30, 17, tzinfo=LONDON), tick=False):
        scan.rounds_close_due()
        none = signed_in.get(reverse("referrals:action-list"), {"show": "awaiting_providers"})
        assert ready.reference not in none.content.decode()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.ADMINISTRATOR])
def test_people_outside_brokerage_cannot_see_or_change_a_round(
    client, make_user, ready, officer, role
):
    framework = sent_round(ready, officer)
    client.force_login(make_user(role))
    for name in ("referrals:round", "referrals:round-progress", "referrals:round-extend"):
        assert client.get(round_url(framework, name)).status_code == 403
    assert client.post(round_url(framework), {"action": "cancel"}).status_code == 403
    assert client.get(reverse("referrals:search", kwargs={"pk": ready.pk})).status_code == 403


def test_a_round_is_only_found_under_its_own_referral(signed_in, ready, officer, make_user):
    framework = sent_round(ready, officer)
    other = searchable(make_user(Role.SOCIAL_WORKER), officer)
    url = reverse("referrals:round", kwargs={"pk": other.pk, "round_pk": framework.pk})
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url, {"action": "cancel"}).status_code == 404
