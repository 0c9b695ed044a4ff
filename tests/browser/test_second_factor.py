"""A second factor in a real browser, axe on every page: an administrator sets up an
authenticator app at their next sign-in (a wrong code first), keeps the recovery codes,
signs in again with a code and then with a recovery code; another administrator resets
their lost device."""

import re

import pytest
from playwright.sync_api import expect

from placements.roles import Role
from tests.placements.factories import TEST_PASSWORD, totp_code

pytestmark = pytest.mark.browser


def password(page, user):
    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_set_up_codes_recovery_and_a_reset(person_page, make_person, assert_accessible):
    sasha = make_person(Role.ADMINISTRATOR, full_name="Sasha Patel")
    alex = make_person(Role.ADMINISTRATOR, full_name="Alex Morgan")

    page = person_page()
    password(page, sasha)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.locator("#qr svg")).to_be_visible()
    secret = page.locator("#secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Set up and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)
    page.wait_for_timeout(1100)  # a wrong code makes the next wait a second
    page.get_by_label("Code from your authenticator app").fill(totp_code(sasha))
    page.get_by_role("button", name="Set up and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("button", name="I have kept them: continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Next time: the code from the app, then (phone left at home) a recovery code.
    again = person_page()
    password(again, sasha)
    expect(again.get_by_role("heading", level=1)).to_have_text("Enter the code from your app")
    assert_accessible(again)
    again.get_by_label("Code from your authenticator app").fill(totp_code(sasha))
    again.get_by_role("button", name="Continue").click()
    expect(again.get_by_role("button", name="Sign out")).to_be_visible()
    third = person_page()
    password(third, sasha)
    third.get_by_label("Code from your authenticator app").fill(codes[0])
    third.get_by_role("button", name="Continue").click()
    expect(third.get_by_role("button", name="Sign out")).to_be_visible()

    # The device is lost: another administrator resets it, and it is in the log.
    admin = person_page(alex)
    admin.goto(f"/users/{sasha.pk}/")
    expect(admin.locator("#second-factor")).to_contain_text("authenticator app")
    admin.get_by_role("button", name="Reset their second factor (lost device)").click()
    expect(admin.locator("#second-factor")).to_contain_text("No authenticator app is set up")
    assert_accessible(admin)
    admin.get_by_role("link", name="Their security log").click()
    expect(admin.locator("#events")).to_contain_text("Second factor reset by an administrator")
    expect(admin.locator("#events")).to_contain_text("Signed in with a recovery code")
    assert_accessible(admin)
    after = person_page()
    password(after, sasha)
    expect(after.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
