"""After the placement, a month on: the social worker finds a review due on their list
and records it (an error first); the officer records an invoice that claims a pound too
much, sees it flagged and approves what the agreement allows; then records an unplanned
ending that starts a new referral with the child's details carried over. axe checks
every page seen."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from approvals.costs.services import approval_approve
from placements.roles import Role
from referrals.models import Referral
from tests.journeys import chosen, countersign, in_house_provider, offers_in, searchable
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser


def placed_today(make_person, team):
    """Ashdown Fostering's offer placed from today, its agreement countersigned."""
    from approvals.placement.services.agreement import agreement_issue, agreement_sign
    from approvals.placement.services.placement import placement_confirm

    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker")
    head = make_person(Role.HEAD_OF_SERVICE, full_name="Hugh Head")
    referral = searchable(social_worker, officer)
    offer = offers_in(referral, officer, {"Ashdown Fostering": Decimal("4100")})[
        "Ashdown Fostering"
    ]
    approval = chosen(referral, officer, social_worker, offer)
    approval_approve(approval=approval, actor=head)
    placement = placement_confirm(approval=approval, start_date=dt.date.today(), actor=officer)
    agreement = agreement_issue(placement=placement, actor=officer)
    agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    countersign(agreement)
    return social_worker, officer, referral


def test_a_review_an_invoice_and_an_ending(person_page, make_person, team, assert_accessible):
    in_house_provider()
    ProviderFactory(name="Ashdown Fostering")
    social_worker, officer, referral = placed_today(make_person, team)
    # A month on, the first review (twenty working days after the start) is due or
    # overdue: on the social worker's list.
    later = time_machine.travel(dt.datetime.now().astimezone() + dt.timedelta(days=30))
    later.start()
    try:
        check(person_page, social_worker, officer, referral, assert_accessible)
    finally:
        later.stop()


def check(person_page, social_worker, officer, referral, assert_accessible):

    worker = person_page(social_worker)
    worker.goto("/referrals/")
    panel = worker.locator("#reviews-due")
    expect(panel).to_contain_text(referral.reference)
    assert_accessible(worker)
    panel.get_by_role("link", name=re.compile(referral.reference)).click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text("Review due")
    held = dt.date.today() - dt.timedelta(days=1)
    worker.get_by_label("Day").fill(str(held.day))
    worker.get_by_label("Month").fill(str(held.month))
    worker.get_by_label("Year").fill(str(held.year))
    worker.get_by_role("button", name="Record the review").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        "Say how the child is getting on with outcome 1"
    )
    assert_accessible(worker)
    worker.get_by_role("group", name=re.compile("Outcome 1")).get_by_label(
        "Progressing", exact=True
    ).check()
    worker.get_by_label("The independent reviewing officer's comments").fill("Settling well")
    worker.get_by_role("group", name="Does the placement meet the child's needs?").get_by_label(
        "Yes"
    ).check()
    worker.get_by_role("button", name="Record the review").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Placement reviews")
    expect(worker.locator("#reviews")).to_contain_text(held.strftime("%-d %B %Y"))
    assert_accessible(worker)

    broker = person_page(officer)
    # An invoice for the first two weeks, claiming a pound too much: flagged, approved at
    # what the agreement allows.
    placement = referral.placements.get()
    broker.goto(f"/referrals/{referral.pk}/placement/")
    broker.get_by_role("link", name="The placement's invoices").click()
    expect(broker.get_by_role("heading", level=1)).to_have_text("Invoices")
    assert_accessible(broker)
    broker.get_by_label("The provider's invoice number").fill("ASH-1001")
    start = placement.start_date
    end = start + dt.timedelta(days=13)
    for group, day in (("Period from", start), ("Period to", end)):
        fields = broker.get_by_role("group", name=group)
        fields.get_by_label("Day").fill(str(day.day))
        fields.get_by_label("Month").fill(str(day.month))
        fields.get_by_label("Year").fill(str(day.year))
    broker.get_by_label(re.compile("Claimed for the weekly fee")).fill(
        str(placement.weekly_fee * 2 + 1)
    )
    broker.get_by_role("button", name="Record and check the invoice").click()
    expect(broker.get_by_role("heading", level=1)).to_have_text("Invoice ASH-1001")
    expect(broker.locator("#check")).to_contain_text("£1.00")
    assert_accessible(broker)
    broker.get_by_label("Approve what the agreement allows").check()
    broker.get_by_role("button", name="Record the decision").click()
    expect(broker.get_by_text("Saved by checking: £1.00")).to_be_visible()
    assert_accessible(broker)

    broker.goto(f"/referrals/{referral.pk}/placement/")
    broker.get_by_role("link", name="Record the placement's ending").click()
    expect(broker.get_by_role("heading", level=1)).to_have_text("The placement's ending")
    today = dt.date.today()
    broker.get_by_label("Day").fill(str(today.day))
    broker.get_by_label("Month").fill(str(today.month))
    broker.get_by_label("Year").fill(str(today.year))
    broker.get_by_label("No, it was not planned").check()
    broker.get_by_label("Why did it end?").select_option("CREQB")
    broker.get_by_role("button", name="Record the ending").click()
    expect(broker.locator(".govuk-error-summary")).to_contain_text(
        "Select whether the child needs a new placement"
    )
    assert_accessible(broker)
    broker.get_by_label("No, it was not planned").check()
    broker.get_by_label("What happened").fill("The carers gave notice")
    broker.get_by_label("Yes, start a new referral").check()
    broker.get_by_role("button", name="Record the ending").click()
    expect(broker.locator("#ending")).to_contain_text("unplanned")
    assert_accessible(broker)
    new = Referral.objects.exclude(pk=referral.pk).get(status=Referral.Status.DRAFT)
    assert new.children.get().first_name == referral.children.get().first_name
    worker.goto(f"/referrals/{new.pk}/")
    expect(worker.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(worker)


def test_a_provider_invoices_through_its_account_and_answers_a_query(
    person_page, page, make_person, team, administrator, assert_accessible
):
    from django.core import mail

    from providers.services import accounts

    in_house_provider()
    ashdown = ProviderFactory(name="Ashdown Fostering")
    accounts.organisation_save(
        name="Ashdown Care Ltd",
        emails=["office@ashdown.example"],
        references=[ashdown.reference],
        actor=administrator,
    )
    _social_worker, officer, referral = placed_today(make_person, team)
    placement = referral.placements.get()
    later = time_machine.travel(dt.datetime.now().astimezone() + dt.timedelta(days=20))
    later.start()
    try:
        page.goto("/provider/sign-in/")
        page.get_by_label("Email address").fill("office@ashdown.example")
        page.get_by_role("button", name="Email me a sign-in link").click()
        [message] = [m for m in mail.outbox if "office@ashdown.example" in m.to]
        page.goto(re.search(r"https?://[^\s/]+(/provider/sign-in/[\w-]+/)", message.body)[1])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Invoices", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Invoices")
        assert_accessible(page)
        page.get_by_role("link", name=f"Send an invoice for {referral.reference}").click()
        page.get_by_role("button", name="Send the invoice").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your invoice number")
        assert_accessible(page)
        page.get_by_label("Your invoice number").fill("ASH-77")
        start = placement.start_date
        for group, day in (("Period from", start), ("Period to", start + dt.timedelta(days=13))):
            fields = page.get_by_role("group", name=group)
            fields.get_by_label("Day").fill(str(day.day))
            fields.get_by_label("Month").fill(str(day.month))
            fields.get_by_label("Year").fill(str(day.year))
        page.get_by_label(re.compile("Claimed for the weekly fee")).fill(
            str(placement.weekly_fee * 3)
        )
        page.get_by_role("button", name="Send the invoice").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Invoice ASH-77")
        expect(page.locator("#invoice")).to_contain_text("Being checked by the council")
        assert_accessible(page)

        # The officer sees the over-claim and queries it.
        broker = person_page(officer)
        broker.goto(reverse("approvals:invoices"))
        broker.get_by_role("link", name="ASH-77").click()
        expect(broker.locator("#check")).to_contain_text(f"£{placement.weekly_fee:,}")
        expect(broker.get_by_text("Sent by the provider (office@ashdown.example)")).to_be_visible()
        broker.get_by_label("Query it with the provider").check()
        broker.get_by_label(re.compile("For the provider")).fill("Please claim two weeks only.")
        broker.get_by_role("button", name="Record the decision").click()
        expect(broker.get_by_text("The invoice is queried")).to_be_visible()

        # The provider answers through its account; the officer approves.
        page.reload()
        expect(page.locator("#council-note")).to_have_text("Please claim two weeks only.")
        page.get_by_label(re.compile("Claimed for the weekly fee")).fill(
            str(placement.weekly_fee * 2)
        )
        page.get_by_role("button", name="Send the corrected invoice").click()
        expect(page.locator("#corrections")).to_contain_text("Please claim two weeks only.")
        assert_accessible(page)
        broker.reload()
        expect(broker.locator("#corrections")).to_contain_text("office@ashdown.example")
        assert_accessible(broker)
        broker.get_by_label("Approve what the agreement allows").check()
        broker.get_by_role("button", name="Record the decision").click()
        expect(broker.get_by_text("Saved by checking: £0.00")).to_be_visible()
    finally:
        later.stop()
