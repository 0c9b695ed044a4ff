"""A referral from first draft to approval to search, as the people involved do it.

The social worker drafts it section by section and submits it; the team manager
returns it with a reason; the social worker changes it and submits it again; the
team manager endorses it and the service lead approves the search; brokerage returns
it with a question, the social worker answers, brokerage accepts it and it is on the
action list with a next action. Each person signs in through the real sign-in page,
and axe checks every page they see.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.roles import Role
from referrals.drafting import services as drafting
from tests.journeys import submitted
from tests.placements.factories import ServiceFactory, TeamFactory
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"PR\d{2}-\d{5}")
DATE_NEEDED = timezone.localdate() + dt.timedelta(days=21)
PROFILE = "I'm Jay. I love football and Lego. I like to know what is happening each day."
NEW_PROFILE = PROFILE + " My school says I am settled there and should stay."
RETURN_REASON = "Add the school's views on the move to Getting to know me."


@pytest.fixture
def people(make_person, team):
    """A social worker, their team manager and their service lead: one team, one service."""
    return {
        "sw": make_person(
            Role.SOCIAL_WORKER, full_name="Sam Social", email="sam@council.example", team=team
        ),
        "tm": make_person(
            Role.TEAM_MANAGER, full_name="Tia Manager", email="tia@council.example", team=team
        ),
        "sl": make_person(
            Role.SERVICE_LEAD, full_name="Lee Lead", email="lee@council.example", team=team
        ),
        "officer": make_person(
            Role.BROKERAGE_OFFICER, full_name="Bo Broker", email="bo@council.example"
        ),
    }


@pytest.fixture
def oakwood(transactional_db):
    return ProviderFactory(name="Oakwood Fostering")


# --- Helpers: what a person does and sees ---------------------------------------


def _as(page, user, sign_in):
    """Sign out whoever is signed in, then sign in through the sign-in page."""
    sign_out = page.get_by_role("button", name="Sign out")
    if sign_out.count():
        sign_out.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    sign_in(page, user)


def _h1(page):
    return page.get_by_role("heading", level=1)


def _success(page, text):
    banner = page.get_by_role("alert").filter(has_text="Success")
    expect(banner).to_contain_text(text)


def _open_referrals(page):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Referrals").click()
    expect(_h1(page)).to_have_text("Referrals")


def _task(page, title):
    return page.locator(".govuk-task-list__item").filter(
        has=page.get_by_role("link", name=title, exact=True)
    )


def _error_summary(page):
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    return summary


def _fill_date(page, legend, date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(date.day))
    group.get_by_label("Month").fill(str(date.month))
    group.get_by_label("Year").fill(str(date.year))


def _radio(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _fill_child(page):
    page.get_by_label("First name", exact=True).fill("Jayden")
    page.get_by_label("Last name", exact=True).fill("O'Brien")
    page.get_by_label("Known as (optional)").fill("Jay")
    _fill_date(page, "Date of birth", dt.date(2013, 3, 4))
    page.get_by_label("Gender", exact=True).fill("Male")
    page.get_by_label("Ethnicity", exact=True).fill("White British")
    page.get_by_label("Religion", exact=True).fill("None")
    page.get_by_label("First language", exact=True).fill("English")
    page.get_by_label("Legal status", exact=True).fill("Section 20")
    page.get_by_label("Home address", exact=True).fill("12 Mill Lane\nBarnley")
    page.get_by_label("Postcode", exact=True).fill("le1 6zg")
    page.get_by_label("School or nursery", exact=True).fill("Barnley Academy")
    page.get_by_label("Special educational needs or disability").fill("ADHD")
    page.get_by_label("Health", exact=True).fill("Asthma")
    page.get_by_label("Behaviours that challenge").fill("N/A")
    page.get_by_label("Risks", exact=True).fill("Goes missing when anxious")
    page.get_by_label("Interests and what works for them").fill("Football")


def _fill_needs(page):
    _radio(page, "What kind of move is this?", "Planned move")
    _radio(page, "Is this urgent?", "No")
    _radio(page, "Type of placement", "External foster care (IFA)")
    _fill_date(page, "Date needed", DATE_NEEDED)
    page.get_by_label("Expected duration").fill("Long term")
    page.get_by_label("Location preferences").fill("Near Barnley Academy")
    page.get_by_label("Location restrictions").fill("N/A")
    _radio(page, "Is education needed as part of the placement?", "No")
    _radio(page, "Is therapy needed as part of the placement?", "No")


def _draft_a_referral(page, *, check, javascript, provider=None):
    """From the Referrals page, draft every section of a referral for Jayden.

    `check(page)` runs on every distinct page on the way (axe, with JavaScript on).
    With `javascript`, GOV.UK Frontend moves focus to the error summary, and its
    links move focus to the answer with the problem."""
    page.get_by_role("button", name="Start a new referral").click()
    expect(_h1(page)).to_have_text("Start a new referral")
    check(page)
    page.get_by_role("button", name="Start the referral").click()
    expect(page.get_by_text("Choose what the referral asks for").first).to_be_visible()
    page.get_by_label("A placement").check()
    page.get_by_role("button", name="Start the referral").click()
    expect(_h1(page)).to_have_text("Draft referral")
    expect(page.get_by_text("You have completed 0 of 5 sections")).to_be_visible()
    for title in (
        "The child or children",
        "People around the child",
        "What is needed",
        "Desired outcomes",
        "Getting to know me",
    ):
        expect(_task(page, title)).to_contain_text("Incomplete")
    expect(_task(page, "Providers not to approach")).to_contain_text("Optional")
    expect(page.get_by_role("link", name="Check and submit")).to_have_count(0)
    check(page)

    # The child: an empty form first, then the answers.
    page.get_by_role("link", name="The child or children", exact=True).click()
    expect(_h1(page)).to_have_text("The child or children")
    check(page)
    page.get_by_role("link", name="Add a child").click()
    expect(_h1(page)).to_have_text("Add a child")
    check(page)
    # Other answers may wait, but a child is kept from their first name on.
    page.get_by_label("Health", exact=True).fill("Asthma")
    page.get_by_role("button", name="Save child").click()
    summary = _error_summary(page)
    if javascript:
        expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter the child's first name"])
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_first_name")
    expect(page.get_by_text("Nothing has been saved yet.")).to_be_visible()
    expect(page.get_by_label("First name", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Health", exact=True)).to_have_value("Asthma")
    check(page)
    summary.get_by_role("link", name="Enter the child's first name").click()
    if javascript:
        expect(page.get_by_label("First name", exact=True)).to_be_focused()
    _fill_child(page)
    check(page)
    page.get_by_role("button", name="Save child").click()
    expect(_h1(page)).to_have_text("The child or children")
    _success(page, "Child saved.")
    expect(page.get_by_role("term")).to_have_text(["Jayden O'Brien"])
    expect(page.get_by_role("definition").filter(has_text="Born")).to_have_text("Born 4 March 2013")
    check(page)
    page.get_by_role("link", name="Return to the referral").click()
    expect(page.get_by_text("You have completed 1 of 5 sections")).to_be_visible()
    expect(_task(page, "The child or children")).to_contain_text("Completed")

    # People around the child.
    page.get_by_role("link", name="People around the child", exact=True).click()
    expect(_h1(page)).to_have_text("People around the child")
    check(page)
    page.get_by_role("link", name="Add a person").click()
    expect(_h1(page)).to_have_text("Add a person")
    check(page)
    page.get_by_label("Full name").fill("Kerry O'Brien")
    page.get_by_label("Relationship to the child").fill("Mum")
    page.get_by_role("button", name="Save person").click()
    expect(_h1(page)).to_have_text("People around the child")
    _success(page, "Person saved.")
    expect(page.get_by_role("term")).to_have_text(["Kerry O'Brien"])
    expect(page.get_by_role("definition").filter(has_text="Mum")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Return to the referral").click()
    expect(page.get_by_text("You have completed 2 of 5 sections")).to_be_visible()

    # What is needed: an empty form first, then the answers.
    page.get_by_role("link", name="What is needed", exact=True).click()
    expect(_h1(page)).to_have_text("What is needed")
    check(page)
    # A date that is not real is refused; the other answers are kept.
    _radio(page, "What kind of move is this?", "Planned move")
    page.get_by_label("Expected duration").fill("Long term")
    _fill_date(page, "Date needed", dt.date(DATE_NEEDED.year, 2, 1))
    page.get_by_role("group", name="Date needed").get_by_label("Day").fill("31")
    page.get_by_role("button", name="Save and return to the referral").click()
    summary = _error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Date needed must be a real date"])
    expect(page.get_by_text("Your other answers have been saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Still to complete before you submit")).to_be_visible()
    check(page)
    summary.get_by_role("link", name="Date needed must be a real date").click()
    if javascript:
        day = page.get_by_role("group", name="Date needed").get_by_label("Day")
        expect(day).to_be_focused()
    _fill_needs(page)
    check(page)
    page.get_by_role("button", name="Save and return to the referral").click()
    _success(page, "Saved.")
    expect(page.get_by_text("You have completed 3 of 5 sections")).to_be_visible()
    expect(_task(page, "What is needed")).to_contain_text("Completed")

    # Desired outcomes.
    page.get_by_role("link", name="Desired outcomes", exact=True).click()
    expect(_h1(page)).to_have_text("Desired outcomes")
    check(page)
    page.get_by_label("Outcome 1").fill("Stays at Barnley Academy")
    page.get_by_label("Outcome 2 (optional)").fill("Sees his mum every week")
    page.get_by_role("button", name="Save and return to the referral").click()
    expect(page.get_by_text("You have completed 4 of 5 sections")).to_be_visible()

    # Getting to know me.
    page.get_by_role("link", name="Getting to know me", exact=True).click()
    expect(_h1(page)).to_have_text("Getting to know me")
    check(page)
    page.get_by_label("Getting to know me").fill(PROFILE)
    page.get_by_role("button", name="Save and return to the referral").click()
    expect(page.get_by_text("You have completed 5 of 5 sections")).to_be_visible()

    # Providers not to approach (optional).
    if provider is not None:
        page.get_by_role("link", name="Providers not to approach", exact=True).click()
        expect(_h1(page)).to_have_text("Providers not to approach")
        check(page)
        page.get_by_label("Provider", exact=True).select_option(label=provider.name)
        page.get_by_label("Why should they not be approached?").fill("Placement broke down")
        page.get_by_role("button", name="Add to the list").click()
        _success(page, "Provider added to the list.")
        expect(page.get_by_role("term")).to_have_text([provider.name])
        check(page)
        page.get_by_role("link", name="Return to the referral").click()
        expect(page.get_by_text("You have completed 5 of 5 sections")).to_be_visible()


def _check_answers_and_submit(page, *, check, provider=None):
    """From the task list: check the answers, submit, and return the reference."""
    page.get_by_role("link", name="Check and submit").click()
    expect(_h1(page)).to_have_text("Check your answers before submitting")
    main = page.get_by_role("main")
    child = main.locator(".govuk-summary-card").filter(has_text="Jayden O'Brien")
    expect(child.get_by_role("heading")).to_have_text("Jayden O'Brien (known as Jay)")
    for answer in ("4 March 2013", "Section 20", "LE1 6ZG", "Barnley Academy", "ADHD"):
        expect(child).to_contain_text(answer)
    expect(main).to_contain_text("Kerry O'Brien")
    expect(main).to_contain_text("Planned move")
    expect(main).to_contain_text("External foster care (IFA)")
    expect(main).to_contain_text(f"{DATE_NEEDED.day} {DATE_NEEDED:%B %Y}")
    expect(main).to_contain_text("Near Barnley Academy")
    expect(main).to_contain_text("Education: no; therapy: no")
    expect(main).to_contain_text("Stays at Barnley Academy")
    expect(main).to_contain_text("Sees his mum every week")
    expect(main).to_contain_text("I love football and Lego")
    if provider is not None:
        expect(main).to_contain_text(provider.name)
        expect(main).to_contain_text("Placement broke down")
    check(page)
    page.get_by_role("button", name="Submit referral").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", level=1)).to_have_text("Referral submitted")
    expect(panel).to_contain_text(REFERENCE)
    check(page)
    return REFERENCE.search(panel.inner_text()).group()


def _decide(page, *, decision, comments):
    page.get_by_role("group", name="Your decision").get_by_label(decision).check()
    page.get_by_label("Comments").fill(comments)
    page.get_by_role("button", name="Record decision").click()


def _waiting(page, reference):
    """The "Waiting for your decision" list (the table of referrals is not a list)."""
    return page.get_by_role("list").filter(has=page.get_by_role("link", name=reference))


def _status(page):
    return page.get_by_role("main").locator(".govuk-tag").first


# --- The journey ----------------------------------------------------------------


def test_a_referral_goes_from_draft_to_approval_to_search(
    page, people, oakwood, sign_in, assert_accessible
):
    sw, tm, sl = people["sw"], people["tm"], people["sl"]

    # 1. The social worker drafts the referral and submits it.
    _as(page, sw, sign_in)
    _open_referrals(page)
    expect(page.get_by_role("table")).to_contain_text("No referrals to show.")
    expect(page.get_by_role("heading", name="Waiting for your decision")).to_have_count(0)
    assert_accessible(page)
    _draft_a_referral(page, check=assert_accessible, javascript=True, provider=oakwood)
    reference = _check_answers_and_submit(page, check=assert_accessible, provider=oakwood)

    page.get_by_role("link", name="View the referral").click()
    expect(_h1(page)).to_have_text(f"Referral {reference}")
    expect(_status(page)).to_have_text("Waiting for team manager")
    # Once submitted it is read, not changed: no task list.
    expect(page.locator(".govuk-task-list")).to_have_count(0)
    assert_accessible(page)

    _open_referrals(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row.get_by_role("cell")).to_have_text(
        [
            reference,
            "Jayden O'Brien",
            "External foster care (IFA)",
            DATE_NEEDED.strftime("%-d %b %Y"),
            "Sam Social",
            "Waiting for team manager",
        ]
    )
    assert_accessible(page)

    # 2. The team manager returns it: first without comments, which is refused.
    _as(page, tm, sign_in)
    _open_referrals(page)
    waiting = page.get_by_role("heading", name="Waiting for your decision")
    expect(waiting).to_be_visible()
    waiting_list = _waiting(page, reference)
    expect(waiting_list).to_contain_text("External foster care (IFA)")
    expect(waiting_list).to_contain_text("Sam Social")
    assert_accessible(page)
    waiting_list.get_by_role("link", name=reference).click()
    expect(_h1(page)).to_have_text("Endorse or return the referral")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the referral").click()
    expect(_h1(page)).to_have_text(f"Referral {reference}")
    expect(page.get_by_role("main")).to_contain_text("I love football and Lego")
    assert_accessible(page)
    page.get_by_role("link", name="Endorse or return").click()
    expect(_h1(page)).to_have_text("Endorse or return the referral")

    page.get_by_role("group", name="Your decision").get_by_label(
        "Return to the social worker with reasons"
    ).check()
    page.get_by_role("button", name="Record decision").click()
    summary = _error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Enter your comments"])
    expect(
        page.get_by_role("group", name="Your decision").get_by_label(
            "Return to the social worker with reasons"
        )
    ).to_be_checked()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter your comments").click()
    expect(page.get_by_label("Comments")).to_be_focused()
    page.get_by_label("Comments").fill(RETURN_REASON)
    page.get_by_role("button", name="Record decision").click()
    expect(_h1(page)).to_have_text(f"Referral {reference}")
    _success(page, "Your decision has been recorded.")
    expect(_status(page)).to_have_text("Returned to social worker")
    expect(page.get_by_role("link", name="Endorse or return")).to_have_count(0)
    assert_accessible(page)

    # The social worker sees why, changes the profile and submits again.
    _as(page, sw, sign_in)
    _open_referrals(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row).to_contain_text("Returned to social worker")
    row.get_by_role("link", name=reference).click()
    banner = page.get_by_role("region", name="Returned to you")
    expect(banner).to_contain_text("Tia Manager")
    expect(banner).to_contain_text(RETURN_REASON)
    expect(page.get_by_text("You have completed 5 of 5 sections")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Getting to know me", exact=True).click()
    expect(page.get_by_label("Getting to know me")).to_have_value(PROFILE)
    page.get_by_label("Getting to know me").fill(NEW_PROFILE)
    page.get_by_role("button", name="Save and return to the referral").click()
    _success(page, "Saved.")
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("main")).to_contain_text("My school says I am settled there")
    page.get_by_role("button", name="Submit referral").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text(reference)

    # The team manager endorses it.
    _as(page, tm, sign_in)
    _open_referrals(page)
    _waiting(page, reference).get_by_role("link", name=reference).click()
    expect(_h1(page)).to_have_text("Endorse or return the referral")
    expect(page.get_by_role("main")).to_contain_text("My school says I am settled there")
    _decide(page, decision="Endorse the referral", comments="Agreed: he needs a stable home.")
    _success(page, "Your decision has been recorded.")
    expect(_status(page)).to_have_text("Waiting for service lead")
    expect(page.get_by_role("main")).to_contain_text("Agreed: he needs a stable home.")

    # 3. The service lead approves the search: comments are needed here too.
    _as(page, sl, sign_in)
    _open_referrals(page)
    _waiting(page, reference).get_by_role("link", name=reference).click()
    expect(_h1(page)).to_have_text("Approve or return the search")
    assert_accessible(page)
    page.get_by_role("group", name="Your decision").get_by_label("Approve the search").check()
    page.get_by_role("button", name="Record decision").click()
    expect(_error_summary(page).get_by_role("link")).to_have_text(["Enter your comments"])
    assert_accessible(page)
    _decide(page, decision="Approve the search", comments="Approved: search external IFAs.")
    _success(page, "Your decision has been recorded.")
    expect(_status(page)).to_have_text("Waiting for brokerage QA")
    assert_accessible(page)

    # The social worker sees where it has got to.
    _as(page, sw, sign_in)
    _open_referrals(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row.get_by_role("cell").last).to_have_text("Waiting for brokerage QA")
    row.get_by_role("link", name=reference).click()
    expect(_status(page)).to_have_text("Waiting for brokerage QA")
    expect(page.get_by_role("region", name="Returned to you")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Approved: search external IFAs.")
    assert_accessible(page)

    # Brokerage checks it and returns it with a question.
    officer = people["officer"]
    _as(page, officer, sign_in)
    expect(_h1(page)).to_have_text("Action list")  # an officer's home is the action list
    assert_accessible(page)
    page.get_by_label("Awaiting brokerage QA").check()
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name=reference, exact=True).click()
    page.get_by_role("link", name="Check the referral").click()
    expect(_h1(page)).to_have_text("Check the referral")
    assert_accessible(page)
    page.get_by_role("button", name="Return with these requests").click()
    expect(_error_summary(page)).to_contain_text(
        "Enter at least one thing the social worker needs to do"
    )
    assert_accessible(page)
    page.get_by_label("What does the social worker need to do?").fill(
        "Say how often Jay sees his mum."
    )
    page.get_by_role("button", name="Return with these requests").click()
    _success(page, "Returned to the social worker with your requests.")
    expect(_status(page)).to_have_text("Returned by brokerage")

    # The social worker answers.
    _as(page, sw, sign_in)
    _open_referrals(page)
    page.get_by_role("link", name=reference, exact=True).click()
    banner = page.get_by_role("region", name="Brokerage needs changes")
    expect(banner).to_contain_text("Say how often Jay sees his mum.")
    assert_accessible(page)
    _task(page, "Getting to know me").click()
    page.get_by_label("Getting to know me").fill(NEW_PROFILE + " I see Mum every Saturday.")
    page.get_by_role("button", name="Save and return to the referral").click()
    page.get_by_role("link", name="Check and submit").click()
    page.get_by_role("button", name="Send back to brokerage").click()
    expect(_error_summary(page)).to_contain_text("Say what you have changed for brokerage")
    assert_accessible(page)
    page.get_by_label("What have you changed?").fill("Added that he sees Mum every Saturday.")
    page.get_by_role("button", name="Send back to brokerage").click()
    _success(page, "Sent back to brokerage with your changes.")
    expect(_status(page)).to_have_text("Waiting for brokerage QA")

    # Brokerage accepts it, and it is on the action list.
    _as(page, officer, sign_in)
    page.get_by_label("Awaiting brokerage QA").check()
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name=reference, exact=True).click()
    page.get_by_role("link", name="Check the referral").click()
    expect(page.get_by_role("main")).to_contain_text("Added that he sees Mum every Saturday.")
    page.get_by_label("Assign it to me").check()
    page.get_by_role("button", name="Accept referral").click()
    _success(page, "Accepted onto the action list.")
    expect(_status(page)).to_have_text("Searching")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Action list").click()
    page.get_by_label("Mine").check()
    page.get_by_role("button", name="Apply").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_contain_text("Searching")
    expect(row).to_contain_text("Bo Broker")
    assert_accessible(page)
    row.get_by_role("link", name=f"Manage {reference}").click()
    assert_accessible(page)
    page.get_by_label("Next action").fill("Send to in-house fostering duty")
    page.get_by_role("button", name="Save next action").click()
    _success(page, "Saved.")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_contain_text("Send to in-house fostering duty")


def test_a_draft_can_be_completed_and_submitted_without_javascript(
    page_without_js, people, oakwood, sign_in
):
    page = page_without_js
    _as(page, people["sw"], sign_in)
    expect(page.locator("body.js-enabled")).to_have_count(0)
    _open_referrals(page)
    _draft_a_referral(page, check=lambda page: None, javascript=False, provider=oakwood)
    reference = _check_answers_and_submit(page, check=lambda page: None, provider=oakwood)
    page.get_by_role("link", name="View the referral").click()
    expect(_h1(page)).to_have_text(f"Referral {reference}")
    expect(_status(page)).to_have_text("Waiting for team manager")


def test_half_a_section_is_kept_when_the_social_worker_leaves_and_comes_back(
    page, people, sign_in, assert_accessible
):
    """The words on the task list are true: a half-filled section is saved, is there
    after signing out and back in, and what it still needs is listed, down to the
    check answers page, which will not submit it."""
    sw = people["sw"]
    _as(page, sw, sign_in)
    _open_referrals(page)
    page.get_by_role("button", name="Start a new referral").click()
    page.get_by_label("A placement").check()
    page.get_by_role("button", name="Start the referral").click()
    expect(page.get_by_text("Your answers are saved as you go")).to_be_visible()

    # Half of the child: a name, a date of birth and their health; a postcode that is
    # not real is refused, and the rest is kept.
    page.get_by_role("link", name="The child or children", exact=True).click()
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("First name", exact=True).fill("Jayden")
    page.get_by_label("Last name", exact=True).fill("O'Brien")
    _fill_date(page, "Date of birth", dt.date(2013, 3, 4))
    page.get_by_label("Postcode", exact=True).fill("not a postcode")
    page.get_by_label("Health", exact=True).fill("Asthma")
    page.get_by_role("button", name="Save child").click()
    summary = _error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Enter a real postcode, like LE1 6ZG"])
    expect(
        page.get_by_text("Jayden O'Brien has been added with your other answers.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back", exact=True).click()
    expect(_h1(page)).to_have_text("The child or children")
    expect(page.get_by_role("term")).to_have_text(["Jayden O'Brien"])
    child_row = page.locator(".govuk-summary-list__row").filter(has_text="Jayden O'Brien")
    expect(child_row).to_contain_text("Born 4 March 2013")
    expect(child_row).to_contain_text("Incomplete")
    expect(child_row).to_contain_text("Still to complete: gender, ethnicity")
    assert_accessible(page)

    # Half of what is needed.
    page.get_by_role("link", name="Return to the referral").click()
    page.get_by_role("link", name="What is needed", exact=True).click()
    _radio(page, "What kind of move is this?", "Planned move")
    page.get_by_label("Expected duration").fill("Long term")
    page.get_by_role("button", name="Save and return to the referral").click()
    _success(page, "Saved. 6 answers still to complete: the type of placement; the date needed")
    expect(_task(page, "What is needed")).to_contain_text("Incomplete")
    expect(_task(page, "What is needed")).to_contain_text(
        "Still needed: the type of placement; the date needed"
    )
    expect(_task(page, "The child or children")).to_contain_text("Jayden O'Brien: 12 answers")
    assert_accessible(page)

    # Away and back: everything given is still there.
    _as(page, sw, sign_in)
    _open_referrals(page)
    page.get_by_role("link", name="Draft", exact=True).click()
    expect(page.get_by_text("You have completed 0 of 5 sections")).to_be_visible()
    page.get_by_role("link", name="What is needed", exact=True).click()
    expect(page.get_by_label("Planned move")).to_be_checked()
    expect(page.get_by_label("Expected duration")).to_have_value("Long term")
    still = page.locator("#still-needed")
    expect(still.get_by_role("link", name="The type of placement")).to_have_attribute(
        "href", "#id_placement_type_1"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Back to the referral").click()
    page.get_by_role("link", name="The child or children", exact=True).click()
    page.get_by_role("link", name="Change Jayden O'Brien").click()
    expect(page.get_by_label("First name", exact=True)).to_have_value("Jayden")
    expect(page.get_by_label("Health", exact=True)).to_have_value("Asthma")
    expect(page.get_by_label("Postcode", exact=True)).to_have_value("")
    expect(page.locator("#still-needed")).to_contain_text("Postcode")
    assert_accessible(page)

    # Check answers names what is missing, with links, and will not submit it.
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Return to the referral").click()
    page.get_by_role("link", name="Check your answers so far and what is still needed").click()
    expect(_h1(page)).to_have_text("Check your answers before submitting")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Still to complete before you can submit")
    expect(main.get_by_role("link", name="Jayden O'Brien: postcode")).to_be_visible()
    expect(main.get_by_role("link", name="The getting to know me profile")).to_be_visible()
    expect(page.get_by_role("button", name="Submit referral")).to_have_count(0)
    assert_accessible(page)
    main.get_by_role("link", name="The date needed").click()
    expect(_h1(page)).to_have_text("What is needed")
    assert page.url.endswith("/needs/#id_date_needed_0")


def test_the_error_summary_link_for_a_date_moves_focus_to_the_day_field(page, people, sign_in):
    referral = drafting.referral_start(social_worker=people["sw"])
    _as(page, people["sw"], sign_in)
    page.goto(f"/referrals/{referral.pk}/children/add/")
    page.get_by_label("First name", exact=True).fill("Jayden")
    _fill_date(page, "Date of birth", dt.date(2013, 2, 1))
    page.get_by_role("group", name="Date of birth").get_by_label("Day").fill("31")
    page.get_by_role("button", name="Save child").click()
    _error_summary(page).get_by_role("link", name="Date of birth must be a real date").click()
    day = page.get_by_role("group", name="Date of birth").get_by_label("Day")
    expect(day).to_be_focused(timeout=2_000)


def test_evidence_funding_and_comments_are_recorded_on_accessible_forms(
    page, people, sign_in, assert_accessible
):
    referral = submitted(people["sw"])
    _as(page, people["tm"], sign_in)
    page.goto(f"/referrals/{referral.pk}/")
    expect(_h1(page)).to_have_text(f"Referral {referral.reference}")

    def evidence():
        _radio(page, "Who agreed the education or therapy?", "SEND or Virtual School")
        page.get_by_label("Name and role of the person who agreed it").fill("Jo Head, SEND")
        _fill_date(page, "Date agreed", timezone.localdate())

    def funding():
        page.get_by_label("Approved by (name and role)").fill("Sunita Rao, Head of Service")
        page.get_by_label("Approved amount a week, in pounds").fill("4500")
        _fill_date(page, "Date approved", timezone.localdate())

    def comment():
        _radio(page, "Who is the comment from?", "Independent reviewing officer")
        page.get_by_label("Their name").fill("Pat Reviewer")
        page.get_by_label("Their comment").fill("Agrees with the plan.")

    forms = [
        # (the Record link, the form's heading, its first error, filling it in, then shown)
        (
            "Record evidence of agreement",
            "Evidence of agreement",
            "Select who agreed it",
            evidence,
            "Jo Head, SEND (SEND or Virtual School)",
        ),
        (
            "Record a funding approval",
            "Funding approval",
            "Enter who gave the funding approval",
            funding,
            "£4,500.00 a week, Sunita Rao, Head of Service",
        ),
        (
            "Record a comment from the IRO or Virtual School",
            "Comment",
            "Select who the comment is from",
            comment,
            "Pat Reviewer (Independent reviewing officer): Agrees with the plan.",
        ),
    ]
    for link, title, first_error, fill, shown in forms:
        page.get_by_role("link", name=link).click()
        expect(_h1(page)).to_have_text(title)
        assert_accessible(page)
        page.get_by_role("button", name="Save").click()
        expect(_error_summary(page).get_by_role("link").first).to_have_text(first_error)
        assert_accessible(page)
        fill()
        page.get_by_role("button", name="Save").click()
        expect(_h1(page)).to_have_text(f"Referral {referral.reference}")
        _success(page, f"{title} recorded.")
        expect(page.get_by_role("main")).to_contain_text(shown)
    assert_accessible(page)


def test_a_social_worker_in_another_team_cannot_open_the_referral(
    page, people, make_person, sign_in, assert_accessible
):
    referral = submitted(people["sw"])
    elsewhere = TeamFactory(name="Children in Care South", service=ServiceFactory(name="South"))
    outsider = make_person(
        Role.SOCIAL_WORKER, full_name="Olly Outsider", email="olly@council.example", team=elsewhere
    )
    _as(page, outsider, sign_in)
    _open_referrals(page)
    expect(page.get_by_role("table")).to_contain_text("No referrals to show.")
    expect(page.get_by_role("link", name=referral.reference)).to_have_count(0)

    for path in (
        f"/referrals/{referral.pk}/",
        f"/referrals/{referral.pk}/submit/",
        f"/approvals/referrals/{referral.pk}/decision/",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        expect(_h1(page)).to_have_text("Page not found")
        expect(page.get_by_role("main")).not_to_contain_text("Jayden")
    assert_accessible(page)
