import re

import pytest
from django.test import Client
from django.urls import reverse

from placements.models import OutboxMessage
from placements.roles import Role
from providers.services import accounts
from tests.providers.factories import ProviderFactory

LINK = re.compile(r"https?://[^\s/]+(/provider/sign-in/[\w-]+/)")


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, team=None, full_name="Alex Admin")


@pytest.fixture
def setting(db):
    return ProviderFactory(name="Oak House", capacity=4, vacancies=0)


@pytest.fixture
def organisation(setting, administrator):
    return accounts.organisation_save(
        name="Oak Care Ltd",
        emails=["manager@oakcare.example", "office@oakcare.example"],
        references=[setting.reference],
        actor=administrator,
    )


@pytest.fixture
def other_organisation(administrator):
    elsewhere = ProviderFactory(name="Elm Lodge")
    return accounts.organisation_save(
        name="Elm Care Ltd",
        emails=["manager@elmcare.example"],
        references=[elsewhere.reference],
        actor=administrator,
    )


def emailed_link(email: str) -> str:
    """The sign-in path in the latest link emailed to `email` (through the outbox)."""
    sent = OutboxMessage.objects.filter(key__startswith="provider_sign_in:").order_by("-pk")
    message = next(m for m in sent if email in m.to)
    return LINK.search(message.body_text).group(1)


def signed_in_as(email: str) -> Client:
    """A browser of its own, signed in to the account `email` belongs to, by its link."""
    client = Client()
    client.post(reverse("portal:sign-in"), {"email": email})
    response = client.post(emailed_link(email))
    assert response["Location"] == reverse("portal:home"), response
    return client


@pytest.fixture
def provider_client(organisation):
    return signed_in_as("manager@oakcare.example")


def placed_with_oak(make_user, administrator):
    """Offers from Oak House (of Oak Care's account) and Elm Lodge (of Elm Care's); the
    referral placed with Oak House. Returns its agreement and the officer."""
    from decimal import Decimal

    from tests.journeys import chosen, in_house_provider, offers_in, placed, searchable

    in_house_provider()
    oak = ProviderFactory(name="Oak House")
    elm = ProviderFactory(name="Elm Lodge")
    for name, email, setting in (
        ("Oak Care Ltd", "manager@oakcare.example", oak),
        ("Elm Care Ltd", "manager@elmcare.example", elm),
    ):
        accounts.organisation_save(
            name=name, emails=[email], references=[setting.reference], actor=administrator
        )
    social_worker = make_user(Role.SOCIAL_WORKER)
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    referral = searchable(social_worker, officer)
    made = offers_in(
        referral, officer, {"Oak House": Decimal("4000"), "Elm Lodge": Decimal("4500")}
    )
    approval = chosen(referral, officer, social_worker, made["Oak House"])
    agreement = placed(approval, officer, make_user(Role.HEAD_OF_SERVICE, team=None))
    return agreement, officer
