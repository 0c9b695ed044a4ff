import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.middleware import SESSION_LAST_SEEN
from placements.roles import Role
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import ChronologyEntry, Referral
from tests.journeys import approved, complete_draft, submitted

pytestmark = pytest.mark.django_db
Status = Referral.Status
TODAY = timezone.localdate()


@pytest.fixture
def social_worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def duty_lead(make_user):
    return make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None, full_name="Dee Duty")


@pytest.fixture
def officer(make_user):
    return make_user(Role.BROKERAGE_OFFICER, team=None, full_name="Olu Officer")


def referral_with(social_worker, *, kind=Referral.Kind.PLANNED, urgent=False, days=14):
    draft = complete_draft(social_worker)
    drafting.referral_update_needs(
        referral=draft,
        values={"kind": kind, "is_urgent": urgent, "date_needed": TODAY + dt.timedelta(days=days)},
        actor=social_worker,
    )
    return drafting.referral_submit(referral=draft, actor=social_worker)


def rows(client, **params):
    response = client.get(reverse("referrals:action-list"), params)
    assert response.status_code == 200
    return [r.pk for r in response.context["page"]]


def test_emergencies_first_then_priority_then_date_needed_then_oldest(
    client, social_worker, duty_lead
):
    later = referral_with(social_worker, days=20)
    sooner = referral_with(social_worker, days=5)
    emergency = referral_with(social_worker, kind=Referral.Kind.EMERGENCY, days=30)
    high = referral_with(social_worker, days=25)
    brokerage.referral_set_priority(referral=high, priority=Referral.Priority.HIGH, actor=duty_lead)
    same_day_older = referral_with(social_worker, days=5)
    complete_draft(social_worker)  # drafts never show
    client.force_login(duty_lead)
    assert rows(client) == [emergency.pk, high.pk, sooner.pk, same_day_older.pk, later.pk]


def test_each_filter(client, social_worker, duty_lead, officer):
    mine = referral_with(social_worker)
    brokerage.referral_assign(referral=mine, officer=officer, actor=duty_lead)
    urgent = referral_with(social_worker, urgent=True)
    overdue = referral_with(social_worker)
    brokerage.referral_set_next_action(
        referral=overdue, next_action="Chase", due=TODAY, actor=officer
    )
    Referral.objects.filter(pk=overdue.pk).update(next_action_due=TODAY - dt.timedelta(days=1))
    awaiting_qa = approved(social_worker)
    returned = brokerage.referral_qa_return(
        referral=approved(social_worker), actor=officer, requests=["More"]
    )
    client.force_login(officer)
    assert rows(client, show="mine") == [mine.pk]
    assert mine.pk not in rows(client, show="unassigned")
    assert rows(client, show="urgent") == [urgent.pk]
    assert rows(client, show="overdue") == [overdue.pk]
    assert set(rows(client, show="awaiting_approval")) == {mine.pk, urgent.pk, overdue.pk}
    assert rows(client, show="awaiting_qa") == [awaiting_qa.pk]
    assert rows(client, show="awaiting_social_worker") == [returned.pk]
    assert rows(client, show=["mine", "urgent"]) == []  # filters narrow together


def test_a_page_uses_a_fixed_number_of_queries(client, social_worker, duty_lead):
    client.force_login(duty_lead)
    referral_with(social_worker)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("referrals:action-list"), {"show": "unassigned"})
        return len(ctx)

    count()
    few = count()
    for n in range(12):
        referral = referral_with(social_worker, days=3 + n)
        brokerage.referral_set_next_action(
            referral=referral, next_action="Call", due=TODAY, actor=duty_lead
        )
    assert count() == few


def test_background_refresh_gets_the_rows_only_and_is_not_activity(client, social_worker, officer):
    referral_with(social_worker)
    client.force_login(officer)
    client.get(reverse("referrals:action-list"))
    session = client.session
    session[SESSION_LAST_SEEN] = session[SESSION_LAST_SEEN] - 600
    session.save()
    before = client.session[SESSION_LAST_SEEN]
    response = client.get(
        reverse("referrals:action-list"),
        headers={"HX-Request": "true", "X-Background-Refresh": "1"},
    )
    content = response.content.decode()
    url = reverse("referrals:action-list")
    assert content.lstrip().startswith(f'<div id="action-rows" data-refresh-url="{url}"')
    assert "<html" not in content and 'id="action-list-pause"' not in content
    assert client.session[SESSION_LAST_SEEN] == before


def _versions(client, **params):
    response = client.get(
        reverse("referrals:action-list"),
        params,
        headers={"HX-Request": "true", "X-Background-Refresh": "1"},
    )
    content = response.content.decode()
    return dict(re.findall(r'data-referral="(\d+)" data-version="(\w+)"', content))


def test_each_row_says_when_its_referral_changed(client, social_worker, officer):
    """The background refresh counts new and changed rows by these fingerprints: the
    same while nothing changes, a new one when the referral does."""
    first = referral_with(social_worker)
    second = referral_with(social_worker, days=20)
    client.force_login(officer)
    before = _versions(client)
    assert set(before) == {str(first.pk), str(second.pk)}
    assert _versions(client) == before  # nothing changed, nothing to say
    brokerage.referral_set_next_action(
        referral=second, next_action="Call Horizon", due=TODAY, actor=officer
    )
    after = _versions(client)
    assert after[str(first.pk)] == before[str(first.pk)]
    assert after[str(second.pk)] != before[str(second.pk)]
    third = referral_with(social_worker, days=3)
    assert set(_versions(client)) == {str(first.pk), str(second.pk), str(third.pk)}


def test_the_page_sets_the_refresh_interval_and_a_polite_status(client, officer, settings):
    settings.ACTION_LIST_REFRESH_SECONDS = 7
    client.force_login(officer)
    url = reverse("referrals:action-list")
    page = client.get(url, {"show": "mine"}).content.decode()
    # The pause button is hidden until the script that refreshes shows it.
    assert '<div id="action-list-refresh" data-refresh-seconds="7" hidden>' in page
    assert "Pause automatic updates</button>" in page
    status = (
        '<div id="action-list-status" class="govuk-visually-hidden" role="status"'
        ' aria-live="polite"></div>'
    )
    # Outside the rows, so a refresh never replaces it.
    rows_start = f'<div id="action-rows" data-refresh-url="{url}?show=mine"'
    assert page.index(status) < page.index(rows_start)
    assert "Last updated <time" in page


def test_duty_lead_assigns_and_sets_priority_officer_sets_next_action(
    client, social_worker, duty_lead, officer
):
    referral = referral_with(social_worker)
    url = reverse("referrals:manage", kwargs={"pk": referral.pk})
    client.force_login(duty_lead)
    client.post(url, {"action": "assign", "assign-officer": officer.pk})
    client.post(url, {"action": "priority", "priority-priority": Referral.Priority.HIGH})
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert 'name="assign-officer"' not in page  # the duty lead's forms are not offered
    client.post(url, {"action": "assign", "assign-officer": ""})  # ignored: not theirs to do
    response = client.post(url, {"action": "next_action", "next-next_action": "", "next-due_0": ""})
    assert "Enter the next action" in response.content.decode()
    client.post(
        url,
        {
            "action": "next_action",
            "next-next_action": "Call Horizon",
            "next-due_0": TODAY.day,
            "next-due_1": TODAY.month,
            "next-due_2": TODAY.year,
        },
    )
    referral.refresh_from_db()
    assert referral.assigned_officer == officer
    assert referral.priority == Referral.Priority.HIGH
    assert (referral.next_action, referral.next_action_due) == ("Call Horizon", TODAY)
    texts = [e.text for e in referral.chronology.all()]
    assert f"Assigned to {officer} (was nobody)" in texts
    assert "Priority set to high (was normal)" in texts
    assert f"Next action: Call Horizon, due {TODAY:%-d %B %Y}" in texts


def test_only_the_duty_lead_assigns(social_worker, officer, make_user):
    referral = referral_with(social_worker)
    with pytest.raises(DomainError):
        brokerage.referral_assign(referral=referral, officer=officer, actor=officer)
    duty_lead = make_user(Role.DUTY_LEAD, Role.BROKERAGE_OFFICER, team=None)
    with pytest.raises(DomainError, match="active brokerage officer"):
        brokerage.referral_assign(referral=referral, officer=social_worker, actor=duty_lead)


def test_officer_logs_a_call_in_the_chronology(client, social_worker, officer):
    referral = referral_with(social_worker)
    client.force_login(officer)
    url = reverse("referrals:add-note", kwargs={"pk": referral.pk})
    client.post(url, {"kind": "call", "text": "Called Horizon, no answer"})
    entry = referral.chronology.last()
    assert (entry.kind, entry.text, entry.actor) == (
        ChronologyEntry.Kind.CALL,
        "Called Horizon, no answer",
        officer,
    )
    response = client.post(url, {"kind": "call", "text": ""}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#add-note")
    page = response.content.decode()
    # The error is beside the note form, which is open, not in a banner out of view.
    assert page.count("Enter what happened") == 1
    assert '<p class="govuk-error-message" id="note-error">' in page
    assert '<details class="govuk-details" id="add-note" open>' in page
    assert referral.chronology.count() == 3  # started, submitted, the call


def test_others_cannot_use_the_action_list(client_for, social_worker):
    referral = submitted(social_worker)
    for role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.ADMINISTRATOR):
        client = client_for(role)
        assert client.get(reverse("referrals:action-list")).status_code == 403
        manage = reverse("referrals:manage", kwargs={"pk": referral.pk})
        assert (
            client.post(manage, {"action": "next_action", "next-next_action": "x"}).status_code
            == 403
        )
    referral.refresh_from_db()
    assert referral.next_action == ""


def test_a_background_refresh_after_the_timeout_moves_the_whole_page(client, make_user):
    client.force_login(make_user(Role.BROKERAGE_OFFICER, team=None))
    client.get(reverse("referrals:action-list"))
    session = client.session
    session[SESSION_LAST_SEEN] -= 3600
    session.save()
    response = client.get(
        reverse("referrals:action-list"),
        headers={"HX-Request": "true", "X-Background-Refresh": "1"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("signed-out") + "?reason=idle"


def test_packages_and_placements_show_apart(client, social_worker, officer):
    from tests.journeys import complete_package

    placement = approved(social_worker)
    package = approved(social_worker, draft=complete_package(social_worker, service="home_care"))
    client.force_login(officer)
    assert rows(client, show="placements") == [placement.pk]
    assert rows(client, show="packages") == [package.pk]
    page = client.get(reverse("referrals:action-list")).content.decode()
    assert "Home care (domiciliary care)" in page
