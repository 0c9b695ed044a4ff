"""A placement's reviews: the first so many working days after the start, then every so
many months, and on request; the social worker records progress on each outcome, the
IRO's comments and whether the placement meets the child's needs; due and overdue
reviews are on the social worker's and the officer's lists."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from approvals.placement.models import PlacementReview
from approvals.placement.services import reviews
from approvals.placement.services.ending import placement_end
from placements.calendar import add_working_days
from placements.models import CouncilSettings
from placements.roles import Role
from placements.services import DomainError
from referrals.models import ChronologyEntry
from referrals.selectors import referral_endorsers
from tests.approvals.conftest import signed_in, url
from tests.journeys import chosen, placed

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(referral, offers, officer, social_worker, head_of_service):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    return placed(approval, officer, head_of_service).placement


def test_months_after_keeps_the_day_or_the_months_last():
    assert reviews.months_after(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert reviews.months_after(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert reviews.months_after(dt.date(2026, 11, 15), 2) == dt.date(2027, 1, 15)


def test_the_first_review_is_due_the_councils_working_days_after_the_start(placement):
    [first] = placement.reviews.all()
    assert first.kind == "scheduled" and first.held_on is None
    assert first.due_on == add_working_days(placement.start_date, 20, subdivision="ENG")


def record_form(day, outcomes, **values):
    data = {"held_on_0": day.day, "held_on_1": day.month, "held_on_2": day.year}
    for n in range(1, len(outcomes) + 1):
        data[f"progress_{n}"] = "progressing"
    return {**data, **values}


def test_the_social_worker_records_a_review_and_the_next_is_set(placement, social_worker, officer):
    council = CouncilSettings.load()
    council.review_every_months = 3
    council.save()
    [first] = placement.reviews.all()
    page = url("review", placement.referral, placement_pk=placement.pk, review_pk=first.pk)
    with time_machine.travel(first.due_on + dt.timedelta(days=2), tick=False):
        today = dt.date.today()
        # The officer reads the review but does not record it.
        assert signed_in(officer).get(page).status_code == 200
        assert signed_in(officer).post(page, {}).status_code == 404
        client = signed_in(social_worker)
        listed = client.get(reverse("referrals:list")).content.decode()
        assert "Placement reviews due" in listed and "Overdue" in listed
        assert page in signed_in(officer).get(reverse("referrals:action-list")).content.decode()
        outcomes = placement.outcomes
        stuck = client.post(
            page,
            record_form(today, outcomes, progress_1="not_progressing", meets_needs="yes"),
        )
        assert "Say why this is not progressing" in stuck.content.decode()
        unmet = client.post(page, record_form(today, outcomes, meets_needs="no"))
        assert "Say how the placement does not meet" in unmet.content.decode()
        done = client.post(
            page,
            record_form(
                today,
                outcomes,
                progress_1="achieved",
                note_1="Settled at school",
                iro_comments="Good progress; keep contact weekly",
                meets_needs="yes",
            ),
        )
        assert done.status_code == 302
        first.refresh_from_db()
        assert first.held_on == today and first.meets_needs is True
        assert first.progress == [
            {"outcome": outcomes[0], "progress": "achieved", "note": "Settled at school"}
        ]
        assert first.recorded_by == social_worker
        # Nothing waits now: the next is three months on.
        assert "Placement reviews due" not in client.get(reverse("referrals:list")).content.decode()
    following = placement.reviews.get(held_on__isnull=True)
    assert following.due_on == reviews.months_after(first.held_on, 3)
    assert ChronologyEntry.objects.filter(
        referral=placement.referral, text__startswith="Placement review held on"
    ).exists()
    with pytest.raises(DomainError, match="already recorded"):
        reviews.review_record(
            review=first,
            held_on=first.held_on,
            progress=[("achieved", "")],
            iro_comments="",
            meets_needs=True,
            needs_note="",
            actor=social_worker,
        )


def test_a_review_is_asked_for_outside_the_schedule(placement, officer, social_worker):
    page = url("reviews", placement.referral, placement_pk=placement.pk)
    client = signed_in(officer)
    due = dt.date.today() + dt.timedelta(days=9)
    blank = client.post(page, {})
    assert set(blank.context["form"].errors) == {"due_on", "reason"}
    client.post(
        page,
        {
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
            "reason": "Needs have changed: a new diagnosis",
        },
    )
    asked = placement.reviews.get(kind="requested")
    assert (asked.due_on, asked.requested_by) == (due, officer)
    # It is on the social worker's list (due within two weeks).
    listed = signed_in(social_worker).get(reverse("referrals:list")).content.decode()
    assert "(asked for)" in listed
    with pytest.raises(DomainError, match="today or later"):
        reviews.review_request(
            placement=placement,
            due_on=dt.date.today() - dt.timedelta(days=1),
            reason="Late",
            actor=officer,
        )


def test_an_ended_placement_has_no_reviews_waiting(placement, officer):
    placement_end(
        placement=placement,
        ended_on=placement.start_date + dt.timedelta(days=1),
        reason="CARPL",
        planned=True,
        note="",
        new_referral=False,
        actor=officer,
    )
    with time_machine.travel(placement.start_date + dt.timedelta(days=60), tick=False):
        assert not reviews.reviews_waiting(
            referrals=placement.referral.__class__.objects.all()
        ).exists()
        with pytest.raises(DomainError, match="ended by then"):
            reviews.review_request(
                placement=placement,
                due_on=dt.date.today() + dt.timedelta(days=1),
                reason="x",
                actor=officer,
            )


def test_who_may_see_and_record_reviews(placement, make_user, other_team):
    [first] = placement.reviews.all()
    pages = [
        url("reviews", placement.referral, placement_pk=placement.pk),
        url("review", placement.referral, placement_pk=placement.pk, review_pk=first.pk),
    ]
    manager = referral_endorsers(placement.referral).people[0]
    for user, status in (
        (make_user(Role.SOCIAL_WORKER, team=other_team), 404),
        (make_user(Role.ADMINISTRATOR, team=None), 403),
        (manager, 200),
    ):
        client = signed_in(user)
        for page in pages:
            assert client.get(page).status_code == status, (user, page)
    # The manager reads but neither records nor asks.
    assert signed_in(manager).post(pages[1], {}).status_code == 404
    assert signed_in(manager).post(pages[0], {}).status_code == 404
    with pytest.raises(DomainError, match="social worker or their team records"):
        reviews.review_record(
            review=first,
            held_on=dt.date.today(),
            progress=[("achieved", "")],
            iro_comments="",
            meets_needs=True,
            needs_note="",
            actor=manager,
        )
    assert PlacementReview.objects.filter(held_on__isnull=False).count() == 0
