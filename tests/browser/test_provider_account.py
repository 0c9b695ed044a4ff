"""A provider keeps its vacancy and a document through its account, signed in by an
emailed link; the officer's round, asking for a declared vacancy that fits, picks the
provider up. axe checks every page seen."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from placements.roles import Role
from providers.models import ProviderDocument, Vacancy
from providers.services import accounts
from referrals.models import SearchRound
from referrals.search import rounds
from tests.journeys import in_house_provider, searchable
from tests.providers.builders import blank_pdf
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser

SIGN_IN_LINK = re.compile(r"https?://[^\s/]+(/provider/sign-in/[\w-]+/)")


def test_a_provider_keeps_its_vacancy_and_the_round_finds_it(
    person_page, page, make_person, team, administrator, assert_accessible, tmp_path
):
    in_house_provider()
    oak = ProviderFactory(name="Oak House", capacity=3, vacancies=0)
    ProviderFactory(name="Birch Fostering")  # on the framework, with nothing declared
    accounts.organisation_save(
        name="Oak Care Ltd",
        emails=["manager@oakcare.example"],
        references=[oak.reference],
        actor=administrator,
    )
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    referral = searchable(social_worker, officer)

    # The provider asks for a link and signs in with it.
    page.goto("/provider/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your provider account")
    assert_accessible(page)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)
    page.get_by_label("Email address").fill("manager@oakcare.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    [message] = [m for m in mail.outbox if "manager@oakcare.example" in m.to]
    page.goto(SIGN_IN_LINK.search(message.body).group(1))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oak Care Ltd")
    assert_accessible(page)

    # A vacancy, checked, then added and confirmed.
    page.get_by_role("link", name="Vacancies of Oak House").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vacancies")
    assert_accessible(page)
    page.get_by_role("button", name="Add the vacancy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter how many places are free")
    assert_accessible(page)
    page.get_by_label("Fostering").check()
    page.get_by_label("Places free").fill("1")
    page.get_by_label("Youngest age").fill("0")
    page.get_by_label("Oldest age").fill("17")
    page.get_by_role("button", name="Add the vacancy").click()
    expect(page.get_by_role("table", name="Places free")).to_contain_text("Fostering")
    assert_accessible(page)
    assert Vacancy.objects.get().places == 1

    # A document, with its expiry.
    page.get_by_role("link", name="Back to your settings").click()
    page.get_by_role("link", name="Documents of Oak House").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    assert_accessible(page)
    pdf = tmp_path / "insurance.pdf"
    pdf.write_bytes(blank_pdf())
    page.get_by_label("Insurance certificate").check()
    page.get_by_label("The document, as a PDF").set_input_files(pdf)
    expiry = dt.date.today() + dt.timedelta(days=200)
    page.get_by_label("Day").fill(str(expiry.day))
    page.get_by_label("Month").fill(str(expiry.month))
    page.get_by_label("Year").fill(str(expiry.year))
    page.get_by_role("button", name="Upload the document").click()
    expect(page.get_by_role("table", name="On file")).to_contain_text("Insurance certificate")
    assert_accessible(page)
    assert ProviderDocument.objects.get().expires_on == expiry

    # The officer's framework round, asking for a declared vacancy that fits.
    (in_house,) = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=officer
    )
    rounds.round_send(search_round=in_house, actor=officer)
    (framework,) = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.FRAMEWORK, actor=officer
    )
    desk = person_page(officer)
    desk.goto(f"/referrals/{referral.pk}/rounds/{framework.pk}/")
    chosen = desk.get_by_role("table", name="Providers this round will go to")
    expect(chosen).to_contain_text("Birch Fostering")
    desk.get_by_label(re.compile("Has declared a vacancy that fits")).check()
    desk.get_by_role("button", name="Apply filters").click()
    expect(chosen).to_contain_text("Oak House")
    expect(chosen).not_to_contain_text("Birch Fostering")
    expect(chosen).to_contain_text("Declared: 1 fostering")
    assert_accessible(desk)
