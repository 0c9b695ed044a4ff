"""The in-house fostering service's duty worker: adds carers and their room, then works
an in-house round, seeing who fits and recording whom they asked and what they said.
axe checks every page seen."""

import re

import pytest
from playwright.sync_api import expect

from placements.roles import Role
from providers.fostering.models import CarerVacancy, FosterCarer
from referrals.models import CarerEnquiry, SearchRound
from tests.journeys import in_house_provider, searchable, sent_round

pytestmark = pytest.mark.browser


def test_the_duty_worker_keeps_carers_and_works_the_in_house_round(
    page, make_person, team, sign_in, assert_accessible
):
    duty = make_person(Role.FOSTERING_DUTY, full_name="Fran Fostering")
    in_house_provider()
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    referral = searchable(social_worker, officer)
    in_house = sent_round(referral, officer, kind=SearchRound.Kind.IN_HOUSE)

    sign_in(page, duty)
    page.goto("/fostering/carers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Foster carers")
    assert_accessible(page)
    page.get_by_role("link", name="Add carers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add carers")
    page.get_by_role("button", name="Save the carers").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the carers' reference")
    assert_accessible(page)
    page.get_by_label("Carers' reference").fill("FC-214")
    page.get_by_label("Carers' names").fill("Jo Fairweather")
    page.get_by_label("Youngest age approved for").fill("0")
    page.get_by_label("Oldest age approved for").fill("17")
    page.get_by_label("How many children at once").fill("2")
    page.get_by_label("Long term").check()
    page.get_by_role("button", name="Save the carers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("FC-214")
    assert_accessible(page)
    page.get_by_label("Places").fill("1")
    page.get_by_role("group", name="For which kinds of care").get_by_label("Long term").check()
    page.get_by_role("button", name="Record the room").click()
    expect(page.get_by_role("table", name="Room recorded")).to_contain_text("Long term")
    assert CarerVacancy.objects.get().places == 1

    page.get_by_role("link", name="In-house rounds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("In-house rounds")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(referral.reference)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(referral.reference)
    fits = page.get_by_role("table", name="The council's carers against this referral")
    expect(fits.get_by_role("row", name=re.compile("FC-214"))).to_contain_text("Fits")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Record as asked")).click()
    page.get_by_text("Record their answer for FC-214").click()
    page.get_by_label("They cannot offer a home").check()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why the carers cannot offer a home"
    )
    assert_accessible(page)
    page.get_by_label("They could offer a home").check()
    page.get_by_role("button", name="Record the answer").click()
    expect(fits.get_by_role("row", name=re.compile("FC-214"))).to_contain_text("Could offer a home")
    assert CarerEnquiry.objects.get(search_round=in_house).answer == "yes"
    assert FosterCarer.objects.count() == 1
