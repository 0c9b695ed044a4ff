"""The search, as the officer and the providers do it, on accessible pages.

The officer checks and releases the anonymised pack, asks in-house fostering first,
then prepares a framework round: sees who it will go to and who is left out and why,
takes a provider out and puts it back, and sends it. Each provider opens the link
from its own email, signed out, in its own browser: one makes an offer (after first
sending the form empty), another says it has no option. The officer sees both
answers on the round and the offer on the referral. axe checks every page seen.
"""

import datetime as dt
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from placements.roles import Role
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.permission import services as permission
from tests.browser.conftest import _close_page, _open_page
from tests.journeys import complete_draft, in_house_provider
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser

PROFILE = "Jayden plays football with Tyler at Hartwell Park. Kerry O'Brien takes him."
DO_NOT_APPROACH = "His last placement there broke down"
LINK = re.compile(r"https?://[^\s/]+(/respond/[\w-]+/)")
AVAILABLE_FROM = timezone.localdate() + dt.timedelta(days=14)


@pytest.fixture
def provider_page(browser, live_server, page_watch, request):
    """`provider_page()`: a new browser of its own, signed out, with JavaScript on, as
    a provider's staff have it; closed (and checked) with the test."""
    opened = []

    def open_one():
        context, page = _open_page(browser, live_server, page_watch, javascript=True)
        opened.append((context, page))
        return page

    yield open_one
    for context, page in opened:
        _close_page(context, page, page_watch, request)


@pytest.fixture
def referral_to_search(make_person, team):
    """Accepted by brokerage, funding recorded, the pack not yet prepared; the social
    worker put one framework provider on the do-not-approach list while drafting."""
    social_worker = make_person(Role.SOCIAL_WORKER, team=team)
    team_manager = make_person(Role.TEAM_MANAGER, team=team)
    service_lead = make_person(Role.SERVICE_LEAD, team=team)
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker", email="bo@council.example")

    in_house_provider(name="Northshire Fostering", referral_emails=["fostering@council.example"])
    providers = {
        name: ProviderFactory(name=name, referral_emails=[email])
        for name, email in [
            ("Ashdown Fostering", "referrals@ashdown.example"),
            ("Birchwood Families", "referrals@birchwood.example"),
            ("Cedar Foster Care", "referrals@cedar.example"),
            ("Damson Fostering", "referrals@damson.example"),
        ]
    }

    referral = complete_draft(social_worker)
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    drafting.exclusion_add(
        referral=referral,
        provider=providers["Damson Fostering"],
        reason=DO_NOT_APPROACH,
        actor=social_worker,
    )
    referral = drafting.referral_submit(referral=referral, actor=social_worker)
    referral = permission.search_endorse(referral=referral, actor=team_manager, comments="Yes")
    referral = permission.search_approve(referral=referral, actor=service_lead, comments="Yes")
    referral = brokerage.referral_qa_accept(referral=referral, actor=officer)
    permission.funding_approval_record(
        referral=referral,
        approved_by="Sunita Senior",
        weekly_amount=Decimal("6000"),
        approved_on=timezone.localdate(),
        actor=officer,
    )
    referral.refresh_from_db()
    return referral, officer


# --- Helpers -----------------------------------------------------------------------


def _h1(page):
    return page.get_by_role("heading", level=1)


def _success(page, text):
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(text)


def _error_summary(page, *messages):
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    return summary


def _screenshot(page, name):
    """For a person to look at the layout: /tmp/search-<name>.png."""
    page.screenshot(path=str(Path(tempfile.gettempdir()) / f"search-{name}.png"), full_page=True)


def _link_for(address: str) -> str:
    """The path of the link in the one email sent to this provider's address."""
    emails = [m for m in mail.outbox if address in m.to]
    assert len(emails) == 1, f"{len(emails)} emails to {address}: {[m.to for m in mail.outbox]}"
    found = LINK.search(emails[0].body)
    assert found, f"no link in the email to {address}:\n{emails[0].body}"
    return found.group(1)


def _start_round(page, kind):
    page.get_by_role("group", name="Who should this round go to?").get_by_label(
        kind, exact=True
    ).check()
    page.get_by_role("button", name="Start the round").click()


def _release_the_pack(page, referral, check):
    page.goto(f"/referrals/{referral.pk}/")
    check(page)
    page.get_by_role("link", name="Anonymised pack for providers").click()
    check(page)
    page.get_by_role("button", name="Prepare the pack").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("2 words may still identify someone")
    check(page)
    page.get_by_label("“Tyler” in Getting to know me: why is it safe to send?").fill("His dog")
    page.get_by_role("button", name="Accept “Tyler”").click()
    expect(main).to_contain_text("1 word may still identify someone")
    page.get_by_role("link", name="Change Getting to know me").click()
    check(page)
    page.get_by_label("What providers will read").fill(
        "JO plays football with Tyler at a local park. Mum takes him."
    )
    page.get_by_role("button", name="Save passage").click()
    page.get_by_role("button", name="Release the pack for the search").click()
    expect(main).to_contain_text("The pack is checked and released for the search.")
    check(page)


def _fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


# --- The journey ---------------------------------------------------------------------


def test_officer_searches_and_providers_answer(
    page, page_without_js, provider_page, referral_to_search, sign_in, assert_accessible
):
    referral, officer = referral_to_search
    sign_in(page, officer)
    _release_the_pack(page, referral, assert_accessible)

    # The search page: in-house fostering comes first.
    page.goto(f"/referrals/{referral.pk}/")
    page.get_by_role("link", name="Search for a placement").click()
    expect(_h1(page)).to_have_text("Search for a placement")
    expect(page.get_by_role("main")).to_contain_text("No rounds yet")
    assert_accessible(page)
    _start_round(page, "Framework providers")
    _error_summary(page, "Offer the referral to in-house fostering first")
    assert_accessible(page)

    _start_round(page, "In-house fostering")
    _success(page, "Round started")
    expect(_h1(page)).to_have_text("Round 1: In-house fostering")
    expect(page.get_by_role("heading", name="This round will go to 1 provider")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the round to 1 provider").click()
    _success(page, "Round 1 is going to 1 provider.")
    expect(page.get_by_role("status")).to_have_text("All 1 email sent.")
    assert_accessible(page)
    assert _link_for("fostering@council.example")

    # The framework round: who it goes to, and who is left out and why.
    page.get_by_role("link", name="Back to the search").click()
    _start_round(page, "Framework providers")
    expect(_h1(page)).to_have_text("Round 2: Framework providers")
    count = page.get_by_role("heading", name=re.compile(r"^This round will go to"))
    expect(count).to_have_text("This round will go to 3 providers")
    chosen = page.get_by_role("table", name="Providers this round will go to")
    expect(chosen.locator("tbody tr td:first-child")).to_have_text(
        ["Ashdown Fostering", "Birchwood Families", "Cedar Foster Care"]
    )
    left_out = page.locator("details.govuk-details").filter(has_text="left out, and why")
    expect(left_out).to_contain_text(f"Damson Fostering: Do not approach: {DO_NOT_APPROACH}")
    expect(page.get_by_text("Fewer than 3 providers")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Remove Ashdown Fostering").click()
    expect(count).to_have_text("This round will go to 2 providers")
    expect(page.get_by_text("Fewer than 3 providers")).to_be_visible()
    expect(left_out).to_contain_text("Ashdown Fostering: Taken out by hand")
    assert_accessible(page)
    _screenshot(page, "round-draft")
    page.get_by_role("button", name="Put back Ashdown Fostering").click()
    expect(count).to_have_text("This round will go to 3 providers")
    expect(chosen.get_by_role("cell", name="Ashdown Fostering", exact=True)).to_be_visible()

    page.get_by_role("button", name="Send the round to 3 providers").click()
    _success(page, "Round 2 is going to 3 providers.")
    expect(page.get_by_role("status")).to_have_text("All 3 emails sent.")
    asked = page.get_by_role("table", name="What was sent to whom and when, and each answer")
    expect(asked.locator("tbody tr")).to_have_count(3)
    expect(asked).not_to_contain_text("Damson")
    expect(asked).not_to_contain_text("Queued")
    assert_accessible(page)
    _screenshot(page, "round-sent")
    assert not [m for m in mail.outbox if "referrals@damson.example" in m.to]

    # A link that does not work says so, and nothing else.
    provider = provider_page()
    response = provider.goto("/respond/not-a-real-link/")
    assert response.status == 404
    expect(_h1(provider)).to_have_text("This link does not work")
    assert_accessible(provider)

    # Ashdown opens its link, sends the offer form empty, then makes an offer.
    provider.goto(_link_for("referrals@ashdown.example"))
    expect(_h1(provider)).to_have_text("Placement request")
    main = provider.get_by_role("main")
    expect(main).to_contain_text("Answers close at")
    expect(main).to_contain_text("You have not answered yet.")
    expect(main).to_contain_text("JO plays football with Tyler at a local park.")
    expect(main).not_to_contain_text("Jayden")
    expect(main).not_to_contain_text("O'Brien")
    expect(provider.get_by_role("link", name="Ask a question")).to_be_visible()
    assert_accessible(provider)
    _screenshot(provider, "provider-page")

    # The no-option form, looked at and sent empty, before Ashdown decides to offer.
    provider.get_by_role("link", name="We have no option").click()
    expect(_h1(provider)).to_have_text("Tell us you have no option")
    assert_accessible(provider)
    provider.get_by_role("button", name="Send").click()
    _error_summary(provider, "Enter your name", "Say why you have no option for this child")
    assert_accessible(provider)
    provider.get_by_role("link", name="Back to the request").click()

    provider.get_by_role("link", name="Make an offer").click()
    expect(_h1(provider)).to_have_text("Make an offer")
    assert_accessible(provider)
    provider.get_by_role("button", name="Send the offer").click()
    summary = _error_summary(
        provider,
        "Enter your name",
        "Enter the carer's or home's reference",
        "Enter the weekly fee",
        "Say how you will meet the child's needs",
        "Enter the setting's Ofsted URN",
    )
    expect(summary).to_be_focused()
    expect(provider).to_have_title(re.compile(r"^Error: "))
    assert_accessible(provider)
    _screenshot(provider, "provider-offer-errors")

    provider.get_by_label("Your name").fill("Pat Provider")
    provider.get_by_label("Carer's or home's reference").fill("CARERS-17")
    provider.get_by_label("Weekly fee").fill("£950")
    provider.get_by_label("Education, a week (optional)").fill("100")
    provider.get_by_label("Transport, a week (optional)").fill("50.50")
    provider.get_by_label("One-off costs (optional)").fill("300")
    provider.get_by_label("What the one-off costs are for (optional)").fill("A bed and a desk")
    _fill_date(provider, "Available from", AVAILABLE_FROM)
    provider.get_by_label("How will you meet the child's needs and outcomes?").fill(
        "Experienced carers near a football club; the school run is ten minutes."
    )
    provider.get_by_label("Ofsted URN of the setting").fill("sc 123456")
    provider.get_by_role("button", name="Send the offer").click()
    _success(provider, "Your offer has been sent.")
    expect(main).to_contain_text("£1,100.50")
    expect(main).to_contain_text("SC123456")
    expect(provider.get_by_role("link", name="Change your offer")).to_be_visible()
    assert_accessible(provider)

    # Birchwood, without JavaScript: the offer form still checks its answers, then
    # Birchwood says it has no option.
    birchwood = page_without_js
    birchwood_link = _link_for("referrals@birchwood.example")
    birchwood.goto(birchwood_link)
    birchwood.get_by_role("link", name="Make an offer").click()
    birchwood.get_by_role("button", name="Send the offer").click()
    _error_summary(birchwood, "Enter your name", "Enter the weekly fee")
    expect(birchwood.get_by_label("Your name")).to_have_attribute(
        "aria-describedby", re.compile("error")
    )
    birchwood.get_by_role("link", name="Back to the request").click()
    birchwood.get_by_role("link", name="We have no option").click()
    expect(_h1(birchwood)).to_have_text("Tell us you have no option")
    birchwood.get_by_role("button", name="Send").click()
    _error_summary(birchwood, "Enter your name", "Say why you have no option for this child")
    birchwood.get_by_label("Your name").fill("Robin Birch")
    birchwood.get_by_label("Why can you not offer a placement?").fill("No carers free until May")
    birchwood.get_by_role("button", name="Send").click()
    _success(birchwood, "we have recorded that you have no option")
    expect(birchwood.get_by_role("main")).to_contain_text("No carers free until May")
    # axe needs JavaScript: check the page Birchwood now sees in a browser that has it.
    birchwood_seen = provider_page()
    birchwood_seen.goto(birchwood_link)
    expect(birchwood_seen.get_by_role("main")).to_contain_text("No carers free until May")
    expect(birchwood_seen.get_by_role("link", name="Make an offer")).to_be_visible()
    expect(birchwood_seen.get_by_role("link", name="We have no option")).to_have_count(0)
    assert_accessible(birchwood_seen)

    # The officer sees both answers on the round, and the offer on the referral.
    page.reload()
    asked = page.get_by_role("table", name="What was sent to whom and when, and each answer")
    ashdown = asked.locator("tr").filter(has_text="Ashdown Fostering")
    expect(ashdown).to_contain_text("Offer: £1,100.50 a week (fee £950.00 + £150.50)")
    expect(ashdown).to_contain_text("CARERS-17, Ofsted SC123456")
    expect(ashdown).to_contain_text("by Pat Provider")
    expect(ashdown.locator("td").nth(2)).not_to_have_text("Not opened")
    birch = asked.locator("tr").filter(has_text="Birchwood Families")
    expect(birch).to_contain_text("No option: No carers free until May")
    expect(asked.locator("tr").filter(has_text="Cedar Foster Care")).to_contain_text("Not answered")
    expect(page.get_by_role("main")).to_contain_text(
        "3 asked, 2 opened, 1 offer, 1 no option, 1 not answered"
    )
    assert_accessible(page)
    _screenshot(page, "round-answers")

    page.goto(f"/referrals/{referral.pk}/")
    offers = page.get_by_role("table", name="Offers standing, lowest total weekly cost first")
    expect(offers.locator("tbody tr")).to_have_count(1)
    expect(offers.locator("tbody tr")).to_contain_text("Ashdown Fostering")
    expect(offers.locator("tbody tr")).to_contain_text("£1,100.50")
    expect(offers.locator("tbody tr")).to_contain_text(f"{AVAILABLE_FROM:%-d %b %Y}")
    expect(page.get_by_role("main")).to_contain_text("Round 2: Framework providers")
    assert_accessible(page)
