"""A home care package from Part A to a countersigned Part C, as each person does it.

The social worker starts a referral for home care and fills in Part A: the child (with
mobility and the school's holidays), Mum as the principal contact, the dates and the
panel's approval, what the carer will do, and the weekly tables: term-time mornings in a
window and two evenings, holiday mornings. The permission to search, brokerage's check
and the pack follow through the services (their pages are walked elsewhere). The round
goes to the two home care providers covering the child's area; one answers Part B
through its link covering the whole pattern, the other (through the services) only the
mornings. The officer compares the answers and awards the package; the council approves
packages by the panel, so the officer confirms the start date and sends the agreement;
the provider signs it through its link, where it finds the family's contact; the duty
lead countersigns; the tracker shows the package with its weekly hours. axe checks
every page seen.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from placements.models import CouncilSettings
from placements.roles import Role
from providers.services import area_save
from referrals.brokerage import services as brokerage
from referrals.models import Referral
from referrals.pack import services as pack_services
from referrals.permission import services as permission
from referrals.search import rounds
from tests.journeys import lot_provider, package_offer

pytestmark = pytest.mark.browser

RESPOND_LINK = re.compile(r"https?://[^\s/]+(/respond/[\w-]+/)")
SIGN_LINK = re.compile(r"https?://[^\s/]+(/sign/[\w-]+/)")
START = dt.date.today() + dt.timedelta(days=21)


@pytest.fixture
def people(make_person, team):
    admin = make_person(Role.ADMINISTRATOR, full_name="Ada Admin", email="ada@council.example")
    city = area_save(name="City", districts="LE1, LE2", actor=admin)
    lot_provider(
        "home-care", areas=[city], name="Ashby Home Care", referral_emails=["a@ashby.example"]
    )
    lot_provider("home-care", areas=[city], name="Brook Care", referral_emails=["b@brook.example"])
    council = CouncilSettings.load()
    council.package_cost_approval = "panel"
    council.save()
    return {
        "sw": make_person(Role.SOCIAL_WORKER, team=team, full_name="Dan Social"),
        "tm": make_person(Role.TEAM_MANAGER, team=team, full_name="Maya Manager"),
        "sl": make_person(Role.SERVICE_LEAD, team=team, full_name="Omar Lead"),
        "officer": make_person(
            Role.BROKERAGE_OFFICER, full_name="Bo Broker", email="bo@council.example"
        ),
        "duty": make_person(
            Role.BROKERAGE_OFFICER,
            Role.DUTY_LEAD,
            full_name="Dee Duty",
            email="dee@council.example",
        ),
    }


def _h1(page):
    return page.get_by_role("heading", level=1)


def _success(page, text):
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(text)


def _date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _radio(page, question, answer):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _add_row(page, *, table, day, starts="", ends="", hours, part=None):
    page.get_by_role("button", name="Add a day and time").click()
    _radio(page, "Which table is this row for?", table)
    _radio(page, "Day", day)
    page.get_by_label("Start time").fill(starts)
    page.get_by_label("End time").fill(ends)
    if part:
        _radio(page, "If no set times, what part of the day?", part)
    page.get_by_label("Hours", exact=True).fill(hours)
    page.get_by_role("button", name="Save", exact=True).click()


def _part_a(page, check):
    """The social worker drafts and submits Part A for home care."""
    page.goto("/referrals/")
    page.get_by_role("button", name="Start a new referral").click()
    page.get_by_label("Home care (domiciliary care)").check()
    page.get_by_role("button", name="Start the referral").click()
    expect(page.get_by_text("You have completed 0 of 5 sections")).to_be_visible()
    check(page)

    page.get_by_role("link", name="The child or children", exact=True).click()
    page.get_by_role("link", name="Add a child").click()
    for label, value in [
        ("First name", "Jayden"),
        ("Last name", "O'Brien"),
        ("Gender", "Male"),
        ("Ethnicity", "White British"),
        ("Religion", "None"),
        ("First language", "English"),
        ("Legal status", "N/A"),
        ("Home address", "12 Mill Lane\nBarnley"),
        ("Postcode", "LE1 6ZG"),
        ("School or nursery", "Barnley Academy"),
        ("Health", "Epilepsy, controlled"),
        ("Behaviours that challenge", "None"),
        ("Risks", "None"),
        ("Interests and what works for them", "Music and swimming"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Special educational needs or disability").fill("Cerebral palsy")
    _date(page, "Date of birth", dt.date(2015, 6, 1))
    _radio(page, "Does the child have mobility issues?", "Yes")
    page.get_by_label("If yes, the equipment and when it is used").fill("Wheelchair outdoors")
    page.get_by_label("The school's holiday dates").fill("As the county calendar")
    check(page)
    page.get_by_role("button", name="Save").click()
    _success(page, "Child saved.")
    page.get_by_role("link", name="Return to the referral").click()

    page.get_by_role("link", name="Family and principal contact").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Full name").fill("Kerry O'Brien")
    page.get_by_label("Relationship to the child").fill("Mum")
    page.get_by_label("This is the principal contact for the package").check()
    page.get_by_label("Principal contact's phone number").fill("07700 900123")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Return to the referral").click()

    page.get_by_role("link", name="Dates, current support and approval").click()
    page.get_by_label("Your phone number").fill("0116 305 0000")
    _date(page, "Start of the service", START)
    _date(page, "End of the service", START + dt.timedelta(days=365))
    page.get_by_label("Dates the family is not available").fill("None")
    _radio(page, "Is this urgent?", "No")
    _radio(
        page, "Is this new support, more support, or a change to current support?", "New support"
    )
    _radio(page, "What approved this support?", "Resource Allocation Panel")
    _date(page, "Approval date", dt.date.today() - dt.timedelta(days=3))
    _radio(page, "Is support needed on bank holidays?", "No")
    check(page)
    page.get_by_role("button", name="Save and return to the referral").click()

    page.get_by_role("link", name="Home care", exact=True).click()
    _add_row(page, table="Term time", day="Monday", starts="07:00", ends="08:30", hours="1")
    _success(page, "1 hour between 07:00 and 08:30")
    # An overlapping row is refused, beside the form.
    _add_row(page, table="Term time", day="Monday", starts="08:00", ends="09:00", hours="1")
    expect(page.locator(".govuk-error-summary")).to_contain_text("This overlaps")
    page.get_by_role("link", name="Cancel").click()
    _add_row(page, table="Term time", day="Tuesday", starts="16:00", ends="18:00", hours="2")
    _add_row(page, table="School holidays", day="Wednesday", hours="3", part="Morning")
    expect(page.get_by_role("table", name="Home care: term time")).to_contain_text("3")
    expect(page.get_by_role("table", name="Home care: school holidays")).to_contain_text(
        "Morning, 3 hours"
    )
    page.get_by_label("What will the carer do?").fill("Getting ready for school; tea")
    page.get_by_label("Additional notes").fill("1 hour between 07:00 and 08:30 on school days")
    check(page)
    page.get_by_role("button", name="Save and return to the referral").click()

    page.get_by_role("link", name="Desired outcomes").click()
    page.get_by_label("Outcome 1").fill("Ready for school on time")
    page.get_by_role("button", name="Save and return to the referral").click()
    expect(page.get_by_text("You have completed 5 of 5 sections")).to_be_visible()
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("table", name="Home care: school holidays")).to_be_visible()
    check(page)
    page.get_by_role("button", name=re.compile("Submit")).click()
    return Referral.objects.get()


def test_a_home_care_package_from_part_a_to_a_countersigned_part_c(
    person_page, people, assert_accessible
):
    checked = set()

    def check(page):
        path = re.sub(r"\d+", "N", page.url.split("?")[0])
        if path not in checked:
            checked.add(path)
            assert_accessible(page)

    social = person_page(people["sw"])
    referral = _part_a(social, check)
    assert referral.status == Referral.Status.SUBMITTED and referral.service == "home_care"

    officer = people["officer"]
    referral = permission.search_endorse(referral=referral, actor=people["tm"], comments="Yes")
    referral = permission.search_approve(referral=referral, actor=people["sl"], comments="Yes")
    referral = brokerage.referral_qa_accept(referral=referral, actor=officer, take_it=True)
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Checked", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    [started] = rounds.round_start(referral=referral, kind="framework", actor=officer)
    search_round = rounds.round_send(search_round=started, actor=officer)
    assert search_round.requests.count() == 2

    # Ashby answers Part B through its link: the whole pattern at £18.50 an hour.
    [email] = [m for m in mail.outbox if "a@ashby.example" in m.to]
    provider = person_page()
    provider.goto(RESPOND_LINK.search(email.body).group(1))
    expect(_h1(provider)).to_have_text("Request for support: home care")
    expect(provider.get_by_text("Kerry")).to_have_count(0)
    check(provider)
    provider.get_by_role("link", name="Say what you can cover").click()
    provider.get_by_label("Your name").fill("Pat Ashby")
    provider.get_by_label("Staff reference").fill("Team North 4")
    provider.get_by_label("Hourly rate", exact=True).fill("18.50")
    _date(provider, "Date you can start", START - dt.timedelta(days=7))
    provider.get_by_label("How will you meet the child's needs and the outcomes?").fill(
        "Two regular carers trained in epilepsy care"
    )
    for select in provider.locator("select[name^=row_]").all():
        select.select_option("standard")
    check(provider)
    provider.get_by_role("button", name="Send your answer").click()
    _success(provider, "Your answer has been sent")
    expect(provider.get_by_text("A term-time week")).to_be_visible()
    # Brook covers the term-time mornings only (through the services).
    mornings = referral.schedule.filter(period="term", starts=dt.time(7))
    package_offer(search_round, "Brook Care", rate="16.00", rows=list(mornings))

    desk = person_page(officer)
    desk.goto(f"/referrals/{referral.pk}/")
    desk.get_by_role("link", name="Answers and the award").click()
    expect(_h1(desk)).to_have_text("Answers and the award")
    table = desk.get_by_role("table", name=re.compile("2 providers"))
    expect(table.locator("tbody th")).to_contain_text(["Ashby Home Care", "Brook Care"])
    expect(table).to_contain_text("Covers part")
    check(desk)
    desk.get_by_role("button", name="Award the package").click()
    expect(desk.locator(".govuk-error-summary")).to_contain_text(
        "Choose who is awarded the home care"
    )
    _radio(desk, "Who is awarded the home care?", "Ashby Home Care")
    desk.get_by_label("Why these providers?").fill("Covers the whole pattern")
    desk.get_by_role("button", name="Award the package").click()
    _success(desk, "Awarded to Ashby Home Care")

    desk.get_by_role("link", name="The placement and its agreement").click()
    expect(_h1(desk)).to_have_text("The package of support")
    _date(desk, "Start date", START)
    desk.get_by_role("button", name="Confirm the start date").click()
    _success(desk, "Start date confirmed")
    check(desk)
    desk.get_by_role("button", name="Send the agreement to the provider to sign").click()
    _success(desk, "sent to Ashby Home Care")

    [to_sign] = [m for m in mail.outbox if "a@ashby.example" in m.to and "/sign/" in m.body]
    provider.goto(SIGN_LINK.search(to_sign.body).group(1))
    expect(provider.get_by_text("Kerry O'Brien")).to_be_visible()
    expect(provider.get_by_text("07700 900123")).to_be_visible()
    check(provider)
    provider.get_by_label("Your full name").first.fill("Pat Ashby")
    provider.get_by_label("Your role").first.fill("Registered manager")
    provider.get_by_label(re.compile("I agree to the terms")).check()
    provider.get_by_role("button", name="Sign the agreement").click()
    _success(provider, "the agreement is signed")

    duty = person_page(people["duty"])
    duty.goto(f"/referrals/{referral.pk}/placement/")
    duty.get_by_label("Your role or job title").fill("Duty lead")
    duty.get_by_label(re.compile("I may countersign it for")).check()
    duty.get_by_role("button", name="Countersign the agreement").click()
    _success(duty, "Countersigned")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PLACED

    duty.goto("/approvals/placements/?kind=home_care")
    row = duty.get_by_role("row", name=re.compile(referral.reference))
    expect(row).to_contain_text("Ashby Home Care")
    expect(row).to_contain_text("Home care")
    expect(row.get_by_role("cell").nth(3)).to_have_text("3")  # hours in the busiest week
    expect(row.get_by_role("cell").nth(4)).to_have_text("£55.50")
    check(duty)
