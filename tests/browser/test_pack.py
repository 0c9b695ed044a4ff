"""An officer checks the anonymised pack and releases it, on accessible pages."""

import pytest
from playwright.sync_api import expect

from placements.roles import Role
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from tests.journeys import approved

pytestmark = pytest.mark.browser
PROFILE = "Jayden plays football with Tyler at Hartwell Park. Kerry O'Brien takes him."


def test_officer_checks_flags_and_releases_the_pack(
    page, make_person, team, sign_in, assert_accessible
):
    social_worker = make_person(Role.SOCIAL_WORKER, team=team)
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    referral = approved(social_worker)
    brokerage.referral_qa_return(referral=referral, actor=officer, requests=["Who does he see?"])
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    referral = drafting.referral_submit(referral=referral, actor=social_worker, response="Done")
    referral = brokerage.referral_qa_accept(referral=referral, actor=officer, take_it=True)

    sign_in(page, officer)
    page.goto(f"/referrals/{referral.pk}/")
    page.get_by_role("link", name="Anonymised pack for providers").click()
    page.get_by_role("button", name="Prepare the pack").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("2 words may still identify someone")
    expect(main.locator("mark.app-flag")).to_contain_text(["Tyler", "Hartwell Park"])
    expect(main).to_contain_text("Flagged because it looks like a name.")
    expect(main).to_contain_text("Flagged because it looks like a place.")
    read = main.locator("dl.govuk-summary-list")
    expect(read).not_to_contain_text("Jayden")
    expect(read).not_to_contain_text("Kerry")
    assert_accessible(page)

    # The officer sees what was taken out and from which field.
    page.get_by_text("What was taken out, and from which field").click()
    taken_out = main.locator("details table")
    expect(taken_out).to_contain_text("Jayden")
    expect(taken_out).to_contain_text("the child's name")
    expect(taken_out).to_contain_text("Mum's name")
    assert_accessible(page)

    # Accepting a word needs a reason.
    page.get_by_role("button", name="Accept “Tyler”").click()
    expect(main).to_contain_text("Say why this word is safe to send to providers")
    assert_accessible(page)
    page.get_by_label("“Tyler” in Getting to know me: why is it safe to send?").fill("His dog")
    page.get_by_role("button", name="Accept “Tyler”").click()
    expect(main).to_contain_text("1 word may still identify someone")

    # A park everyone knows is allowed in every pack from now on.
    page.get_by_label("“Hartwell Park” in Getting to know me: why is it safe to send?").fill(
        "A county park"
    )
    page.get_by_label("Allow “Hartwell Park” in every pack").check()
    page.get_by_role("button", name="Accept “Hartwell Park”").click()
    expect(main).to_contain_text("“Hartwell Park” accepted and allowed in every pack.")

    # Rewriting the passage: the known name cannot come back in.
    page.get_by_role("link", name="Change Getting to know me").click()
    assert_accessible(page)
    page.get_by_label("What providers will read").fill(
        "Jayden plays football with Tyler at Hartwell Park. Mum takes him."
    )
    page.get_by_role("button", name="Save passage").click()
    expect(read).to_contain_text("JO plays football with Tyler at Hartwell Park.")
    page.get_by_role("button", name="Release the pack for the search").click()
    expect(main).to_contain_text("The pack is checked and released for the search.")
    expect(main.locator(".govuk-tag").first).to_have_text("Released")
    assert_accessible(page)

    page.goto("/referrals/allowed-words/")
    expect(page.get_by_role("main")).to_contain_text("Hartwell Park")
    expect(page.get_by_role("main")).to_contain_text("A county park")
    assert_accessible(page)
