"""axe finds no WCAG 2.2 AA violations on the pages people use most.

axe checks what a machine can (about a third of WCAG); it does not replace testing
with assistive technology, but it keeps the basics from regressing.
"""

import pytest
from playwright.sync_api import expect

from placements.roles import Role
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(administrator):
    return ProviderFactory(name="Oakwood Fostering", actor=administrator)


def test_sign_in_page(page, assert_accessible):
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)


def test_sign_in_page_with_errors(page, assert_accessible):
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page)


def test_signed_out_page(page, administrator, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)


def test_provider_list(page, administrator, provider, sign_in, assert_accessible):
    ProviderFactory(name="Birch House", vacancies=0)
    sign_in(page, administrator)
    page.goto("/providers/")
    expect(page.locator("#provider-count")).to_have_text("2 providers")
    assert_accessible(page)


def test_provider_list_after_filtering_with_htmx(
    page, administrator, provider, sign_in, assert_accessible
):
    sign_in(page, administrator)
    page.goto("/providers/")
    page.get_by_label("Has a vacancy", exact=True).select_option(label="No")
    expect(page.locator("#provider-count")).to_have_text("0 providers")
    assert_accessible(page)


def test_provider_detail_with_history(page, administrator, provider, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.goto(f"/providers/{provider.pk}/")
    expect(page.get_by_role("heading", name="History of changes")).to_be_visible()
    assert_accessible(page)


def test_provider_form(page, administrator, provider, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.goto(f"/providers/{provider.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Oakwood Fostering")
    assert_accessible(page)


def test_new_provider_form_with_errors(page, administrator, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.goto("/providers/new/")
    page.get_by_role("button", name="Add provider").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter the provider's name")
    assert page.title().startswith("Error:")
    assert_accessible(page)


def test_provider_form_with_errors(page, administrator, provider, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.goto(f"/providers/{provider.pk}/edit/")
    page.get_by_label("Provider name", exact=True).fill("")
    page.get_by_label("Current vacancies", exact=True).fill("9")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the provider's name")
    expect(summary).to_contain_text("Vacancies cannot be more than the capacity")
    assert_accessible(page)


def test_users_list(page, administrator, make_person, sign_in, assert_accessible):
    make_person(Role.BROKERAGE_OFFICER, full_name="Olu Officer")
    sign_in(page, administrator)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    assert_accessible(page)


def test_new_user_form(page, administrator, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.goto("/users/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a user")
    assert_accessible(page)


def test_new_user_form_with_errors(page, administrator, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.goto("/users/new/")
    page.get_by_role("button", name="Add user and send link").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_user_form_for_an_existing_user(
    page, administrator, make_person, sign_in, assert_accessible
):
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Olu Officer")
    sign_in(page, administrator)
    page.goto(f"/users/{officer.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Olu Officer")
    assert_accessible(page)


def test_role_grants_for_the_only_administrator(page, administrator, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.goto("/users/role-grants/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Role grants waiting for approval")
    expect(page.get_by_text("You are the only active administrator")).to_be_visible()
    assert_accessible(page)


def test_a_waiting_role_grant_its_user_and_refusing_it_with_errors(
    page, administrator, make_person, sign_in, assert_accessible
):
    from placements import services

    asker = make_person(Role.ADMINISTRATOR, full_name="Alex Asker")
    person = make_person(Role.BROKERAGE_OFFICER, full_name="Olu Officer")
    services.user_update(
        user=person,
        full_name=person.full_name,
        email=person.email,
        job_title="",
        team=None,
        roles=[Role.BROKERAGE_OFFICER, Role.DUTY_LEAD],
        actor=asker,
    )
    sign_in(page, administrator)
    page.goto(f"/users/{person.pk}/")
    expect(page.locator("#grants-waiting")).to_contain_text("Duty lead: asked for by Alex Asker")
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Role grants waiting for approval", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Role grants waiting for approval")
    expect(page.get_by_role("button", name="Approve Duty lead for Olu Officer")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Refuse Duty lead for Olu Officer").click()
    page.get_by_role("button", name="Refuse the role").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why you are refusing this role")
    assert page.title().startswith("Error:")
    assert_accessible(page)


def test_council_settings(page, administrator, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Council settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council settings")
    assert_accessible(page)


def test_placement_types_with_errors(page, administrator, sign_in, assert_accessible):
    sign_in(page, administrator)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Placement types").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement types")
    assert_accessible(page)
    page.get_by_role("button", name="Add placement type").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the name of the placement type"
    )
    assert_accessible(page)


def test_forbidden_page(page, make_person, sign_in, assert_accessible):
    sign_in(page, make_person(Role.BROKERAGE_OFFICER))
    page.goto("/providers/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    assert_accessible(page)
