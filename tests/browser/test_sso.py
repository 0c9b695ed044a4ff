"""Single sign-on end to end in a real browser against a real OpenID Connect provider
on loopback: the button, the provider's page, back signed in; a stranger refused with a
clear page. axe checks this service's pages (not the provider's)."""

from urllib.parse import quote

import httpx
import oidc_provider_mock
import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from placements.roles import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(settings):
    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        settings.OIDC_DISCOVERY_URL = f"{url}/.well-known/openid-configuration"
        settings.OIDC_RP_CLIENT_ID = "placements-brokerage"
        settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
        settings.OIDC_PROVIDER_NAME = "Northshire Council account"
        cache.clear()
        yield url
    cache.clear()


def test_sign_in_with_the_council_directory(page, directory, make_person, assert_accessible):
    make_person(Role.BROKERAGE_OFFICER, email="bo.broker@council.example", full_name="Bo Broker")
    for sub, email in (
        ("entra-77", "bo.broker@council.example"),
        ("entra-78", "x@council.example"),
    ):
        response = httpx.put(
            f"{directory}/users/{quote(sub)}", json={"email": email, "email_verified": True}
        )
        assert response.status_code == 204

    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with Northshire Council account").click()
    # The provider's own page: who is signing in.
    page.locator("input[name=sub]").fill("entra-78")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have not been signed in")
    expect(page.locator("#why")).to_contain_text("There is no account for you")
    assert_accessible(page)

    page.get_by_role("link", name="Back to sign in").click()
    page.get_by_role("button", name="Sign in with Northshire Council account").click()
    page.locator("input[name=sub]").fill("entra-77")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text("Bo Broker")).to_be_visible()
    assert "/sign-in/" not in page.url
    assert_accessible(page)
