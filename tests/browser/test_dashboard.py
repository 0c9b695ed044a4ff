"""The duty lead reads the dashboard: each figure's chart, its table and its definition,
filtered to a span of months; axe checks the page."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from placements.roles import Role
from tests.journeys import chosen, in_house_provider, offers_in, placed, searchable
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser


def test_the_duty_lead_reads_the_figures(page, make_person, team, sign_in, assert_accessible):
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    head = make_person(Role.HEAD_OF_SERVICE, full_name="Hugh Head")
    lead = make_person(Role.DUTY_LEAD, full_name="Dee Duty")
    in_house_provider()
    ProviderFactory(name="Ashdown Fostering")
    referral = searchable(social_worker, officer)
    offer = offers_in(referral, officer, {"Ashdown Fostering": Decimal("4100")})[
        "Ashdown Fostering"
    ]
    placed(chosen(referral, officer, social_worker, offer), officer, head)

    sign_in(page, lead)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator("#open-referrals-title")).to_be_visible()
    assert_accessible(page)
    # The last three months only.
    first = (dt.date.today().replace(day=1) - dt.timedelta(days=62)).replace(day=1)
    page.get_by_label("From the month").select_option(first.isoformat())
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator("#days-to-placement-subtitle")).to_contain_text(f"{first:%B %Y}")
    expect(page.locator("#provider-responses-title")).to_contain_text("Providers answered")
    days = page.locator("#days-to-placement")
    days.get_by_text("How this is worked out").click()
    expect(days.locator(".govuk-details__text")).to_contain_text("the middle value")
    assert_accessible(page)
