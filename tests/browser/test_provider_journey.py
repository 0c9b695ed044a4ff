"""An administrator finds a provider, edits it and sees the change in its history."""

import re

import pytest
from playwright.sync_api import expect

from providers.models import FrameworkStatus, ProviderType
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def directory(transactional_db):
    """Three providers: only Oakwood is an independent fostering agency with a vacancy."""
    return {
        "oakwood": ProviderFactory(
            name="Oakwood Fostering",
            provider_type=ProviderType.INDEPENDENT_FOSTERING,
            capacity=4,
            vacancies=1,
            referral_emails=["referrals@oakwood.example"],
        ),
        "hazel": ProviderFactory(
            name="Hazel Fostering",
            provider_type=ProviderType.INDEPENDENT_FOSTERING,
            vacancies=0,
        ),
        "birch": ProviderFactory(
            name="Birch House",
            provider_type=ProviderType.RESIDENTIAL,
            vacancies=2,
            categories={"residential": FrameworkStatus.FRAMEWORK},
        ),
    }


def _results(page):
    return page.get_by_role("table", name="Providers matching the filters")


def _history_rows(page, *, who, what):
    table = page.get_by_role("table", name="History of changes, newest first")
    return (
        table.get_by_role("row")
        .filter(has=page.get_by_role("cell", name=who, exact=True))
        .filter(has=page.get_by_role("cell", name=what, exact=True))
    )


def test_administrator_filters_opens_and_edits_a_provider_without_javascript(
    page_without_js, administrator, directory, sign_in
):
    page = page_without_js
    sign_in(page, administrator)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Providers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")
    expect(page.locator("#provider-count")).to_have_text("3 providers")

    filters = page.get_by_role("search", name="Filter providers")
    filters.get_by_label("Independent fostering agency", exact=True).check()
    filters.get_by_label("Has a vacancy", exact=True).select_option(label="Yes")
    filters.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"provider_type=independent_fostering"))
    expect(page).to_have_url(re.compile(r"has_vacancy=yes"))
    expect(page.locator("#provider-count")).to_have_text("1 provider")
    expect(_results(page).get_by_role("link", name="Oakwood Fostering")).to_be_visible()
    expect(_results(page)).not_to_contain_text("Hazel Fostering")
    expect(_results(page)).not_to_contain_text("Birch House")
    # The filters are kept when the page comes back.
    expect(filters.get_by_label("Independent fostering agency", exact=True)).to_be_checked()

    _results(page).get_by_role("link", name="Oakwood Fostering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Oakwood Fostering")

    page.get_by_role("link", name="Edit provider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Oakwood Fostering")
    page.get_by_label("Current vacancies", exact=True).fill("2")
    emails = page.get_by_label("Referral email addresses")
    expect(emails).to_have_value("referrals@oakwood.example")
    emails.fill("referrals@oakwood.example\nduty@oakwood.example")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(re.compile(rf"/providers/{directory['oakwood'].pk}/$"))
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Success")
    expect(banner).to_contain_text("Changes saved.")

    vacancies = _history_rows(page, who="Ada Administrator", what="Vacancies")
    expect(vacancies).to_have_count(1)
    expect(vacancies.get_by_role("cell")).to_have_text(
        [re.compile(r"\d"), "Ada Administrator", "Vacancies", "1", "2"]
    )
    emails_row = _history_rows(page, who="Ada Administrator", what="Referral emails")
    expect(emails_row).to_have_count(1)
    expect(emails_row.get_by_role("cell")).to_have_text(
        [
            re.compile(r"\d"),
            "Ada Administrator",
            "Referral emails",
            "referrals@oakwood.example",
            "referrals@oakwood.example, duty@oakwood.example",
        ]
    )
    contact = page.get_by_role("definition").filter(has_text="duty@oakwood.example")
    expect(contact).to_have_count(1)


def test_filtering_with_javascript_updates_the_results_without_reloading(
    page, administrator, directory, sign_in
):
    sign_in(page, administrator)
    page.goto("/providers/")
    expect(page.locator("#provider-count")).to_have_text("3 providers")
    expect(page.locator("body.js-enabled")).to_have_count(1)
    # Survives only while the document does: a full page load would wipe it.
    page.evaluate("window.sameDocument = true")

    filters = page.get_by_role("search", name="Filter providers")
    with page.expect_response(
        lambda r: "/providers/?" in r.url and r.request.headers.get("hx-request") == "true"
    ) as htmx_response:
        filters.get_by_label("Independent fostering agency", exact=True).check()
    assert htmx_response.value.ok
    expect(page.locator("#provider-count")).to_have_text("2 providers")

    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        filters.get_by_label("Has a vacancy", exact=True).select_option(label="Yes")
    expect(page.locator("#provider-count")).to_have_text("1 provider")
    expect(_results(page).get_by_role("link", name="Oakwood Fostering")).to_be_visible()

    assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
    # hx-push-url keeps the address shareable and the back button meaningful.
    expect(page).to_have_url(re.compile(r"provider_type=independent_fostering.*has_vacancy=yes"))
    # Only the results were swapped: the filter form is still the one on the page.
    expect(page.get_by_role("heading", name="Filter")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
