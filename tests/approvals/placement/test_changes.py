"""A placement's changes after it is in place: fees and end dates, each a new version of
the agreement; one that moves the cost band waits for the band's approver; and the
agreement in force on each day, over changes and part periods."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approvals.placement import in_force
from approvals.placement.models import Placement, PlacementAgreement, PlacementChange
from approvals.placement.services import changes
from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from tests.approvals.conftest import signed_in, url
from tests.journeys import chosen, countersign, placed

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def placement(referral, offers, officer, social_worker, head_of_service):
    """Placed at Framework 2's £3,500 a week (a senior manager's band), countersigned."""
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    return placed(approval, officer, head_of_service).placement


def fees(weekly):
    return {"weekly_fee": D(weekly)}


def signed(change):
    """The provider signs the change's agreement and it is countersigned."""
    from approvals.placement.services.agreement import agreement_sign

    agreement_sign(agreement=change.agreement, name="Pat", role="Manager", declaration=True)
    change.agreement.refresh_from_db()
    countersign(change.agreement)
    change.refresh_from_db()
    return change


def test_a_change_within_the_band_goes_straight_to_the_provider(placement, officer):
    start = placement.start_date
    before = placement.total_weekly
    change = changes.placement_change(
        placement=placement,
        kind="uplift",
        reason="Yearly uplift of 2%",
        effective_from=start + dt.timedelta(days=30),
        fees=fees((placement.weekly_fee * D("1.02")).quantize(D("0.01"))),
        actor=officer,
    )
    assert change.status == "agreement" and change.required_role == ""
    assert change.agreement.version == 2 and change.agreement.status == "sent"
    placement.refresh_from_db()
    assert placement.status == Placement.Status.AGREEMENT_SENT
    assert placement.status_label == "Placed: a changed agreement to sign"
    # The first version stands until the new one is countersigned.
    first = placement.agreements.get(version=1)
    assert first.status == PlacementAgreement.Status.COUNTERSIGNED
    on = start + dt.timedelta(days=40)
    assert in_force.terms_on(placement, list(placement.changes.all()), on).total_weekly == before
    with pytest.raises(DomainError, match="not yet in force"):
        changes.placement_change(
            placement=placement,
            kind="reduction",
            reason="Again",
            effective_from=start,
            fees=fees(1000),
            actor=officer,
        )
    signed(change)
    first.refresh_from_db()
    assert first.status == PlacementAgreement.Status.SUPERSEDED
    terms = in_force.terms_on(placement, list(placement.changes.all()), on)
    placement.refresh_from_db()
    assert terms.total_weekly == placement.total_weekly > before and terms.change == change
    early = in_force.terms_on(placement, list(placement.changes.all()), start)
    assert early.total_weekly == before and early.change is None


def test_a_change_that_moves_the_band_waits_for_its_approver(
    placement, officer, social_worker, senior_manager, director, make_user
):
    page = url("placement-changes", placement.referral, placement_pk=placement.pk)
    client = signed_in(officer)
    start = placement.start_date
    response = client.post(
        page,
        {
            "kind": "needs",
            "reason": "Two to one staffing at night",
            "effective_from_0": start.day,
            "effective_from_1": start.month,
            "effective_from_2": start.year,
            "weekly_fee": "7,250.00",
        },
    )
    assert response.status_code == 302
    change = PlacementChange.objects.get()
    assert (change.status, change.required_role) == ("waiting", Role.DIRECTOR)
    assert change.agreement is None and change.total_after == D("7250.00")
    assert OutboxMessage.objects.get(key__startswith="placement_change_waiting:").to == [
        director.email
    ]
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PLACED  # nothing sent yet
    decide = url(
        "placement-change", placement.referral, placement_pk=placement.pk, change_pk=change.pk
    )
    # The senior manager's band is below: not theirs. The social worker reads only.
    assert signed_in(senior_manager).post(decide, {"decision": "approve"}).status_code == 404
    assert signed_in(social_worker).get(decide).status_code == 200
    assert change in [c for c in changes_for(director)]
    no_reason = signed_in(director).post(decide, {"decision": "reject"})
    assert "Give your comments for the officer" in no_reason.content.decode()
    signed_in(director).post(decide, {"decision": "approve"})
    change.refresh_from_db()
    assert change.status == "agreement" and change.decided_by == director
    assert change.agreement.version == 2
    placement.refresh_from_db()
    assert placement.total_weekly == D("7250.00")
    with pytest.raises(DomainError, match="not waiting for approval"):
        changes.change_decide(change=change, approve=True, comments="", actor=director)


def changes_for(user):
    from approvals.placement.selectors import changes_waiting_for

    return changes_waiting_for(user)


def test_a_rejected_change_leaves_the_placement_as_it_was(placement, officer, director):
    before = placement.total_weekly
    change = changes.placement_change(
        placement=placement,
        kind="needs",
        reason="More support",
        effective_from=placement.start_date,
        fees=fees(8000),
        actor=officer,
    )
    changes.change_decide(change=change, approve=False, comments="Find another way", actor=director)
    placement.refresh_from_db()
    assert placement.total_weekly == before and placement.agreements.count() == 1
    assert changes.change_waiting(placement) is None


def test_changes_are_checked(placement, officer):
    def change(**values):
        return changes.placement_change(
            placement=placement,
            **{
                "kind": "uplift",
                "reason": "Uplift",
                "effective_from": placement.start_date,
                "fees": fees(placement.weekly_fee + 10),
                "actor": officer,
                **values,
            },
        )

    with pytest.raises(DomainError, match="raises the total"):
        change(fees=fees(placement.weekly_fee - 10))
    with pytest.raises(DomainError, match="lowers the total"):
        change(kind="reduction")
    with pytest.raises(DomainError, match="on or after the placement started"):
        change(effective_from=placement.start_date - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="new end date"):
        change(kind="end_date", fees=None)
    with pytest.raises(DomainError, match="cannot be negative"):
        change(kind="needs", fees={"weekly_fee": D(-1)})
    with pytest.raises(DomainError, match="Only brokerage"):
        change(actor=placement.referral.social_worker)
    assert not PlacementChange.objects.exists()


def test_an_extension_sets_the_last_day_paid(placement, officer):
    start = placement.start_date
    end = start + dt.timedelta(days=100)
    change = signed(
        changes.placement_change(
            placement=placement,
            kind="end_date",
            reason="Agreed to the end of the school year",
            effective_from=start,
            end_date=end,
            fees=None,
            actor=officer,
        )
    )
    placement.refresh_from_db()
    assert placement.end_date == end
    history = list(placement.changes.all())
    assert in_force.terms_on(placement, history, end).change == change
    assert in_force.terms_on(placement, history, end + dt.timedelta(days=1)) is None


def test_a_period_across_a_change_of_fee_costs_each_day_at_its_rate(placement, officer):
    """The fee as placed for nine days, then £350 a week more from day 10: a 14-day
    period costs nine days at the first rate and five at the second, to the penny."""
    start = placement.start_date
    raised = placement.weekly_fee + 350
    signed(
        changes.placement_change(
            placement=placement,
            kind="uplift",
            reason="Uplift",
            effective_from=start + dt.timedelta(days=9),
            fees={"weekly_fee": raised},
            actor=officer,
        )
    )
    placement.refresh_from_db()
    history = list(placement.changes.all())
    base = history[0].before
    original = sum(D(base[name]) for name in in_force.FEES)
    days = in_force.days_of(placement, history, start, start + dt.timedelta(days=13))
    expected = (original / 7 * 9 + (original - D(base["weekly_fee"]) + raised) / 7 * 5).quantize(
        D("0.01")
    )
    assert in_force.period_cost(days) == expected
    # Days before the start, and days away, cost nothing.
    wider = in_force.days_of(
        placement,
        history,
        start - dt.timedelta(days=3),
        start + dt.timedelta(days=13),
        absent=[start + dt.timedelta(days=1)],
    )
    assert in_force.period_cost(wider) == (expected - original / 7).quantize(D("0.01"))


@settings(max_examples=60, deadline=None)
@given(
    weekly=st.decimals(min_value=D("0"), max_value=D("20000"), places=2),
    length=st.integers(min_value=1, max_value=120),
)
def test_a_period_under_one_rate_costs_its_days_sevenths(weekly, length):
    """Whatever the fee and the length, whole weeks cost the weekly fee each, and the
    rounding is once, to the penny (pure: no database)."""
    placement = Placement(
        start_date=dt.date(2026, 4, 1),
        weekly_fee=weekly,
        education_weekly=D(0),
        therapy_weekly=D(0),
        wraparound_weekly=D(0),
        transport_weekly=D(0),
    )
    first = dt.date(2026, 4, 1)
    days = in_force.days_of(placement, [], first, first + dt.timedelta(days=length - 1))
    cost = in_force.period_cost(days)
    assert cost == (weekly * length / 7).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    if length % 7 == 0:
        assert cost == weekly * (length // 7)
