"""An emergency's rounds are answered in working hours, chased at half-time; the duty lead
sets the hours for a round."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from placements.calendar import LONDON
from placements.models import CouncilSettings, OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import ProviderRequest, Referral, SearchRound
from referrals.pack import services as pack_services
from referrals.search import rounds, scan
from tests.journeys import complete_draft, in_house_provider, searchable

pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def people(make_user):
    return {
        "sw": make_user(Role.SOCIAL_WORKER),
        "duty": make_user(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, team=None),
        "officer": make_user(Role.BROKERAGE_OFFICER, team=None),
    }


def accepted_emergency(people) -> Referral:
    """Submitted as an emergency, accepted by the duty lead, its pack released."""
    draft = complete_draft(people["sw"])
    drafting.referral_update_needs(
        referral=draft, values={"kind": Referral.Kind.EMERGENCY}, actor=people["sw"]
    )
    referral = drafting.referral_submit(referral=draft, actor=people["sw"])
    referral = brokerage.referral_emergency_accept(referral=referral, actor=people["duty"])
    pack = pack_services.pack_prepare(referral=referral, actor=people["duty"])
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Safe to send", actor=people["duty"])
    pack_services.pack_release(resource_request=pack, actor=people["duty"])
    in_house_provider()
    return referral


def in_house_round(referral, actor) -> SearchRound:
    (first,) = rounds.round_start(referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=actor)
    return first


def test_an_emergency_round_is_due_in_four_working_hours_and_chased_at_half_time(people):
    referral = accepted_emergency(people)
    draft = in_house_round(referral, people["officer"])
    sent = rounds.round_send(
        search_round=draft, actor=people["officer"], now=at(2026, 11, 27, 15, 0)
    )
    # Friday 15:00: two hours on Friday, two on Monday morning; chased at 17:00 Friday.
    assert sent.deadline_at == at(2026, 11, 30, 11, 0)
    assert sent.chase_at == at(2026, 11, 27, 17, 0)
    message = OutboxMessage.objects.get(key__startswith="provider_request:")
    assert "11:00 on Monday 30 November 2026" in message.body_text
    # The 15-minute scan chases at half-time, not a working day before.
    assert scan.chasers_send(now=at(2026, 11, 27, 16, 45)) == 0
    assert scan.chasers_send(now=at(2026, 11, 27, 17, 0)) == 1
    assert ProviderRequest.objects.get(round=sent).chased_at == at(2026, 11, 27, 17, 0)


def test_a_planned_round_is_still_due_in_working_days(people):
    referral = searchable(people["sw"], people["officer"])
    in_house_provider()
    draft = in_house_round(referral, people["officer"])
    sent = rounds.round_send(search_round=draft, actor=people["officer"], now=at(2026, 11, 23, 10))
    assert sent.deadline_at == at(2026, 11, 30, 17)  # standard: five working days


def test_the_duty_lead_sets_the_hours_for_a_round(people):
    referral = accepted_emergency(people)
    draft = in_house_round(referral, people["duty"])
    with pytest.raises(DomainError, match="Only the duty lead"):
        rounds.round_set_response_hours(search_round=draft, hours=2, actor=people["officer"])
    with pytest.raises(DomainError, match="from 1 to 40"):
        rounds.round_set_response_hours(search_round=draft, hours=0, actor=people["duty"])
    rounds.round_set_response_hours(search_round=draft, hours=2, actor=people["duty"])
    sent = rounds.round_send(search_round=draft, actor=people["duty"], now=at(2026, 11, 23, 10))
    assert (sent.deadline_at, sent.chase_at) == (at(2026, 11, 23, 12), at(2026, 11, 23, 11))
    # Only an emergency's rounds are answered in hours.
    planned = searchable(people["sw"], people["officer"])
    with pytest.raises(DomainError, match="Only an emergency"):
        rounds.round_set_response_hours(
            search_round=in_house_round(planned, people["duty"]), hours=2, actor=people["duty"]
        )


def test_the_round_page_lets_the_duty_lead_set_hours_with_clear_errors(client, people):
    referral = accepted_emergency(people)
    draft = in_house_round(referral, people["duty"])
    url = reverse("referrals:round", kwargs={"pk": referral.pk, "round_pk": draft.pk})
    client.force_login(people["officer"])
    page = client.get(url).content.decode()
    assert "providers answer within 4 working hours of sending" in page
    assert 'name="response_hours"' not in page
    client.force_login(people["duty"])
    assert 'name="response_hours"' in client.get(url).content.decode()
    for typed, message in [
        ("four", "Enter the number of working hours as a whole number, like 4"),
        ("0", "Enter at least 1 working hour"),
        ("41", "Enter 40 working hours or fewer"),
    ]:
        page = client.post(url, {"action": "hours", "response_hours": typed}).content.decode()
        assert message in page and "govuk-error-summary" in page
        assert f'value="{typed}"' in page
    draft.refresh_from_db()
    assert draft.response_hours is None
    assert client.post(url, {"action": "hours", "response_hours": "3"}).status_code == 302
    draft.refresh_from_db()
    assert draft.response_hours == 3


def test_the_open_round_shows_the_time_and_an_emergency_extends_to_a_time(client, people):
    referral = accepted_emergency(people)
    draft = in_house_round(referral, people["duty"])
    with time_machine.travel(at(2026, 11, 23, 10), tick=False):
        sent = rounds.round_send(search_round=draft, actor=people["duty"])
        client.force_login(people["duty"])
        url = reverse("referrals:round", kwargs={"pk": referral.pk, "round_pk": sent.pk})
        page = client.get(url).content.decode()
        assert "14:00 on Monday 23 November 2026" in page and "Closes today at 14:00" in page
        extend = reverse("referrals:round-extend", kwargs={"pk": referral.pk, "round_pk": sent.pk})
        refused = client.post(
            extend,
            {"day_0": "23", "day_1": "11", "day_2": "2026", "at": "3pm", "reason": "x"},
        ).content.decode()
        assert "Enter a time using the 24-hour clock, like 14:30" in refused
        response = client.post(
            extend,
            {
                "day_0": "23",
                "day_1": "11",
                "day_2": "2026",
                "at": "16:30",
                "reason": "Two providers asked for longer",
            },
        )
        assert response.status_code == 302, response.content.decode()
    sent.refresh_from_db()
    assert sent.deadline_at == at(2026, 11, 23, 16, 30)
    # Chased at half the working time left from the moment it was extended.
    assert sent.chase_at == at(2026, 11, 23, 13, 15)


def test_the_council_sets_the_emergency_hours_and_the_working_day(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("council-settings")
    form = client.get(url).context["form"]
    values = {name: value for name, value in form.initial.items() if value is not None}
    values.update(working_day_start_hour="18", response_deadline_hour="17")
    page = client.post(url, values).content.decode()
    assert "Working hours must start before the hour at which deadlines fall" in page
    values.update(working_day_start_hour="8", emergency_response_working_hours="6")
    assert client.post(url, values).status_code == 302
    council = CouncilSettings.load()
    assert (council.working_day_start_hour, council.emergency_response_working_hours) == (8, 6)
