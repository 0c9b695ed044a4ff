import re

import pytest

from placements.models import OutboxMessage
from placements.roles import Role
from tests.journeys import in_house_provider, searchable
from tests.providers.factories import ProviderFactory

LINK = re.compile(r"/respond/([A-Za-z0-9_-]+)/")


@pytest.fixture
def officer(make_user):
    return make_user(Role.BROKERAGE_OFFICER, team=None)


@pytest.fixture
def social_worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def in_house(db):
    return in_house_provider()


@pytest.fixture
def framework_providers(db):
    return [ProviderFactory(name=f"Framework {n}") for n in range(1, 5)]


@pytest.fixture
def ready(social_worker, officer, in_house, framework_providers):
    """A referral ready to search: accepted, pack released, funding recorded."""
    return searchable(social_worker, officer)


def links_in_outbox(template: str) -> dict[str, str]:
    """Provider email address → the token in the newest email of `template`."""
    found = {}
    for message in OutboxMessage.objects.filter(key__startswith=f"{template}:").order_by("pk"):
        match = LINK.search(message.body_text)
        if match:
            for address in message.to:
                found[address] = match.group(1)
    return found
