"""Options sent to the social worker, who chooses one or declines them all; reminders
while they wait; no suitable options and the flexibility asked for."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from approvals.offers.models import Shortlist
from approvals.offers.selectors import open_flexibility
from approvals.offers.services.flexibility import flexibility_answer, no_suitable_options
from approvals.offers.services.options import (
    option_choose,
    options_decline,
    options_remind_due,
    shortlist_send,
)
from approvals.tasks import options_remind
from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from placements.settings.base import CELERY_BEAT_SCHEDULE
from referrals.search import answers
from tests.journeys import offer_values
from tests.referrals.conftest import links_in_outbox

pytestmark = pytest.mark.django_db
D = Decimal


def test_options_go_to_the_social_worker_and_the_rest_are_told(
    referral, offers, officer, social_worker
):
    shortlist = shortlist_send(
        referral=referral,
        responses=[offers["Framework 2"], offers["Northshire Fostering"]],
        note="Two good matches",
        actor=officer,
    )
    assert [o.total_weekly for o in shortlist.options.all()] == [D("900"), D("5500")]
    told = OutboxMessage.objects.filter(key__startswith="provider_not_shortlisted:")
    assert sorted(m.to[0] for m in told) == sorted(
        offers[name].request.provider.referral_emails[0] for name in ("Framework 1", "Framework 3")
    )
    assert OutboxMessage.objects.filter(
        key__startswith="options_ready:", to=[social_worker.email]
    ).exists()
    with pytest.raises(DomainError, match="already with the social worker"):
        shortlist_send(referral=referral, responses=[offers["Framework 1"]], note="", actor=officer)


def test_choosing_external_over_in_house_needs_a_reason(
    referral, offers, officer, social_worker, make_user
):
    shortlist = shortlist_send(
        referral=referral,
        responses=[offers["Framework 2"], offers["Northshire Fostering"]],
        note="",
        actor=officer,
    )
    external = shortlist.options.get(is_in_house=False)
    with pytest.raises(DomainError, match="meets the child's needs"):
        option_choose(shortlist=shortlist, option=external, rationale="", actor=social_worker)
    with pytest.raises(DomainError, match="in-house option does not meet"):
        option_choose(
            shortlist=shortlist, option=external, rationale="Near school", actor=social_worker
        )
    stranger = make_user(Role.SOCIAL_WORKER, team=None)
    with pytest.raises(DomainError, match="child's social worker"):
        option_choose(
            shortlist=shortlist, option=external, rationale="x", in_house_reason="y", actor=stranger
        )
    with pytest.raises(DomainError, match="over one that scored higher"):
        option_choose(
            shortlist=shortlist,
            option=external,
            rationale="Near school, therapy on site",
            in_house_reason="No in-house carers near his school",
            actor=social_worker,
        )
    approval = option_choose(
        shortlist=shortlist,
        option=external,
        rationale="Near school, therapy on site",
        in_house_reason="No in-house carers near his school",
        ranking_reason="The in-house carers are an hour from his school",
        actor=social_worker,
    )
    assert approval.required_role == Role.HEAD_OF_SERVICE
    assert approval.total_weekly == D("5500")
    shortlist.refresh_from_db()
    assert shortlist.status == Shortlist.Status.CHOSEN


def test_declining_every_option_tells_the_officer(referral, offers, officer, social_worker):
    shortlist = shortlist_send(
        referral=referral, responses=[offers["Framework 1"]], note="", actor=officer
    )
    with pytest.raises(DomainError, match="Say why"):
        options_decline(shortlist=shortlist, reason="", actor=social_worker)
    options_decline(shortlist=shortlist, reason="Too far from school", actor=social_worker)
    assert OutboxMessage.objects.filter(
        key__startswith="options_declined:", to=[officer.email]
    ).exists()
    # Then no suitable options: the social worker is asked where there is flexibility.
    asked = no_suitable_options(referral=referral, why="Nothing near school", actor=officer)
    flexibility_answer(asked=asked, answer="Up to 20 miles is fine", actor=social_worker)
    texts = list(referral.chronology.values_list("text", flat=True))
    assert any("No suitable options: Nothing near school" in t for t in texts)

    assert open_flexibility(referral) is None  # answered
    assert any("Up to 20 miles is fine" in t for t in texts)


def test_options_waiting_a_working_day_are_reminded_once(referral, offers, officer, social_worker):
    friday = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
    with time_machine.travel(friday, tick=False):
        shortlist_send(referral=referral, responses=[offers["Framework 1"]], note="", actor=officer)
    # Monday 09:59 is not yet a working day on from Friday 10:00.
    with time_machine.travel(friday + dt.timedelta(days=3, minutes=-1), tick=False):
        assert options_remind_due() == 0
    with time_machine.travel(friday + dt.timedelta(days=3), tick=False):
        assert options_remind_due() == 1
        assert options_remind_due() == 0
    reminder = OutboxMessage.objects.get(key__startswith="options_reminder:")
    assert set(reminder.to) == {social_worker.email, officer.email}


def test_the_beat_task_sends_the_reminders(referral, offers, officer):

    assert CELERY_BEAT_SCHEDULE["options-remind"]["task"] == options_remind.name
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        shortlist_send(referral=referral, responses=[offers["Framework 1"]], note="", actor=officer)
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 1, tzinfo=dt.UTC), tick=False):
        assert options_remind.apply().get() == 1


def test_an_offer_sent_as_an_option_is_locked_to_the_provider(
    client, referral, offers, officer, social_worker
):

    sent = offers["Framework 2"]
    left = offers["Framework 3"]
    shortlist_send(referral=referral, responses=[sent], note="", actor=officer)
    # The provider cannot raise the fee of what the social worker is choosing from.
    with pytest.raises(DomainError, match="sent to the social worker as an option"):
        answers.offer_make(
            provider_request=sent.request,
            responder_name="Pat",
            values=offer_values(D("6900"), ofsted_urn=sent.request.provider.ofsted_urn),
        )
    assert sent.request.answers.count() == 1
    # Its link says so, offers no change, and the change page sends them back.
    token = links_in_outbox("provider_request")[sent.request.provider.referral_emails[0]]
    page = client.get(reverse("respond:page", kwargs={"token": token})).content.decode()
    assert "can no longer be changed" in page and "Change your offer" not in page
    assert "Withdraw your offer" in page
    response = client.get(reverse("respond:offer", kwargs={"token": token}))
    assert response.status_code == 302
    posted = client.post(
        reverse("respond:offer", kwargs={"token": token}),
        {"responder_name": "Pat", "weekly_fee": "6900"},
    )
    assert posted.status_code == 302 and sent.request.answers.count() == 1
    # They may still withdraw it; then it cannot be chosen.
    answers.offer_withdraw(provider_request=sent.request, responder_name="Pat", reason="Carer ill")
    shortlist = sent.request.round.referral.shortlists.get()
    with pytest.raises(DomainError, match="withdrawn or changed"):
        option_choose(
            shortlist=shortlist,
            option=shortlist.options.get(),
            rationale="Best match",
            in_house_reason="Too far",
            actor=social_worker,
        )
    # Sending options closed the rounds: the others' answers are in, and are kept.
    left.request.refresh_from_db()
    assert left.request.round.status == "closed" and left.request.answer == "offer"
