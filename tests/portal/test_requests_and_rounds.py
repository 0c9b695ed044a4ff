"""A provider's requests and agreements through its account (its own only); a round that
asks for a declared vacancy that fits; providers asked to confirm stale vacancies."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from placements.models import CouncilSettings, OutboxMessage
from portal.services import vacancies_confirm_ask
from providers.models import Category, Provider
from providers.services import accounts
from referrals.models import SearchRound
from referrals.search import rounds
from referrals.search.rules import round_selection
from tests.journeys import in_house_provider, searchable
from tests.portal.conftest import placed_with_oak, signed_in_as
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(make_user, administrator):
    """A referral with offers from Oak House (of Oak Care's account) and Elm Lodge (of
    Elm Care's), placed with Oak House."""
    agreement, _officer = placed_with_oak(make_user, administrator)
    return agreement.placement.referral, agreement


def test_the_provider_sees_its_own_requests_and_agreements_only(journey):
    referral, agreement = journey
    oak = signed_in_as("manager@oakcare.example")
    requests = oak.get(reverse("portal:requests")).content.decode()
    assert referral.reference in requests and "Oak House" in requests
    assert "Elm Lodge" not in requests and "£3,900.00 a week" in requests
    agreements = oak.get(reverse("portal:agreements")).content.decode()
    assert referral.reference in agreements
    pdf = oak.get(reverse("portal:agreement-file", args=[agreement.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")

    elm = signed_in_as("manager@elmcare.example")
    assert "Oak House" not in elm.get(reverse("portal:requests")).content.decode()
    assert referral.reference not in elm.get(reverse("portal:agreements")).content.decode()
    assert elm.get(reverse("portal:agreement-file", args=[agreement.pk])).status_code == 404


def test_a_round_can_ask_for_a_declared_vacancy_that_fits(make_user, administrator):
    from placements.roles import Role

    in_house_provider()
    fits = ProviderFactory(name="Fits Fostering", capacity=5)
    too_young = ProviderFactory(name="Babies Only", capacity=5)
    ProviderFactory(name="No Declaration", vacancies=1)
    organisation = accounts.organisation_save(
        name="Declaring Ltd",
        emails=["d@declaring.example"],
        references=[fits.reference, too_young.reference],
        actor=administrator,
    )
    fostering = Category.objects.get(slug="fostering")
    for setting, ages in ((fits, (0, 17)), (too_young, (0, 2))):
        accounts.vacancy_add(
            organisation=organisation,
            provider=setting,
            category=fostering,
            places=1,
            age_from=ages[0],
            age_to=ages[1],
            available_from=None,
            email="d@declaring.example",
        )
    social_worker = make_user(Role.SOCIAL_WORKER)
    officer = make_user(Role.BROKERAGE_OFFICER, team=None)
    referral = searchable(social_worker, officer)
    (in_house,) = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=officer
    )
    rounds.round_send(search_round=in_house, actor=officer)
    (framework,) = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.FRAMEWORK, actor=officer
    )
    council = CouncilSettings.load()
    everyone = {c.provider.name for c in round_selection(framework, council=council).chosen}
    assert {"Fits Fostering", "Babies Only", "No Declaration"} <= everyone
    framework.criteria = {**framework.criteria, "vacancy_fits": True}
    framework.save(update_fields=["criteria"])
    selection = round_selection(framework, council=council).chosen
    assert [c.provider.name for c in selection] == ["Fits Fostering"]
    assert selection[0].declared[0].places == 1 and not selection[0].declared_stale
    # Not confirmed for longer than the council's days: shown as stale.
    Provider.objects.filter(pk=fits.pk).update(
        vacancies_confirmed_at=timezone.now() - dt.timedelta(days=30)
    )
    assert round_selection(framework, council=council).chosen[0].declared_stale
    officer_page = signed_in_page(officer, referral, framework)
    assert (
        "Declared: 1 fostering 0&ndash;17" in officer_page
        or "Declared: 1 fostering" in officer_page
    )


def signed_in_page(user, referral, search_round) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    url = reverse("referrals:round", kwargs={"pk": referral.pk, "round_pk": search_round.pk})
    return client.get(url).content.decode()


def test_providers_with_stale_vacancies_are_asked_once_in_the_councils_days(organisation, setting):
    now = timezone.now()
    assert vacancies_confirm_ask(now=now) == 1  # never confirmed
    message = OutboxMessage.objects.get(key__startswith="vacancies_confirm:")
    assert sorted(message.to) == ["manager@oakcare.example", "office@oakcare.example"]
    assert "/provider/sign-in/" in message.body_text
    assert vacancies_confirm_ask(now=now + dt.timedelta(days=3)) == 0  # asked lately
    accounts.vacancies_confirm(
        organisation=organisation, provider=setting, email="manager@oakcare.example"
    )
    with time_machine.travel(now + dt.timedelta(days=15)):
        assert vacancies_confirm_ask(now=timezone.now()) == 1  # confirmed 15 days ago
    with time_machine.travel(now + dt.timedelta(days=20)):
        assert vacancies_confirm_ask(now=timezone.now()) == 0
