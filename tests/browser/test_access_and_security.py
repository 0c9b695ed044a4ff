"""Signing out, what each role sees, the Content Security Policy and the GOV.UK fonts."""

import re

import pytest
from playwright.sync_api import expect

from placements.roles import Role
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser


def _menu(page):
    return page.get_by_role("navigation", name="Menu")


def test_signing_out_shows_the_signed_out_page_and_ends_the_session(page, administrator, sign_in):
    sign_in(page, administrator)
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/signed-out/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.goto("/providers/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/providers/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_brokerage_officer_sees_providers_but_cannot_add_one(page, make_person, sign_in):
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Olu Officer")
    provider = ProviderFactory(name="Oakwood Fostering")
    sign_in(page, officer)

    expect(_menu(page).get_by_role("link", name="Providers")).to_be_visible()
    expect(_menu(page).get_by_role("link", name="Users")).to_have_count(0)
    expect(_menu(page).get_by_role("link", name="Council settings")).to_have_count(0)
    _menu(page).get_by_role("link", name="Providers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")
    expect(page.get_by_role("link", name="Add a provider")).to_have_count(0)
    expect(page.get_by_role("link", name="Import a spreadsheet")).to_have_count(0)

    page.get_by_role("link", name="Oakwood Fostering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oakwood Fostering")
    expect(page.get_by_role("link", name="Edit provider")).to_have_count(0)

    for path in ("/providers/new/", f"/providers/{provider.pk}/edit/"):
        response = page.goto(path)
        assert response.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You do not have access to this page"
        )
        # The error page keeps the service's header and navigation.
        expect(_menu(page).get_by_role("link", name="Providers")).to_be_visible()


def test_social_worker_does_not_see_providers(page, make_person, sign_in):
    social_worker = make_person(Role.SOCIAL_WORKER, full_name="Sam Social")
    sign_in(page, social_worker)

    # Their one place to work is their referrals, so home takes them straight there.
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    expect(page.get_by_role("link", name="Providers")).to_have_count(0)
    expect(_menu(page).get_by_role("link", name="Home")).to_be_visible()

    response = page.goto("/providers/")
    assert response.status == 403


def test_pages_keep_to_the_content_security_policy(page, page_watch, administrator, sign_in):
    ProviderFactory(name="Oakwood Fostering")
    response = page.goto("/sign-in/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy)
    assert "'unsafe-inline'" not in policy

    sign_in(page, administrator)
    for path in ("/providers/", "/users/", "/settings/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/providers/")
    page.get_by_label("Has a vacancy", exact=True).select_option(label="Yes")
    expect(page.locator("#provider-count")).to_have_text("1 provider")
    page.get_by_role("link", name="Oakwood Fostering").click()
    page.wait_for_load_state("networkidle")

    assert page_watch.csp_violations == []
    assert page_watch.page_errors == []
    # GOV.UK Frontend's JavaScript ran: its modules mark themselves initialised.
    expect(page.locator("[data-module='govuk-button'][data-govuk-button-init]")).not_to_have_count(
        0
    )


def test_a_csp_violation_is_caught(page, page_watch):
    """The check above is not vacuous: an inline script without the nonce is reported."""
    page.goto("/sign-in/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.head.appendChild(script);
            }"""
        )
    assert page.evaluate("window.injected") is None, "the inline script ran"
    assert any("Content Security Policy" in message for message in page_watch.csp_violations)
    page_watch.csp_violations.clear()  # expected here: do not fail the test at teardown


def test_govuk_fonts_load(page, page_watch, administrator, sign_in):
    sign_in(page, administrator)
    page.goto("/providers/")
    page.wait_for_function(
        """() => document.fonts.check('19px "GDS Transport"')
                 && document.fonts.check('bold 19px "GDS Transport"')"""
    )
    loaded = page_watch.font_responses
    assert loaded, "no font was requested from /assets/fonts/"
    assert all(status == 200 for status in loaded.values()), loaded
    assert any(path.endswith(".woff2") for path in loaded), loaded

    # The font files are served with a font type, from the same origin (CSP font-src 'self').
    response = page.request.get(next(iter(loaded)))
    assert response.status == 200
    assert response.headers["content-type"].startswith("font/")


def test_pages_reflow_at_320_css_pixels(page, administrator, sign_in):
    """WCAG 1.4.10: no sideways scrolling of the page at 320 CSS pixels (400% zoom)."""
    provider = ProviderFactory(
        name="Oakwood Fostering with a rather long name for a narrow screen", actor=administrator
    )
    sign_in(page, administrator)
    page.set_viewport_size({"width": 320, "height": 640})
    paths = ["/providers/", f"/providers/{provider.pk}/", f"/providers/{provider.pk}/edit/"]
    paths += ["/users/", f"/users/{administrator.pk}/", "/settings/"]
    for path in paths:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px wide"
