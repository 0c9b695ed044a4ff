"""The provider's link: what it opens, when it stops working, and the answers it takes."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from placements.calendar import LONDON
from referrals.drafting import services as drafting
from referrals.models import LinkOpening, ProviderAnswer
from referrals.search import answers
from tests.journeys import sent_round
from tests.referrals.conftest import links_in_outbox

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=LONDON)
DEADLINE = dt.datetime(2026, 11, 30, 17, tzinfo=LONDON)
NOT_WORKING = "This link does not work"


@pytest.fixture
def framework(ready, officer):
    with time_machine.travel(MONDAY, tick=False):
        return sent_round(ready, officer)


@pytest.fixture
def tokens(framework):
    """Provider email → token, for the framework round's providers."""
    emails = {r.provider.referral_emails[0]: r for r in framework.requests.all()}
    return {
        email: token
        for email, token in links_in_outbox("provider_request").items()
        if email in emails
    }


@pytest.fixture
def first(framework, tokens):
    request = framework.requests.order_by("provider__name").first()
    return request, tokens[request.provider.referral_emails[0]]


def page(client, token, name="page"):
    return client.get(reverse(f"respond:{name}", kwargs={"token": token}))


OFFER = {
    "responder_name": "Pat Provider",
    "carer_reference": "Carers 17",
    "weekly_fee": "£1,250.50",
    "education_weekly": "",
    "therapy_weekly": "120",
    "wraparound_weekly": "",
    "transport_weekly": "45.00",
    "one_off_costs": "",
    "one_off_details": "",
    "available_from_0": "7",
    "available_from_1": "12",
    "available_from_2": "2026",
    "needs_met": "Experienced carers ten minutes from his school.",
    "ofsted_urn": "sc 123456",
}


@time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False)
def test_the_link_opens_the_pack_without_signing_in_and_is_logged(client, first):
    request, token = first
    response = page(client, token)
    assert response.status_code == 200
    body = response.content.decode()
    assert request.round.referral.reference in body
    assert "Jayden" not in body and "LE1 6ZG" not in body and "Mill Lane" not in body
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    page(client, token)  # the same visit: not another opening
    page(Client(), token)  # someone else at the provider
    request.refresh_from_db()
    assert request.open_count == 2 and request.first_opened_at == MONDAY + dt.timedelta(hours=1)
    assert LinkOpening.objects.filter(request=request).count() == 2


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # tampered
        lambda t: t[:20],  # cut short
        lambda t: "x" * 43,  # unknown
    ],
    ids=["tampered", "truncated", "unknown"],
)
@time_machine.travel(MONDAY, tick=False)
def test_a_bad_link_shows_the_plain_page(client, first, mangle):
    response = page(client, mangle(first[1]))
    assert response.status_code == 404
    body = response.content.decode()
    assert NOT_WORKING in body
    assert first[0].round.referral.reference not in body


def test_the_link_reads_in_the_grace_period_then_expires(client, first):
    _request, token = first
    with time_machine.travel(DEADLINE, tick=False):
        response = page(client, token)
        assert response.status_code == 200
        assert "Answers closed" in response.content.decode()
        offered = client.post(reverse("respond:offer", kwargs={"token": token}), OFFER)
        assert offered.status_code == 302 and offered["Location"].endswith(f"/respond/{token}/")
        assert not ProviderAnswer.objects.exists()
    with time_machine.travel(DEADLINE + dt.timedelta(hours=72), tick=False):
        assert page(client, token).status_code == 404


def test_a_revoked_link_for_a_withdrawn_referral_shows_the_plain_page(client, first, social_worker):
    request, token = first
    with time_machine.travel(MONDAY, tick=False):
        drafting.referral_withdraw(
            referral=request.round.referral, reason="Going home", actor=social_worker
        )
        response = page(client, token)
    assert response.status_code == 404
    assert NOT_WORKING in response.content.decode()
    assert answers.link_resolve(token).state == "revoked"


@time_machine.travel(MONDAY, tick=False)
def test_a_providers_token_reaches_only_its_own_request(client, framework, tokens):
    one, other = framework.requests.order_by("provider__name")[:2]
    token = tokens[one.provider.referral_emails[0]]
    client.post(reverse("respond:offer", kwargs={"token": token}), OFFER)
    assert one.answers.count() == 1
    assert other.answers.count() == 0
    body = page(client, token).content.decode()
    assert one.provider.name in body and other.provider.name not in body


@time_machine.travel(MONDAY, tick=False)
def test_an_empty_offer_shows_every_error_and_writes_nothing(client, first):
    _request, token = first
    response = client.post(reverse("respond:offer", kwargs={"token": token}), {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    for message in [
        "Enter your name",
        "Enter the carer&#x27;s or home&#x27;s reference",
        "Enter the weekly fee",
        "Enter the date the placement is available from",
        "Say how you will meet the child&#x27;s needs",
        "Enter the setting&#x27;s Ofsted URN",
    ]:
        assert message in body, message
    assert not ProviderAnswer.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weekly_fee", "lots", "Enter the weekly fee as an amount in pounds"),
        ("weekly_fee", "0", "The weekly fee must be more than £0"),
        ("therapy_weekly", "-5", "cannot be less than £0"),
        ("ofsted_urn", "12AB", "Enter the Ofsted URN as 6 or 7 digits"),
        ("available_from_1", "13", "Available from must be a real date"),
        ("available_from_2", "2025", "Available from must be today or in the future"),
        ("one_off_costs", "300", "Say what the one-off costs are for"),
    ],
)
@time_machine.travel(MONDAY, tick=False)
def test_offer_validation(client, first, field, value, message):
    response = client.post(
        reverse("respond:offer", kwargs={"token": first[1]}), {**OFFER, field: value}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProviderAnswer.objects.exists()


def test_an_offer_can_be_amended_and_withdrawn_until_the_deadline_every_version_kept(client, first):
    request, token = first
    url = reverse("respond:offer", kwargs={"token": token})
    with time_machine.travel(MONDAY, tick=False):
        assert client.post(url, OFFER).status_code == 302
        # The form comes back filled with the offer to amend.
        assert "Carers 17" in client.get(url).content.decode()
        client.post(url, {**OFFER, "weekly_fee": "1100"})
        refused = client.post(
            reverse("respond:no-option", kwargs={"token": token}),
            {"responder_name": "Pat", "reason": "Changed our mind"},
        )
        assert "Withdraw your offer first" in refused.content.decode()
        client.post(
            reverse("respond:withdraw", kwargs={"token": token}),
            {"responder_name": "Pat", "reason": "The carers have taken another child"},
        )
    versions = list(request.answers.order_by("version"))
    assert [(v.version, v.kind) for v in versions] == [
        (1, "offer"),
        (2, "offer"),
        (3, "withdrawn"),
    ]
    assert versions[0].weekly_fee == 1250.50 and versions[0].ofsted_urn == "SC123456"
    assert versions[0].total_weekly == 1250.50 + 120 + 45
    assert versions[1].weekly_fee == 1100
    request.refresh_from_db()
    assert request.answer == "withdrawn"
    with time_machine.travel(DEADLINE, tick=False):
        client.post(url, OFFER)
    assert request.answers.count() == 3


@time_machine.travel(MONDAY, tick=False)
def test_no_option_and_a_question_through_the_link(client, first, officer):
    request, token = first
    client.post(
        reverse("respond:no-option", kwargs={"token": token}),
        {"responder_name": "Pat", "reason": "No carers for a teenager just now"},
    )
    request.refresh_from_db()
    assert request.answer == "no_option"
    assert request.round.referral.chronology.filter(text__contains="No option from").exists()
    empty = client.post(reverse("respond:question", kwargs={"token": token}), {"question": ""})
    assert "Enter your question" in empty.content.decode()
    client.post(
        reverse("respond:question", kwargs={"token": token}),
        {"question": "Could he share a room?"},
    )
    assert "Could he share a room?" in page(client, token).content.decode()
