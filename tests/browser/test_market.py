"""Knowing the market, in the browser: an administrator imports Ofsted's sample data,
sees a rating fall and a suspension before confirming, then adds one of the settings the
directory does not know and ignores another; an officer scores an offer against the
child's needs and ranks the offers on quality and cost. axe checks every page seen."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from approvals.offers.models import NeedsMatch
from placements.roles import Role
from providers.models import OfstedRating, OfstedSetting, Provider, RegistrationStatus
from tests.journeys import in_house_provider, offers_in, searchable
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "providers/samples/sample-ofsted.csv"


def test_administrator_imports_ofsteds_data_and_deals_with_unknown_settings(
    page, administrator, sign_in, assert_accessible
):
    # In the sample: SC500004 inadequate, SC500006 suspended, each inspected in 2026.
    inspected = dt.date(2024, 6, 1)
    falls = ProviderFactory(
        name="Fourways House", ofsted_urn="SC500004", ofsted_inspection_date=inspected
    )
    suspended = ProviderFactory(
        name="Sixpenny Lodge", ofsted_urn="SC500006", ofsted_inspection_date=inspected
    )
    sign_in(page, administrator)
    page.goto("/providers/")
    page.get_by_role("link", name="Import Ofsted's data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import Ofsted's data")
    assert_accessible(page)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select Ofsted's CSV or ODS")
    assert_accessible(page)
    page.get_by_label("Ofsted's data (CSV or ODS)").set_input_files(SAMPLE)
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check Ofsted's data before importing"
    )
    expect(page.locator("#count-falls")).to_have_text("1")
    expect(page.locator("#count-stopped")).to_have_text("1")
    changes = page.get_by_role("table", name="Settings in the directory that change")
    expect(changes.get_by_role("row", name=re.compile("Fourways House"))).to_contain_text(
        "Rating falls"
    )
    assert_accessible(page)
    assert Provider.objects.get(pk=falls.pk).ofsted_rating == OfstedRating.GOOD
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator("#import-state")).to_have_text("Done")
    expect(page.locator("#count-update")).to_have_text("2")
    assert_accessible(page)
    assert Provider.objects.get(pk=falls.pk).ofsted_rating == OfstedRating.INADEQUATE
    suspended.refresh_from_db()
    assert suspended.ofsted_registration_status == RegistrationStatus.SUSPENDED

    page.get_by_role("link", name="Settings not in the directory: add or ignore them").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("not in the directory")
    assert_accessible(page)
    listed = page.get_by_role("table", name=re.compile("28 settings"))
    expect(listed).to_be_visible()
    page.get_by_role("button", name="Ignore Sample setting 01").click()
    expect(page.get_by_role("table", name=re.compile("27 settings"))).to_be_visible()
    assert OfstedSetting.objects.get(urn="SC500001").ignored_at is not None
    page.get_by_role("link", name="Add Sample setting 02 to the directory").click()
    expect(page.locator("#from-ofsted")).to_contain_text("Sample setting 02")
    expect(page.get_by_label("Ofsted URN (optional)")).to_have_value("SC500002")
    assert_accessible(page)

    # The provider's page shows the suspension and Ofsted's record.
    page.goto(f"/providers/{suspended.pk}/")
    expect(page.get_by_text("Ofsted registration is suspended")).to_be_visible()
    expect(page.locator("#ofsted-record")).to_contain_text("Sample setting 06")
    assert_accessible(page)


def test_an_officer_scores_an_offer_and_ranks_the_offers(
    page, make_person, team, sign_in, assert_accessible
):
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    in_house_provider(name="Northshire Fostering")
    ProviderFactory(name="Ashdown Fostering", ofsted_rating=OfstedRating.OUTSTANDING)
    ProviderFactory(name="Birchwood Families", ofsted_rating=OfstedRating.GOOD)
    referral = searchable(social_worker, officer)
    offers_in(
        referral,
        officer,
        {"Ashdown Fostering": Decimal("4600.00"), "Birchwood Families": Decimal("4200.00")},
    )
    sign_in(page, officer)
    page.goto(f"/referrals/{referral.pk}/offers/")
    expect(page.locator("#unscored")).to_contain_text("2 offers have no score")
    assert_accessible(page)
    page.get_by_role("link", name="Score against the needs for Ashdown Fostering").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("against the needs")
    assert_accessible(page)
    page.get_by_role("button", name="Save the score").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how well the offer")
    assert_accessible(page)
    page.get_by_label("Meets all of the child's needs").check()
    page.get_by_label("Why (optional)").fill("Therapy on site, near school")
    page.get_by_role("button", name="Save the score").click()
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(
        "Match to the needs scored"
    )
    assert NeedsMatch.objects.get().score == 4
    table = page.get_by_role("table", name=re.compile("highest score first"))
    expect(table.locator("tbody > tr > th[scope=row]").first).to_contain_text("Ashdown Fostering")
    page.get_by_text("How the score is made for Ashdown Fostering").click()
    parts = page.get_by_role("table", name="The parts of Ashdown Fostering's score")
    expect(parts.get_by_role("row", name=re.compile("^Match to the needs"))).to_contain_text(
        "Meets all of the child's needs"
    )
    expect(parts.get_by_role("row", name=re.compile("^Ofsted rating"))).to_contain_text(
        "Outstanding"
    )
    assert_accessible(page)
