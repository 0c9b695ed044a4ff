"""The action list refreshes itself without moving anyone (WCAG 2.2: 2.2.2, 2.4.3, 4.1.3).

An officer tabs to a referral on the list. Referrals arrive and change in the
background; the list takes them in while the officer's focus stays on the same link
of the same referral, in the same place on the screen, and a polite status says what
changed. Paused, the list asks the server nothing until it is resumed, and stays
paused when the page is opened again in the same tab. axe checks the page.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.roles import Role
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import Referral
from tests.journeys import complete_draft

pytestmark = pytest.mark.browser

TODAY = timezone.localdate()
INTERVAL_SECONDS = 1


@pytest.fixture
def officer(make_person):
    return make_person(Role.BROKERAGE_OFFICER, full_name="Olu Officer", email="olu@council.example")


@pytest.fixture
def social_worker(make_person, team):
    return make_person(Role.SOCIAL_WORKER, team=team)


def referral_with(social_worker, *, days, kind=Referral.Kind.PLANNED):
    draft = complete_draft(social_worker)
    drafting.referral_update_needs(
        referral=draft,
        values={"kind": kind, "is_urgent": False, "date_needed": TODAY + dt.timedelta(days=days)},
        actor=social_worker,
    )
    return drafting.referral_submit(referral=draft, actor=social_worker)


def focused_key(page):
    return page.evaluate("document.activeElement?.dataset.focusKey ?? null")


def tab_to(page, key, *, most=120):
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused_key(page) == key:
            return
    raise AssertionError(f"never reached {key} with the Tab key")


def top_of(page, selector):
    return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")


def test_the_refresh_keeps_focus_and_place_says_what_changed_and_pauses(
    page, settings, officer, social_worker, sign_in, assert_accessible
):
    settings.ACTION_LIST_REFRESH_SECONDS = INTERVAL_SECONDS
    listed = [referral_with(social_worker, days=10 + n) for n in range(8)]
    chosen = listed[5]
    refreshes = []
    page.on(
        "request",
        lambda request: (
            refreshes.append(request.url) if "x-background-refresh" in request.headers else None
        ),
    )
    page.set_viewport_size({"width": 1280, "height": 500})
    sign_in(page, officer)
    page.goto("/referrals/action-list/")
    status = page.locator("#action-list-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("button", name="Pause automatic updates")).to_be_visible()
    expect(page.locator("#action-rows tr[data-referral]")).to_have_count(8)

    # The officer tabs to one referral's link, lower down the page.
    reference = f"reference-{chosen.pk}"
    tab_to(page, reference)
    page.evaluate("document.activeElement.markedByTheTest = true")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0, "the chosen row should be below the first screen"
    link_top = top_of(page, f'[data-focus-key="{reference}"]')

    # A referral needed later than the rest arrives: it goes below the officer's row.
    later = referral_with(social_worker, days=40)
    expect(status).to_have_text("Action list updated: 1 new referral.")
    expect(page.locator(f'tr[data-referral="{later.pk}"]')).to_have_count(1)
    assert page.evaluate("document.activeElement.markedByTheTest === true"), (
        "the focused link was replaced"
    )
    assert focused_key(page) == reference
    assert page.evaluate("window.scrollY") == scrolled
    assert top_of(page, f'[data-focus-key="{reference}"]') == link_top

    # On to the same referral's Manage link. An emergency arrives at the top, and the
    # officer's own referral changes (its next action cell, with the link, is redrawn).
    manage = f"manage-{chosen.pk}"
    page.keyboard.press("Tab")
    assert focused_key(page) == manage
    page.evaluate("document.activeElement.markedByTheTest = true")
    manage_top = top_of(page, f'[data-focus-key="{manage}"]')
    emergency = referral_with(social_worker, days=30, kind=Referral.Kind.EMERGENCY)
    brokerage.referral_set_next_action(
        referral=chosen, next_action="Call Horizon", due=TODAY, actor=officer
    )
    expect(status).to_have_text("Action list updated: 1 new referral, 1 changed.")
    first_row = page.locator("#action-rows tbody tr").first
    expect(first_row).to_have_attribute("data-referral", str(emergency.pk))
    expect(page.locator(f'tr[data-referral="{chosen.pk}"]')).to_contain_text("Call Horizon")
    # The same link of the same referral has focus (a new element: its cell changed),
    # still where it was on the screen: the page scrolled by the row added above.
    assert focused_key(page) == manage
    assert page.evaluate("document.activeElement.markedByTheTest !== true")
    assert abs(top_of(page, f'[data-focus-key="{manage}"]') - manage_top) < 1
    assert page.evaluate("window.scrollY") > scrolled
    assert_accessible(page)

    # Paused: no more requests, nothing changes, however long it waits.
    pause = page.get_by_role("button", name="Pause automatic updates")
    pause.focus()
    page.keyboard.press("Enter")
    resume = page.get_by_role("button", name="Resume automatic updates")
    expect(resume).to_be_focused()
    expect(status).to_have_text("Automatic updates paused.")
    asked = len(refreshes)
    paused_arrival = referral_with(social_worker, days=2)
    page.wait_for_timeout(INTERVAL_SECONDS * 3500)
    assert len(refreshes) == asked
    expect(page.locator(f'tr[data-referral="{paused_arrival.pk}"]')).to_have_count(0)
    expect(status).to_have_text("Automatic updates paused.")
    assert_accessible(page)

    # Still paused when the list is opened again in this tab.
    page.reload()
    expect(page.get_by_role("button", name="Resume automatic updates")).to_be_visible()
    page.wait_for_timeout(INTERVAL_SECONDS * 2500)
    assert len(refreshes) == asked

    # Resumed: it catches up at once and carries on.
    page.get_by_role("button", name="Resume automatic updates").click()
    expect(page.get_by_role("button", name="Pause automatic updates")).to_be_visible()
    expect(status).to_have_text("Automatic updates resumed.")
    assert len(refreshes) > asked
    late = referral_with(social_worker, days=50)
    expect(status).to_have_text("Action list updated: 1 new referral.")
    expect(page.locator(f'tr[data-referral="{late.pk}"]')).to_have_count(1)

    # A referral leaves the list while its link has focus: focus goes to the row now in
    # its place, not to the top of the page.
    leaving, next_one = listed[6], listed[7]
    page.locator(f'[data-focus-key="reference-{leaving.pk}"]').focus()
    drafting.referral_withdraw(referral=leaving, reason="Placed by family", actor=social_worker)
    expect(status).to_have_text("Action list updated: 1 no longer listed.")
    assert focused_key(page) == f"reference-{next_one.pk}"


def test_without_javascript_the_list_is_as_drawn_with_no_pause_button(
    page_without_js, settings, officer, social_worker, sign_in
):
    settings.ACTION_LIST_REFRESH_SECONDS = INTERVAL_SECONDS
    referral = referral_with(social_worker, days=10)
    sign_in(page_without_js, officer)
    page_without_js.goto("/referrals/action-list/")
    expect(page_without_js.locator(f'tr[data-referral="{referral.pk}"]')).to_have_count(1)
    expect(page_without_js.get_by_role("button", name="Pause automatic updates")).to_be_hidden()
    expect(page_without_js.get_by_text("Last updated")).to_be_visible()
    page_without_js.get_by_role("link", name="Refresh").click()
    expect(page_without_js.locator(f'tr[data-referral="{referral.pk}"]')).to_have_count(1)
