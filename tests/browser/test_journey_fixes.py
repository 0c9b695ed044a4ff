"""The journey's fixes, as people meet them in a browser: an emergency answered in
hours, an option locked to its provider, and stages that move on the action list."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from placements.roles import Role
from referrals.drafting import services as drafting
from referrals.models import Referral, SearchRound
from referrals.pack import services as pack_services
from referrals.search import rounds
from tests.journeys import complete_draft, in_house_provider, offers_in, searchable
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.browser
RESPOND_LINK = re.compile(r"https?://[^\s/]+(/respond/[\w-]+/)")


def _h1(page):
    return page.get_by_role("heading", level=1)


def test_an_emergency_is_alerted_at_once_and_answered_in_hours(
    person_page, make_person, team, assert_accessible
):
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    duty = make_person(
        Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, full_name="Dee Duty", email="dee@council.example"
    )
    in_house_provider(name="Northshire Fostering", referral_emails=["fostering@council.example"])
    draft = complete_draft(social_worker)
    drafting.referral_update_needs(
        referral=draft, values={"kind": Referral.Kind.EMERGENCY}, actor=social_worker
    )

    # The social worker submits and is told what happens next for an emergency.
    worker = person_page(social_worker)
    worker.goto(f"/referrals/{draft.pk}/submit/")
    worker.get_by_role("button", name="Submit referral").click()
    expect(_h1(worker)).to_have_text("Emergency referral submitted")
    expect(worker.get_by_role("main")).to_contain_text(
        "duty lead and the brokerage inbox have been alerted now"
    )
    assert_accessible(worker)

    # The duty lead accepts it for immediate search.
    lead = person_page(duty)
    lead.goto(f"/referrals/{draft.pk}/")
    lead.get_by_role("link", name="Accept for immediate search").click()
    lead.get_by_role("button", name="Accept for immediate search").click()
    referral = Referral.objects.get(pk=draft.pk)
    assert referral.status == Referral.Status.ACCEPTED
    pack = pack_services.pack_prepare(referral=referral, actor=duty)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Safe to send", actor=duty)
    pack_services.pack_release(resource_request=pack, actor=duty)
    (draft_round,) = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=duty
    )

    # On the round, the duty lead gives providers two working hours, not days.
    lead.goto(f"/referrals/{referral.pk}/rounds/{draft_round.pk}/")
    hours = lead.get_by_label("Providers answer within (working hours)")
    expect(lead.get_by_role("main")).to_contain_text("An emergency: 4 working hours")
    hours.fill("two")
    lead.get_by_role("button", name="Set the hours").click()
    expect(lead.locator(".govuk-error-summary")).to_contain_text(
        "Enter the number of working hours as a whole number, like 4"
    )
    assert_accessible(lead)
    lead.get_by_label("Providers answer within (working hours)").fill("2")
    lead.get_by_role("button", name="Set the hours").click()
    lead.get_by_role("button", name=re.compile("Send the round")).click()
    sent = SearchRound.objects.get(pk=draft_round.pk)
    assert sent.status == SearchRound.Status.OPEN and sent.response_hours == 2
    due = timezone.localtime(sent.deadline_at)
    expect(lead.get_by_role("main")).to_contain_text(f"{due:%H:%M} on {due:%A %-d %B %Y}")
    assert sent.chase_at < sent.deadline_at
    assert_accessible(lead)


def test_options_lock_the_offer_and_the_stage_moves_on_the_action_list(
    person_page, make_person, team, assert_accessible
):
    social_worker = make_person(Role.SOCIAL_WORKER, team=team, full_name="Sam Social")
    officer = make_person(Role.BROKERAGE_OFFICER, full_name="Bo Broker", email="bo@council.example")
    in_house_provider(name="Northshire Fostering", referral_emails=["fostering@council.example"])
    for name, email in [
        ("Ashdown Fostering", "referrals@ashdown.example"),
        ("Birchwood Families", "referrals@birchwood.example"),
        ("Quiet Homes", "referrals@quiet.example"),
    ]:
        ProviderFactory(name=name, referral_emails=[email])
    referral = searchable(social_worker, officer)
    offers_in(
        referral,
        officer,
        {"Ashdown Fostering": Decimal("2710.00"), "Birchwood Families": Decimal("4300.00")},
    )

    # The officer is warned that Quiet Homes (and the in-house service) have not answered.
    desk = person_page(officer)
    desk.goto(f"/referrals/{referral.pk}/offers/")
    expect(desk.get_by_role("main")).to_contain_text("providers have not answered yet")
    assert_accessible(desk)
    desk.get_by_label("Send Ashdown Fostering's offer").check()
    desk.get_by_role("button", name="Send the chosen offers to the social worker").click()
    expect(desk.get_by_role("alert").filter(has_text="Success")).to_contain_text(
        "1 option sent to the social worker"
    )
    expect(desk.get_by_role("main")).not_to_contain_text("have not answered yet")

    # The stage and the next action show on the action list.
    desk.goto("/referrals/action-list/")
    row = desk.get_by_role("row", name=re.compile(referral.reference))
    expect(row).to_contain_text("Options with the social worker")
    expect(row).to_contain_text("Wait for the social worker to choose an option")
    assert_accessible(desk)

    # Ashdown cannot raise its fee now: its link offers withdrawal only.
    (request_email,) = [
        m for m in mail.outbox if "referrals@ashdown.example" in m.to and "/respond/" in m.body
    ]
    provider = person_page()
    provider.goto(RESPOND_LINK.search(request_email.body).group(1))
    expect(provider.get_by_role("main")).to_contain_text("can no longer be changed")
    expect(provider.get_by_role("link", name="Change your offer")).to_have_count(0)
    expect(provider.get_by_role("link", name="Withdraw your offer")).to_be_visible()
    assert_accessible(provider)

    # The social worker declines every option; the officer's next action says so.
    worker = person_page(social_worker)
    worker.goto(f"/referrals/{referral.pk}/")
    worker.get_by_role("link", name="Compare the options and choose").click()
    worker.get_by_text("None of these meets the child's needs").click()
    worker.get_by_label("Why none of the options meets the child's needs").fill(
        "Too far from his school"
    )
    worker.get_by_role("button", name="Decline every option").click()
    desk.goto("/referrals/action-list/")
    row = desk.get_by_role("row", name=re.compile(referral.reference))
    expect(row).to_contain_text("Searching")
    expect(row).to_contain_text("The social worker declined every option")
    # Its rounds closed when the options went: nothing still "waiting for answers".
    desk.goto(f"/referrals/{referral.pk}/search/")
    expect(desk.get_by_role("main")).not_to_contain_text("Waiting for answers")
