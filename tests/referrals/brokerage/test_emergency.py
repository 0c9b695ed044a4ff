import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from placements.models import CouncilSettings, OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.brokerage.selectors import action_list
from referrals.drafting import services as drafting
from referrals.models import ProviderRequest, Referral, SearchRound
from referrals.pack import services as pack_services
from referrals.permission import services as permission
from referrals.search import rounds
from referrals.selectors import referrals_waiting_for
from tests.journeys import complete_draft, in_house_provider

pytestmark = pytest.mark.django_db


def outbox_messages():
    return list(OutboxMessage.objects.order_by("pk"))


Status = Referral.Status
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def people(make_user):
    return {
        "sw": make_user(Role.SOCIAL_WORKER),
        "tm": make_user(Role.TEAM_MANAGER),
        "sl": make_user(Role.SERVICE_LEAD),
        "duty": make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None),
        "officer": make_user(Role.BROKERAGE_OFFICER, team=None),
    }


def emergency(people):
    draft = complete_draft(people["sw"])
    drafting.referral_update_needs(
        referral=draft, values={"kind": Referral.Kind.EMERGENCY}, actor=people["sw"]
    )
    return drafting.referral_submit(referral=draft, actor=people["sw"])


def test_duty_lead_accepts_an_emergency_and_approvals_fall_due_next_working_day(people):
    # Friday 24 December 2027, 22:00: Christmas and Boxing Day fall at the weekend, so
    # the bank holidays are Monday 27 and Tuesday 28; the next working day is the 29th.
    with time_machine.travel(dt.datetime(2027, 12, 24, 22, 0, tzinfo=LONDON), tick=False):
        referral = brokerage.referral_emergency_accept(
            referral=emergency(people), actor=people["duty"]
        )
    assert referral.status == Status.ACCEPTED
    assert referral.approvals_due_at == dt.datetime(2027, 12, 29, 17, 0, tzinfo=LONDON)
    assert referral.approvals_outstanding
    assert "due by 29 December 2027, 17:00" in referral.chronology.last().text


def test_only_the_duty_lead_and_only_for_emergencies(people):
    referral = emergency(people)
    with pytest.raises(DomainError):
        brokerage.referral_emergency_accept(referral=referral, actor=people["officer"])
    planned = drafting.referral_submit(referral=complete_draft(people["sw"]), actor=people["sw"])
    with pytest.raises(DomainError):
        brokerage.referral_emergency_accept(referral=planned, actor=people["duty"])


def test_approvals_after_the_emergency_are_recorded_and_clear_the_flag(people):
    referral = brokerage.referral_emergency_accept(referral=emergency(people), actor=people["duty"])
    assert [r.pk for r in referrals_waiting_for(people["tm"])] == [referral.pk]
    assert list(referrals_waiting_for(people["sl"])) == []
    referral = permission.search_endorse(referral=referral, actor=people["tm"], comments="Agreed")
    assert referral.status == Status.ACCEPTED and referral.endorsed_at
    assert referral.approvals_outstanding
    assert [r.pk for r in referrals_waiting_for(people["sl"])] == [referral.pk]
    referral = permission.search_approve(referral=referral, actor=people["sl"], comments="Agreed")
    assert referral.status == Status.ACCEPTED and not referral.approvals_outstanding
    assert "(after the emergency acceptance)" in referral.chronology.last().text


def test_outstanding_approvals_show_in_the_filter_and_go_overdue(client, people):
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=LONDON), tick=False):
        referral = brokerage.referral_emergency_accept(
            referral=emergency(people), actor=people["duty"]
        )
    today = dt.date(2026, 11, 25)
    waiting = action_list(people["officer"], filters=["awaiting_approval"], today=today)
    assert referral in waiting
    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=LONDON), tick=False):
        referral.refresh_from_db()
        assert referral.approvals_overdue
        client.force_login(people["officer"])
        page = client.get(reverse("referrals:action-list")).content.decode()
        assert "Approvals overdue" in page


def test_emergency_page_only_for_the_duty_lead(client, people):
    referral = emergency(people)
    url = reverse("referrals:emergency-accept", kwargs={"pk": referral.pk})
    client.force_login(people["officer"])
    assert client.post(url).status_code == 404
    client.force_login(people["duty"])
    assert (
        b"Accept for immediate search"
        in client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content
    )
    client.post(url)
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_a_withdrawn_emergency_owes_no_approvals(client, people):
    referral = brokerage.referral_emergency_accept(referral=emergency(people), actor=people["duty"])
    referral = drafting.referral_withdraw(
        referral=referral, reason="Returned home", actor=people["sw"]
    )
    assert referral.status == Status.WITHDRAWN and not referral.approvals_outstanding
    client.force_login(people["sw"])
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert "Warning</span>Accepted as an emergency" not in page
    assert list(referrals_waiting_for(people["tm"])) == []


def _searching_emergency(people):
    """An emergency the duty lead accepted, its pack released and the in-house round out."""
    referral = brokerage.referral_emergency_accept(referral=emergency(people), actor=people["duty"])
    pack = pack_services.pack_prepare(referral=referral, actor=people["duty"])
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Safe to send", actor=people["duty"])
    pack_services.pack_release(resource_request=pack, actor=people["duty"])
    in_house_provider()
    (first,) = rounds.round_start(
        referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=people["duty"]
    )
    rounds.round_send(search_round=first, actor=people["duty"])
    referral.refresh_from_db()
    return referral


def test_the_team_manager_returns_an_emergency_being_searched_and_the_search_stops(client, people):
    referral = _searching_emergency(people)
    client.force_login(people["tm"])
    page = client.get(reverse("referrals:search-decision", kwargs={"pk": referral.pk}))
    assert "Return to the social worker with reasons" in page.content.decode()
    response = client.post(
        reverse("referrals:search-decision", kwargs={"pk": referral.pk}),
        {"decision": "return", "comments": "Say why kinship care was ruled out"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.RETURNED
    assert referral.emergency_accepted_at is None and not referral.approvals_outstanding
    # The provider's link is revoked and they are told, without the manager's words.
    request = ProviderRequest.objects.get(round__referral=referral)
    assert request.revoked_at is not None
    assert request.round.status == SearchRound.Status.CLOSED
    withdrawn = [m for m in outbox_messages() if m.key.startswith("provider_withdrawn:")]
    assert len(withdrawn) == 1 and "kinship" not in withdrawn[0].body_text.lower()
    returned = [m for m in outbox_messages() if m.key.startswith("referral_returned:")]
    assert returned and returned[0].to == [people["sw"].email]
    # Resubmitted, it is an emergency again, for the duty lead to accept again.
    referral = drafting.referral_submit(referral=referral, actor=people["sw"])
    referral = brokerage.referral_emergency_accept(referral=referral, actor=people["duty"])
    assert referral.status == Status.ACCEPTED and referral.approvals_outstanding


def test_once_approved_an_emergency_is_no_longer_returned(people):
    referral = brokerage.referral_emergency_accept(referral=emergency(people), actor=people["duty"])
    referral = permission.search_endorse(referral=referral, actor=people["tm"], comments="Agreed")
    referral = permission.search_approve(referral=referral, actor=people["sl"], comments="Agreed")
    with pytest.raises(DomainError):
        permission.search_return(referral=referral, actor=people["tm"], comments="Too late")
    with pytest.raises(DomainError):
        permission.search_return(referral=referral, actor=people["sl"], comments="Too late")


def test_an_emergency_alerts_the_duty_lead_and_the_inbox_at_submission(client, people):
    referral = emergency(people)
    alerts = OutboxMessage.objects.filter(key__startswith="referral_emergency_submitted:")
    (alert,) = alerts
    assert people["duty"].email in alert.to
    assert CouncilSettings.load().contact_email in alert.to
    assert people["officer"].email not in alert.to
    assert "Emergency referral" in alert.subject and referral.reference in alert.subject
    client.force_login(people["sw"])
    page = client.get(reverse("referrals:submitted", kwargs={"pk": referral.pk})).content.decode()
    assert "Emergency referral submitted" in page
    assert "duty lead and the brokerage inbox have been alerted now" in page
    # A planned referral alerts nobody in brokerage before its approvals.
    drafting.referral_submit(referral=complete_draft(people["sw"]), actor=people["sw"])
    assert alerts.count() == 1
