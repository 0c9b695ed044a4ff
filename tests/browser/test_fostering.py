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


def test_carers_who_offer_are_matched_and_siblings_placed_apart(
    person_page, make_person, team, assert_accessible
):
    """Matching as the fostering service does it, each person in their own browser: the
    duty worker starts it and shares the profile; the social worker reads it and says
    they are happy; the duty worker records the other child's social worker's and IRO's
    answers and the matching form; a team manager signs it off. Then the siblings' plan:
    raised, proposed and agreed."""
    from referrals.inhouse import services as inhouse
    from referrals.selectors import referral_endorsers
    from tests.journeys import complete_draft
    from tests.referrals.inhouse.builders import carer_child, household

    duty = make_person(Role.FOSTERING_DUTY, full_name="Fran Fostering")
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    in_house_provider()
    referral = searchable(social_worker, officer, draft=complete_draft(social_worker, children=1))
    in_house = sent_round(referral, officer, kind=SearchRound.Kind.IN_HOUSE)
    carer = household(duty, "FC-300", at_once=3, room=2)
    carer_child(duty, carer, "JT")
    enquiry = inhouse.carer_ask(search_round=in_house, carer=carer, actor=duty)
    inhouse.carer_answer(enquiry=enquiry, answer="yes", note="", actor=duty)
    manager = referral_endorsers(referral).people[0]

    fostering = person_page(duty)
    fostering.goto(f"/fostering/rounds/{in_house.pk}/")
    fostering.get_by_role("button", name="Start matching with FC-300").click()
    expect(fostering.get_by_role("heading", level=1)).to_have_text("Matching with carers FC-300")
    expect(fostering.locator("#waiting-for")).to_contain_text("JT's social worker")
    assert_accessible(fostering)
    fostering.get_by_role("button", name="Share the profile with the social worker").click()
    expect(fostering.get_by_text("Shared with the child's social worker")).to_be_visible()

    worker = person_page(social_worker)
    worker.goto(f"/referrals/{referral.pk}/")
    worker.get_by_role("link", name="Matching with carers FC-300").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Matching with carers FC-300")
    worker.get_by_label("No, I am not happy with the match").check()
    worker.get_by_role("button", name="Record what you think").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        "Say why you are not happy with the match"
    )
    assert_accessible(worker)
    worker.get_by_label("Yes, I am happy with the match").check()
    worker.get_by_role("button", name="Record what you think").click()
    expect(worker.get_by_text("Happy with the match", exact=False).first).to_be_visible()

    fostering.reload()
    for who in ("social worker", "independent reviewing officer"):
        row = fostering.get_by_role("row", name=re.compile(f"JT's {who}"))
        row.get_by_text(f"Record their answer for JT's {who}").click()
        row.get_by_label("They have no concerns").check()
        row.get_by_role("button", name="Record the answer").click()
        expect(fostering.locator(".govuk-notification-banner")).to_contain_text("recorded")
    fostering.get_by_text("Complete the matching form").click()
    fostering.get_by_label("The child's needs").fill("Stability and a school nearby")
    fostering.get_by_label("The carers' skills and experience to meet them").fill(
        "Ten years fostering teenagers"
    )
    fostering.get_by_role("button", name="Save the matching form").click()
    expect(fostering.locator("#waiting-for")).to_contain_text("may sign it off")
    assert_accessible(fostering)

    managing = person_page(manager)
    managing.goto(f"/referrals/{referral.pk}/matching/{enquiry.matches.get().pk}/")
    managing.get_by_role("button", name="Sign off the matching form").click()
    expect(managing.get_by_text("Signed off", exact=True)).to_be_visible()
    assert_accessible(managing)

    # Siblings: a referral for two, who cannot be placed together.
    pair = searchable(social_worker, officer, draft=complete_draft(social_worker, children=1))
    first, second = pair.children.all()
    brokering = person_page(officer)
    brokering.goto(f"/referrals/{pair.pk}/siblings/")
    expect(brokering.get_by_role("heading", level=1)).to_have_text("Siblings: who stays with whom")
    brokering.get_by_text("The children cannot all be placed together", exact=True).click()
    brokering.get_by_label("Why can the children not all be placed together?").fill(
        "Their plans differ"
    )
    brokering.get_by_role("button", name="Record it").click()
    expect(
        brokering.get_by_text("Waiting for the social worker's plan", exact=True)
    ).to_be_visible()
    assert_accessible(brokering)
    worker.goto(f"/referrals/{pair.pk}/siblings/")
    worker.get_by_label(f"Which group is {first.first_name} (child 1) in?").select_option("Group 1")
    worker.get_by_role("button", name="Send to a team manager").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        f"Choose {second.first_name} (child 2)'s group"
    )
    assert_accessible(worker)
    worker.get_by_label(f"Which group is {second.first_name} (child 2) in?").select_option(
        "Group 2"
    )
    worker.get_by_label("Why should they be grouped this way?").fill("Different schools")
    worker.get_by_role("button", name="Send to a team manager").click()
    expect(worker.get_by_text("Waiting for a team manager", exact=True)).to_be_visible()
    managing.goto(f"/referrals/{pair.pk}/siblings/")
    managing.get_by_label("Yes, I agree").check()
    managing.get_by_role("button", name="Record the decision").click()
    expect(managing.locator("#agreed")).to_contain_text(f"Group 2: {second.first_name} (child 2)")
    assert_accessible(managing)
