"""The last look at every email to a provider: one that names the child or family is
refused, and nothing is written."""

import pytest

from placements.models import CouncilSettings, OutboxMessage
from placements.roles import Role
from placements.services import DomainError, outbox_enqueue
from referrals.pack.content import provider_email_check
from tests.journeys import approved
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(make_user):
    return approved(make_user(Role.SOCIAL_WORKER))


def test_an_email_naming_the_child_is_refused_and_not_written(referral):
    council = CouncilSettings.load()
    child = referral.children.get()
    provider = ProviderFactory()
    check = provider_email_check(referral, council)
    with pytest.raises(DomainError, match="would have named the child"):
        outbox_enqueue(
            key="x",
            to=["p@example.org"],
            template="provider_feedback",
            context={
                "reference": referral.reference,
                "provider": provider,
                "reasons": ["Cost"],
                "note": f"{child.first_name.upper()} settled elsewhere",
                "council": council,
            },
            check=check,
        )
    assert not OutboxMessage.objects.filter(key="x").exists()


def test_the_providers_and_councils_own_names_and_a_birthday_deadline_pass(referral):
    council = CouncilSettings.load()
    child = referral.children.get()
    provider = ProviderFactory(name=f"{child.last_name} Care Homes Ltd")
    check = provider_email_check(referral, council)
    deadline = f"{child.date_of_birth:%-d %B} 2027 at 17:00"
    check(
        f"Dear {provider.name}, answer by {deadline}. {council.council_name}",
        {"provider": provider},
    )
    with pytest.raises(DomainError):
        check(f"Dear {provider.name}, about {child.last_name}", {"provider": ProviderFactory()})
