"""A placement's ending: when, why (the children looked after return's codes), planned or
not, and for an unplanned ending a new referral with the child's details carried over."""

import datetime as dt

import pytest
import time_machine

from approvals.placement.models import EndReason
from approvals.placement.services.ending import placement_end
from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.models import ChronologyEntry, Referral
from referrals.selectors import referral_endorsers
from tests.approvals.conftest import signed_in, url
from tests.journeys import chosen, placed

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def placement(referral, offers, officer, social_worker, head_of_service):
    """Placed a week from today, its agreement countersigned."""
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    return placed(approval, officer, head_of_service).placement


def end_form(day, **values):
    return {
        "ended_on_0": day.day,
        "ended_on_1": day.month,
        "ended_on_2": day.year,
        **values,
    }


def test_a_planned_ending_is_recorded_ahead(placement, officer, social_worker):
    page = url("placement-end", placement.referral, placement_pk=placement.pk)
    client = signed_in(officer)
    day = placement.start_date + dt.timedelta(days=90)
    blank = client.post(page, end_form(day))
    assert set(blank.context["form"].errors) == {"planned", "reason"}
    done = client.post(page, end_form(day, planned="yes", reason="CARPL"))
    assert done.status_code == 302
    placement.refresh_from_db()
    assert (placement.ended_on, placement.end_reason, placement.end_planned) == (
        day,
        "CARPL",
        True,
    )
    assert placement.status_label == f"Ending {day:%-d %B %Y}"
    assert placement.next_referral is None
    assert ChronologyEntry.objects.filter(
        referral=placement.referral,
        text=f"The placement with Framework 2 ends on {day:%-d %B %Y} (planned): "
        "A change to the care plan, or carrying it out",
    ).exists()
    told = OutboxMessage.objects.get(
        key=f"placement_ended:{placement.referral.pk}:ended-{placement.pk}"
    )
    assert social_worker.email in told.to and "(planned)" in told.body_text
    with pytest.raises(DomainError, match="already recorded"):
        placement_end(
            placement=placement,
            ended_on=day,
            reason="OTHER",
            planned=True,
            note="Again",
            new_referral=False,
            actor=officer,
        )
    # The placement page shows it.
    shown = signed_in(social_worker).get(url("placement", placement.referral)).content.decode()
    assert "A change to the care plan, or carrying it out (CARPL)" in shown


def test_an_unplanned_ending_starts_a_new_referral_with_the_childs_details(
    placement, officer, social_worker
):
    referral = placement.referral
    page = url("placement-end", referral, placement_pk=placement.pk)
    with time_machine.travel(placement.start_date + dt.timedelta(days=60), tick=False):
        today = dt.date.today()
        client = signed_in(social_worker)
        future = client.post(
            page,
            end_form(
                today + dt.timedelta(days=1),
                planned="no",
                reason="CREQB",
                note="x",
                new_referral="yes",
            ),
        )
        assert "An unplanned ending has happened" in future.content.decode()
        unanswered = client.post(page, end_form(today, planned="no", reason="CREQB", note="x"))
        assert unanswered.context["form"].errors["new_referral"] == [
            "Select whether the child needs a new placement"
        ]
        no_note = client.post(
            page, end_form(today, planned="no", reason="CREQB", new_referral="yes")
        )
        assert "Say what happened" in no_note.content.decode()
        client.post(
            page,
            end_form(
                today,
                planned="no",
                reason="CREQB",
                note="Carers gave notice after repeated missing episodes",
                new_referral="yes",
            ),
        )
        placement.refresh_from_db()
        assert placement.status_label == f"Ended {today:%-d %B %Y}"
    new = placement.next_referral
    assert new.status == Referral.Status.DRAFT and new.social_worker == social_worker
    old_child, new_child = referral.children.get(), new.children.get()
    assert new_child.pk != old_child.pk
    for field in ("first_name", "last_name", "date_of_birth", "health", "risks", "school"):
        assert getattr(new_child, field) == getattr(old_child, field)
    assert [p.full_name for p in new.people.all()] == [p.full_name for p in referral.people.all()]
    assert not new.outcomes.exists()
    assert new.chronology.filter(
        text__startswith="The children's and the people's details carried over"
    ).exists()
    told = OutboxMessage.objects.get(key__startswith="placement_ended:")
    assert f"/referrals/{new.pk}/" in told.body_text


def test_an_ending_is_checked(placement, officer):
    def end(**values):
        return placement_end(
            placement=placement,
            **{
                "ended_on": placement.start_date + dt.timedelta(days=10),
                "reason": "LAREQ",
                "planned": True,
                "note": "",
                "new_referral": False,
                "actor": officer,
                **values,
            },
        )

    with pytest.raises(DomainError, match="cannot end before it started"):
        end(ended_on=placement.start_date - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="within the next year"):
        end(ended_on=TODAY + dt.timedelta(days=400))
    with pytest.raises(DomainError, match="Choose why"):
        end(reason="NOPE")
    with pytest.raises(DomainError, match="another one"):
        end(reason=EndReason.OTHER)
    with pytest.raises(DomainError, match="for an unplanned ending"):
        end(new_referral=True)
    placement.refresh_from_db()
    assert placement.ended_on is None


def test_who_records_an_ending(placement, make_user, other_team):
    manager = referral_endorsers(placement.referral).people[0]
    page = url("placement-end", placement.referral, placement_pk=placement.pk)
    for user, status in (
        (make_user(Role.SOCIAL_WORKER, team=other_team), 404),
        (manager, 404),
        (make_user(Role.ADMINISTRATOR, team=None), 403),
        (make_user(Role.DUTY_LEAD, team=None), 200),
    ):
        client = signed_in(user)
        assert client.get(page).status_code == status, user
        if status != 200:
            client.post(page, end_form(placement.start_date, planned="yes", reason="CARPL"))
    placement.refresh_from_db()
    assert placement.ended_on is None
    with pytest.raises(DomainError, match="Only brokerage or the child's social worker"):
        placement_end(
            placement=placement,
            ended_on=placement.start_date,
            reason="CARPL",
            planned=True,
            note="",
            new_referral=False,
            actor=manager,
        )
