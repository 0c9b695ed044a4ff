"""An officer checks the anonymised pack and releases it, on accessible pages."""

import pytest
from playwright.sync_api import expect

from placements.roles import Role
from referrals import services
from tests.approvals.factories import approved

pytestmark = pytest.mark.browser
PROFILE = "Jayden plays football with Tyler at Hartwell Park. Kerry O'Brien takes him."


def test_officer_checks_flags_and_releases_the_pack(
    page, make_person, team, sign_in, assert_accessible
):
    social_worker = make_person(Role.SOCIAL_WORKER, team=team)
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    referral = approved(social_worker)
    services.referral_qa_return(referral=referral, actor=officer, requests=["Who does he see?"])
    services.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    referral = services.referral_submit(referral=referral, actor=social_worker, response="Done")
    referral = services.referral_qa_accept(referral=referral, actor=officer, take_it=True)

    sign_in(page, officer)
    page.goto(f"/referrals/{referral.pk}/")
    page.get_by_role("link", name="Anonymised pack for providers").click()
    page.get_by_role("button", name="Prepare the pack").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("3 words may still be a name or a place")
    expect(main.locator("mark.app-flag")).to_have_text(["Tyler", "Hartwell", "Park"])
    expect(main).not_to_contain_text("Jayden")
    expect(main).not_to_contain_text("Kerry")
    assert_accessible(page)

    # Accepting a word needs a reason.
    page.get_by_role("button", name="Accept “Tyler”").click()
    expect(main).to_contain_text("Say why this word is safe to send to providers")
    assert_accessible(page)
    page.get_by_label("“Tyler” in Getting to know me: why is it safe to send?").fill("His dog")
    page.get_by_role("button", name="Accept “Tyler”").click()
    expect(main).to_contain_text("2 words may still be a name or a place")

    # Rewriting the passage clears the place name.
    page.get_by_role("link", name="Change Getting to know me").click()
    assert_accessible(page)
    page.get_by_label("What providers will read").fill(
        "JO plays football with Tyler at a local park. Mum takes him."
    )
    page.get_by_role("button", name="Save passage").click()
    page.get_by_role("button", name="Release the pack for the search").click()
    expect(main).to_contain_text("The pack is checked and released for the search.")
    expect(main.locator(".govuk-tag").first).to_have_text("Released")
    assert_accessible(page)
