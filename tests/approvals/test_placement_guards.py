"""Guards on a placement's life found by walking its edges: an agreement sent again after
a change, overlapping invoices, a change taking effect before an earlier one, invoices and
endings before the agreement is countersigned, a change waiting when the placement ends,
rounding once, a long absence range, fees too large, a note that names the child, and
reviews of a placement never made."""

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine

from approvals.costs.services import approval_approve
from approvals.invoices import services as inv
from approvals.invoices.models import Invoice
from approvals.placement import in_force
from approvals.placement.models import PlacementChange
from approvals.placement.services import changes
from approvals.placement.services.agreement import agreement_issue, agreement_sign
from approvals.placement.services.ending import placement_end
from approvals.placement.services.placement import placement_confirm
from placements.services import DomainError
from tests.approvals.conftest import signed_in, url
from tests.approvals.placement.test_changes import signed
from tests.journeys import chosen, countersign, placed

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(referral, offers, officer, social_worker, head_of_service):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    return placed(approval, officer, head_of_service).placement


def test_an_agreement_sent_again_after_a_change_brings_the_change_into_force(placement, officer):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        change = changes.placement_change(
            placement=placement,
            kind="uplift",
            reason="uplift",
            effective_from=start,
            fees={"weekly_fee": placement.weekly_fee + 100},
            actor=officer,
        )
        placement.refresh_from_db()
        # the link expired; officer re-sends from the placement page (status agreement_sent)
        again = agreement_issue(placement=placement, actor=officer)
        agreement_sign(agreement=again, name="P", role="M", declaration=True)
        again.refresh_from_db()
        countersign(again)
        placement.refresh_from_db()
        change.refresh_from_db()
        assert placement.status == "placed"
        terms = in_force.terms_on(
            placement, list(placement.changes.all()), start + dt.timedelta(days=2)
        )
        assert terms.total_weekly == placement.total_weekly
        assert change.in_force and changes.change_waiting(placement) is None


def test_days_on_another_invoice_are_not_paid_twice(placement, officer):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        week = [
            ("weekly", "", placement.weekly_fee),
            ("additional", "", placement.total_weekly - placement.weekly_fee),
        ]
        a = inv.invoice_record(
            placement=placement,
            provider_reference="A",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=week,
            actor=officer,
        )
        b = inv.invoice_record(
            placement=placement,
            provider_reference="A-dup",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=week,
            actor=officer,
        )
        inv.invoice_decide(invoice=a, decision="approved", note="", actor=officer)
        b = inv.invoice_decide(invoice=b, decision="approved", note="", actor=officer)
        assert b.approved == 0
        assert "7 days already on another invoice" in inv.check_of(b).flags


def test_a_change_cannot_take_effect_before_an_earlier_one(placement, officer):
    start = placement.start_date
    base = placement.total_weekly
    with time_machine.travel(start + dt.timedelta(days=60), tick=False):
        a = changes.placement_change(
            placement=placement,
            kind="uplift",
            reason="uplift from day 40",
            effective_from=start + dt.timedelta(days=40),
            fees={"weekly_fee": placement.weekly_fee + 100},
            actor=officer,
        )
        signed(a)
        placement.refresh_from_db()
        with pytest.raises(DomainError, match="already takes effect"):
            changes.placement_change(
                placement=placement,
                kind="needs",
                reason="needs from day 10",
                effective_from=start + dt.timedelta(days=10),
                fees={"weekly_fee": placement.weekly_fee, "therapy_weekly": D("200.00")},
                actor=officer,
            )
        assert base < placement.total_weekly


def test_no_invoice_before_the_agreement_is_countersigned(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    approval_approve(approval=approval, actor=head_of_service)
    made = placement_confirm(
        approval=approval, start_date=dt.date.today() + dt.timedelta(days=7), actor=officer
    )
    with (
        time_machine.travel(made.start_date + dt.timedelta(days=30), tick=False),
        pytest.raises(DomainError, match="once the placement's agreement is countersigned"),
    ):
        inv.invoice_record(
            placement=made,
            provider_reference="X",
            period_start=made.start_date,
            period_end=made.start_date + dt.timedelta(days=6),
            lines=[("weekly", "", made.weekly_fee)],
            actor=officer,
        )
    assert not Invoice.objects.exists()


def test_a_placement_not_yet_made_does_not_end(
    referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    approval_approve(approval=approval, actor=head_of_service)
    made = placement_confirm(approval=approval, start_date=dt.date.today(), actor=officer)
    r = signed_in(officer).post(
        url("placement-end", referral, placement_pk=made.pk),
        {
            "ended_on_0": made.start_date.day,
            "ended_on_1": made.start_date.month,
            "ended_on_2": made.start_date.year,
            "planned": "yes",
            "reason": "CARPL",
            "note": "",
            "new_referral": "no",
        },
    )
    made.refresh_from_db()
    assert r.status_code == 200 and "Only a placement made" in r.content.decode()
    assert made.ended_on is None


def test_a_change_waiting_when_the_placement_ends_goes_no_further(placement, officer, director):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        c = changes.placement_change(
            placement=placement,
            kind="needs",
            reason="2:1",
            effective_from=start + dt.timedelta(days=5),
            fees={"weekly_fee": D("7250.00")},
            actor=officer,
        )
        assert c.status == "waiting"
        placement_end(
            placement=placement,
            ended_on=start + dt.timedelta(days=9),
            reason="CHILD",
            planned=False,
            note="left",
            new_referral=False,
            actor=officer,
        )
        with pytest.raises(DomainError, match="not waiting for approval"):
            changes.change_decide(change=c, approve=True, comments="", actor=director)
        c.refresh_from_db()
        assert c.status == "rejected" and c.agreement is None


def test_an_invoice_rounds_once_as_the_period_does(placement, officer):
    start = placement.start_date
    from approvals.invoices.rules import invoice_check

    placement.weekly_fee = D("100.00")
    placement.education_weekly = D("100.00")
    placement.therapy_weekly = placement.wraparound_weekly = placement.transport_weekly = D(0)
    chk = invoice_check(
        placement,
        [],
        period_start=start,
        period_end=start,
        lines=[("weekly", D("14.29")), ("additional", D("14.29"))],
    )
    days = in_force.days_of(placement, [], start, start)
    assert chk.allowed == in_force.period_cost(days) == D("28.57")


def test_a_long_absence_range_is_refused_before_it_is_read(placement, officer):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        i = inv.invoice_record(
            placement=placement,
            provider_reference="H",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[("weekly", "", D(1))],
            actor=officer,
        )
        page = url("invoice", placement.referral, placement_pk=placement.pk, invoice_pk=i.pk)
        r = signed_in(officer).post(
            page,
            {
                "action": "away",
                "away-away_from_0": 1,
                "away-away_from_1": 1,
                "away-away_from_2": 1900,
                "away-away_to_0": 31,
                "away-away_to_1": 12,
                "away-away_to_2": 9999,
            },
        )
        assert r.status_code == 200
        assert "The days away must be in the invoice" in r.content.decode()
        i.refresh_from_db()
        assert i.absent_days == []


def test_fees_too_large_are_refused(placement, officer):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        page = url("placement-changes", placement.referral, placement_pk=placement.pk)
        big = "9999999.99"
        r = signed_in(officer).post(
            page,
            {
                "kind": "needs",
                "reason": "x",
                "effective_from_0": start.day,
                "effective_from_1": start.month,
                "effective_from_2": start.year,
                "weekly_fee": big,
                "education_weekly": big,
                "therapy_weekly": big,
                "wraparound_weekly": big,
                "transport_weekly": big,
            },
        )
        assert r.status_code == 200 and "must be less than" in r.content.decode()
        assert not PlacementChange.objects.exists()
        assert signed_in(officer).get(page).status_code == 200


def test_a_note_for_the_provider_that_names_the_child_is_refused(placement, officer):
    child = placement.referral.children.get()
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        i = inv.invoice_record(
            placement=placement,
            provider_reference="N",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[("weekly", "", D(1))],
            actor=officer,
        )
        dob = child.date_of_birth
        note = f"Query: the child born {dob:%-d %B %Y} ({dob:%d/%m/%Y}) was away"
        with pytest.raises(DomainError, match="names the child"):
            inv.invoice_decide(invoice=i, decision="queried", note=note, actor=officer)
        from placements.models import OutboxMessage

        assert not OutboxMessage.objects.filter(key__startswith=f"invoice_decided:{i.pk}").exists()
        i.refresh_from_db()
        assert i.status == "received"


def test_a_placement_never_made_has_no_reviews_waiting(
    referral, offers, officer, social_worker, head_of_service
):
    from approvals.placement.services.reviews import reviews_waiting
    from referrals.drafting.services import referral_withdraw
    from referrals.selectors import referrals_visible_to

    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    approval_approve(approval=approval, actor=head_of_service)
    placement_confirm(approval=approval, start_date=dt.date.today(), actor=officer)
    referral_withdraw(referral=referral, reason="Child went home to family", actor=social_worker)
    referral.refresh_from_db()
    with time_machine.travel(dt.date.today() + dt.timedelta(days=60), tick=False):
        assert not list(reviews_waiting(referrals=referrals_visible_to(social_worker)))
