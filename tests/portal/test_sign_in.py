"""A provider signs in with a link emailed to its organisation's registered address:
once, within minutes, every sign-in logged; the session is short and its own."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placements.models import OutboxMessage
from portal.models import SignIn, SignInLink
from portal.services import LINKS_AN_HOUR
from providers.services import accounts
from tests.portal.conftest import emailed_link, signed_in_as

pytestmark = pytest.mark.django_db


def ask(client, email):
    return client.post(reverse("portal:sign-in"), {"email": email})


def test_a_registered_address_gets_a_link_that_signs_in_once(client, organisation):
    response = ask(client, "Manager@OakCare.example ")
    assert response["Location"] == reverse("portal:sign-in-sent")
    message = OutboxMessage.objects.get(key__startswith="provider_sign_in:")
    assert message.to == ["manager@oakcare.example"]
    assert "Oak Care Ltd" in message.body_text and "works once, for 15 minutes" in message.body_text
    link = emailed_link("manager@oakcare.example")
    # Opening the link (a mail scanner, a preview) does not use it: the button does.
    page = client.get(link)
    assert page.status_code == 200 and page["Cache-Control"].startswith("no-store")
    assert client.get(link).status_code == 200
    signed = client.post(link, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox")
    assert signed["Location"] == reverse("portal:home")
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200 and "Oak House" in home.content.decode()
    log = SignIn.objects.get()
    assert (log.organisation, log.email, log.ip_address, log.user_agent) == (
        organisation,
        "manager@oakcare.example",
        "203.0.113.9",
        "Firefox",
    )
    # Used once: again, from anywhere, it does nothing.
    again = Client()
    assert again.post(link).status_code == 404
    assert again.get(reverse("portal:home"))["Location"] == reverse("portal:sign-in")
    assert SignIn.objects.count() == 1


def test_an_unknown_address_sees_the_same_page_and_nothing_is_sent(client, organisation):
    response = ask(client, "stranger@example.com")
    assert response["Location"] == reverse("portal:sign-in-sent")
    assert not OutboxMessage.objects.filter(key__startswith="provider_sign_in:").exists()


def test_a_bad_address_is_refused_on_the_form(client):
    response = ask(client, "not an address")
    assert "Enter an email address in the correct format" in response.content.decode()


def test_a_link_expires_after_fifteen_minutes(client, organisation):
    ask(client, "manager@oakcare.example")
    link = emailed_link("manager@oakcare.example")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert client.get(link).status_code == 404
        assert client.post(link).status_code == 404
    assert not SignIn.objects.exists()


def test_a_tampered_link_does_nothing(client, organisation):
    ask(client, "manager@oakcare.example")
    link = emailed_link("manager@oakcare.example")
    assert client.post(link[:-3] + "xx/").status_code == 404
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:sign-in")


def test_links_to_one_address_are_held_back_after_five_an_hour(client, organisation):
    for _ in range(LINKS_AN_HOUR + 2):
        ask(client, "manager@oakcare.example")
    assert SignInLink.objects.count() == LINKS_AN_HOUR


def test_the_session_ends_after_an_hour_and_after_twenty_idle_minutes(organisation):
    client = signed_in_as("manager@oakcare.example")
    home = reverse("portal:home")
    start = timezone.now()
    for minutes in (15, 30, 45):  # active every 15 minutes: still signed in
        with time_machine.travel(start + dt.timedelta(minutes=minutes, seconds=5)):
            assert client.get(home).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=61)):
        assert client.get(home)["Location"] == reverse("portal:sign-in")
    idle = signed_in_as("manager@oakcare.example")
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=21)):
        assert idle.get(home)["Location"] == reverse("portal:sign-in")


def test_removing_an_address_or_closing_the_account_ends_its_sessions(
    organisation, setting, administrator
):
    client = signed_in_as("office@oakcare.example")
    assert client.get(reverse("portal:home")).status_code == 200
    accounts.organisation_save(
        name="Oak Care Ltd",
        emails=["manager@oakcare.example"],
        references=[setting.reference],
        actor=administrator,
        organisation=organisation,
    )
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:sign-in")
    manager = signed_in_as("manager@oakcare.example")
    accounts.organisation_save(
        name="Oak Care Ltd",
        emails=["manager@oakcare.example"],
        references=[setting.reference],
        actor=administrator,
        organisation=organisation,
        is_active=False,
    )
    assert manager.get(reverse("portal:home"))["Location"] == reverse("portal:sign-in")
    ask(manager, "manager@oakcare.example")
    assert SignInLink.objects.filter(email="manager@oakcare.example").count() == 1


def test_signing_out(organisation):
    client = signed_in_as("manager@oakcare.example")
    response = client.post(reverse("portal:sign-out"))
    assert response["Location"] == reverse("portal:sign-in")
    assert client.get(reverse("portal:home"))["Location"] == reverse("portal:sign-in")


def test_a_council_user_signed_in_is_not_a_provider(officer_client, organisation):
    assert officer_client.get(reverse("portal:home"))["Location"] == reverse("portal:sign-in")
