from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from placements.roles import Role
from tests.journeys import in_house_provider, offers_in, searchable
from tests.providers.factories import ProviderFactory


@pytest.fixture
def officer(make_user):
    return make_user(Role.BROKERAGE_OFFICER, team=None, full_name="Bola Officer")


@pytest.fixture
def social_worker(make_user):
    return make_user(Role.SOCIAL_WORKER, full_name="Sam Social")


@pytest.fixture
def senior_manager(make_user):
    return make_user(Role.SENIOR_MANAGER, team=None, full_name="Sunita Senior")


@pytest.fixture
def head_of_service(make_user):
    return make_user(Role.HEAD_OF_SERVICE, team=None, full_name="Hugh Head")


@pytest.fixture
def director(make_user):
    return make_user(Role.DIRECTOR, team=None, full_name="Dina Director")


@pytest.fixture
def providers(db):
    """The council's own fostering service and four framework providers."""
    return [in_house_provider()] + [ProviderFactory(name=f"Framework {n}") for n in range(1, 5)]


@pytest.fixture
def referral(social_worker, officer, providers):
    """Accepted, pack released, funding approved at £6,000 a week."""
    return searchable(social_worker, officer)


@pytest.fixture
def offers(referral, officer):
    """Offers from three framework providers and the in-house service."""

    return offers_in(
        referral,
        officer,
        {
            "Framework 1": Decimal("3999.99"),
            "Framework 2": Decimal("5500.00"),
            "Framework 3": Decimal("4000.00"),
        },
        in_house=Decimal("900.00"),
    )


def signed_in(user) -> Client:
    """A browser of its own for `user`, beside the ones other people in a test use."""
    client = Client()
    client.force_login(user)
    return client


def url(name, referral, **kwargs) -> str:
    """The address of an approvals page about `referral`."""
    return reverse(f"approvals:{name}", kwargs={"pk": referral.pk, **kwargs})
