"""From offers to a signed placement agreement, as each person does it.

Offers are in (through the services, as providers make them through their links).
The officer compares them, negotiates one fee, and sends two options to the social
worker; the social worker compares them side by side and chooses the external one,
saying why the in-house one does not meet the child's needs; the head of service
approves the £5,500 a week from their queue; the officer confirms the move date and
sends the agreement; the provider signs it through its link, signed out; the officer
cannot countersign what they sent, so the duty lead does, with a name, role and
declaration; the provider is emailed a link to the countersigned agreement and
downloads it; the tracker shows the placement; the providers not chosen get feedback.
axe checks every page seen.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from placements.roles import Role
from tests.journeys import CHILD, in_house_provider, offers_in, searchable
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser

SIGN_LINK = re.compile(r"https?://[^\s/]+(/sign/[\w-]+/)")
MOVE = dt.date.today() + dt.timedelta(days=10)


@pytest.fixture
def referral_with_offers(make_person, team):
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker", email="bo@council.example")
    in_house_provider(name="Northshire Fostering", referral_emails=["fostering@council.example"])
    for name, email in [
        ("Ashdown Fostering", "referrals@ashdown.example"),
        ("Birchwood Families", "referrals@birchwood.example"),
        ("Cedar Foster Care", "referrals@cedar.example"),
    ]:
        ProviderFactory(name=name, referral_emails=[email])
    referral = searchable(social_worker, officer)
    offers_in(
        referral,
        officer,
        {
            "Ashdown Fostering": Decimal("5500.00"),
            "Birchwood Families": Decimal("4300.00"),
            "Cedar Foster Care": Decimal("6100.00"),
        },
        in_house=Decimal("950.00"),
    )
    mail.outbox.clear()
    return referral, officer, social_worker


def _h1(page):
    return page.get_by_role("heading", level=1)


def _success(page, text):
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(text)


def test_from_offers_to_a_signed_agreement(
    person_page, make_person, referral_with_offers, assert_accessible
):
    referral, officer, social_worker = referral_with_offers
    head = make_person(Role.HEAD_OF_SERVICE, full_name="Hugh Head", email="hugh@council.example")

    # The officer compares the offers and negotiates Birchwood down.
    desk = person_page(officer)
    desk.goto(f"/referrals/{referral.pk}/")
    desk.get_by_role("link", name="Offers and options").click()
    expect(_h1(desk)).to_have_text("Offers and options")
    table = desk.get_by_role("table", name=re.compile("4 offers"))
    expect(table.locator("tbody th")).to_contain_text(
        ["Northshire Fostering", "Birchwood Families", "Ashdown Fostering", "Cedar Foster Care"]
    )
    # Cedar is above the £6,000 funding approval, so it cannot be sent.
    expect(table.get_by_role("row", name=re.compile("Cedar"))).to_contain_text(
        "Above the funding approval"
    )
    # No disabled control to puzzle over: the row says why it cannot be chosen.
    expect(desk.get_by_label("Send Cedar Foster Care's offer")).to_have_count(0)
    expect(table.get_by_role("row", name=re.compile("Cedar"))).to_contain_text(
        "Flagged: cannot be sent until its flag is overridden"
    )
    assert_accessible(desk)
    desk.get_by_role("link", name="Negotiate Birchwood Families's fee").click()
    expect(_h1(desk)).to_have_text("Negotiate Birchwood Families's fee")
    assert_accessible(desk)
    desk.get_by_role("button", name="Record the negotiated fee").click()
    expect(desk.locator(".govuk-error-summary")).to_contain_text("Enter the negotiated weekly fee")
    assert_accessible(desk)
    desk.get_by_label("Negotiated weekly fee").fill("£4,000")
    desk.get_by_label("What was agreed, and with whom").fill("Agreed by phone with their manager")
    desk.get_by_role("button", name="Record the negotiated fee").click()
    _success(desk, "Negotiated fee recorded for Birchwood Families")
    expect(table.get_by_role("row", name=re.compile("Birchwood"))).to_contain_text("saves £200.00")

    # Two options go to the social worker.
    desk.get_by_role("button", name="Send the chosen offers to the social worker").click()
    expect(desk.locator(".govuk-error-summary")).to_contain_text("Choose at least one offer")
    assert_accessible(desk)
    desk.get_by_label("Send Ashdown Fostering's offer").check()
    desk.get_by_label("Send Northshire Fostering's offer").check()
    desk.get_by_label("Note to the social worker (optional)").fill("Both could start soon.")
    desk.get_by_role("button", name="Send the chosen offers to the social worker").click()
    _success(desk, "2 options sent to the social worker")
    told = sorted(
        address for m in mail.outbox if "not been put forward" in m.body for address in m.to
    )
    assert told == ["referrals@birchwood.example", "referrals@cedar.example"]

    # The social worker compares them side by side and chooses Ashdown.
    worker = person_page(social_worker)
    worker.goto(f"/referrals/{referral.pk}/")
    worker.get_by_role("link", name="Compare the options and choose").click()
    expect(_h1(worker)).to_have_text("Placement options")
    side_by_side = worker.get_by_role("table", name="The options side by side")
    expect(side_by_side.get_by_role("row", name=re.compile("^Total a week"))).to_contain_text(
        "£950.00"
    )
    expect(side_by_side.get_by_role("row", name=re.compile("^Total a week"))).to_contain_text(
        "£5,500.00"
    )
    assert_accessible(worker)
    worker.get_by_label("Option 2: Ashdown Fostering").check()
    worker.get_by_label("How this option meets the child's needs").fill(
        "Near his school, with therapy on site"
    )
    worker.get_by_role("button", name="Choose this option").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        "Say why the in-house option does not meet the child's needs"
    )
    # The in-house option scored higher on quality and cost: the choice says why too.
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        "Say why you are choosing this option over one that scored higher"
    )
    assert_accessible(worker)
    worker.get_by_label(re.compile("why the in-house option does not meet")).fill(
        "The in-house carers are forty miles from his school"
    )
    worker.get_by_label(re.compile("scored lower than another")).fill(
        "Only Ashdown keeps him at his school"
    )
    worker.get_by_role("button", name="Choose this option").click()
    _success(worker, "Your choice is recorded")

    # The head of service approves from their queue.
    approver = person_page(head)
    approver.goto("/")
    approver.get_by_role("navigation", name="Menu").get_by_role("link", name="Approvals").click()
    expect(_h1(approver)).to_have_text("Costs waiting for your approval")
    assert_accessible(approver)
    approver.get_by_role("link", name=referral.reference).click()
    expect(approver.get_by_role("main")).to_contain_text("£5,500.00")
    expect(approver.get_by_role("main")).to_contain_text("Near his school")
    assert_accessible(approver)
    approver.get_by_label("Approve the cost").check()
    approver.get_by_role("button", name="Record the decision").click()
    _success(approver, "Cost approved")

    # The officer confirms the move date and sends the agreement.
    desk.goto(f"/referrals/{referral.pk}/")
    desk.get_by_role("link", name="The placement and its agreement").click()
    expect(_h1(desk)).to_have_text("The placement")
    assert_accessible(desk)
    group = desk.get_by_role("group", name="Move date")
    group.get_by_label("Day").fill(str(MOVE.day))
    group.get_by_label("Month").fill(str(MOVE.month))
    group.get_by_label("Year").fill(str(MOVE.year))
    desk.get_by_role("button", name="Confirm the placement").click()
    _success(desk, "Placement confirmed")
    desk.get_by_role("button", name="Send the agreement to the provider to sign").click()
    _success(desk, "Agreement version 1 sent to Ashdown Fostering")
    assert_accessible(desk)
    emails = [m for m in mail.outbox if "referrals@ashdown.example" in m.to and "/sign/" in m.body]
    assert len(emails) == 1 and "Sam" not in emails[0].body

    # The provider signs through its link, signed out.
    provider = person_page()
    provider.goto(SIGN_LINK.search(emails[0].body).group(1))
    expect(_h1(provider)).to_have_text("Individual placement agreement")
    expect(provider.get_by_role("main")).to_contain_text("£5,500.00 a week")
    assert_accessible(provider)
    provider.get_by_role("button", name="Sign the agreement").click()
    expect(provider.locator(".govuk-error-summary")).to_contain_text("Enter your full name")
    assert_accessible(provider)
    provider.get_by_label("Your full name").first.fill("Pat Provider")
    provider.get_by_label("Your role").first.fill("Registered manager")
    provider.get_by_label(re.compile("I agree to the terms")).check()
    provider.get_by_role("button", name="Sign the agreement").click()
    _success(provider, "the agreement is signed")
    assert_accessible(provider)

    # The officer who sent it cannot countersign it: the council requires two people.
    desk.reload()
    expect(desk.get_by_role("main")).to_contain_text(
        "someone in brokerage other than Bo Broker, who issued it, countersigns it"
    )
    expect(desk.get_by_role("main")).to_contain_text("You issued this agreement")
    expect(desk.get_by_role("button", name="Countersign the agreement")).to_have_count(0)

    # The duty lead countersigns, with their name, role and the declaration.
    duty = person_page(
        make_person(
            Role.BROKERAGE_OFFICER,
            Role.DUTY_LEAD,
            full_name="Dee Duty",
            job_title="Duty lead",
            email="dee@council.example",
        )
    )
    duty.goto(f"/referrals/{referral.pk}/placement/")
    expect(duty.get_by_label("Your full name")).to_have_value("Dee Duty")
    expect(duty.get_by_label("Your role or job title")).to_have_value("Duty lead")
    duty.get_by_role("button", name="Countersign the agreement").click()
    expect(duty.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that you agree to the terms and may countersign for the council"
    )
    assert_accessible(duty)
    duty.get_by_label(re.compile("I may countersign it for")).check()
    duty.get_by_role("button", name="Countersign the agreement").click()
    _success(duty, "Countersigned. The child is placed")
    expect(duty.get_by_role("main")).to_contain_text("Placed")
    expect(duty.get_by_role("main")).to_contain_text("Countersigned by Dee Duty, Duty lead")
    with duty.expect_download() as download:
        duty.get_by_role("link", name=re.compile("Final, countersigned")).click()
    assert download.value.suggested_filename.endswith("-final.pdf")
    assert_accessible(duty)

    # The provider is emailed a link to the countersigned agreement, and downloads it.
    final = [m for m in mail.outbox if "countersigned" in m.subject]
    assert [m.to for m in final] == [["referrals@ashdown.example"]]
    assert "Sam" not in final[0].body and CHILD["first_name"] not in final[0].body
    provider.goto(SIGN_LINK.search(final[0].body).group(1))
    expect(provider.get_by_role("main")).to_contain_text("Countersigned")
    expect(provider.get_by_role("main")).to_contain_text("Dee Duty, Duty lead")
    assert_accessible(provider)
    with provider.expect_download() as download:
        provider.get_by_role("link", name="Download the countersigned agreement (PDF)").last.click()
    assert download.value.suggested_filename.endswith("-countersigned.pdf")

    # The tracker shows the placement.
    desk.get_by_role("navigation", name="Menu").get_by_role("link", name="Placements").click()
    expect(_h1(desk)).to_have_text("Placements")
    expect(desk.get_by_role("table")).to_contain_text(referral.reference)
    expect(desk.get_by_role("main")).to_contain_text("£5,500.00 a week in all")
    assert_accessible(desk)

    # The providers not chosen get feedback, all at once.
    desk.goto(f"/referrals/{referral.pk}/placement/")
    desk.get_by_role("link", name="Give feedback").click()
    expect(_h1(desk)).to_have_text("Feedback to providers not chosen")
    assert_accessible(desk)
    desk.get_by_role("button", name=re.compile("Send the feedback")).click()
    expect(desk.locator(".govuk-error-summary")).to_contain_text("Choose at least one reason")
    assert_accessible(desk)
    for name in ("Birchwood Families", "Cedar Foster Care", "Northshire Fostering"):
        desk.get_by_role("group", name=name).get_by_label("Cost").check()
    desk.get_by_role("group", name="Northshire Fostering").get_by_label(
        "The social worker chose another option"
    ).check()
    desk.get_by_role("button", name=re.compile("Send the feedback")).click()
    _success(desk, "Feedback sent to 3 providers")
    feedback = sorted(
        address for m in mail.outbox if "feedback on your offer" in m.subject for address in m.to
    )
    assert feedback == [
        "fostering@council.example",
        "referrals@birchwood.example",
        "referrals@cedar.example",
    ]
