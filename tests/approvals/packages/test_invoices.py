"""A package's invoices: hours of support at the rates agreed, checked day by day
against the package's terms in force (a variation counts once its agreement is
countersigned): a rate over what was agreed and hours over the busiest week flagged
with their amounts; lines of the wrong shape refused."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from approvals.invoices import services
from approvals.invoices.models import Invoice
from approvals.packages.variations import package_vary
from approvals.placement.in_force import to_penny
from approvals.placement.services.agreement import agreement_sign
from placements.services import DomainError
from tests.approvals.conftest import signed_in
from tests.approvals.packages.test_variations import evening_rows
from tests.journeys import countersign

pytestmark = pytest.mark.django_db
D = Decimal


def hours(rate_kind, count, rate):
    count, rate = D(count), D(rate)
    return ("hours", "", to_penny(count * rate), rate_kind, count, rate)


def test_a_rate_and_hours_over_the_agreement_are_flagged_to_the_penny(in_place, officer):
    start = in_place.start_date
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        # A week: 9 hours at £18.50 agreed; 11 claimed at £19.00.
        invoice = services.invoice_record(
            placement=in_place,
            provider_reference="CA-1",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[hours("standard", "11", "19.00")],
            actor=officer,
        )
        check = services.check_of(invoice)
        assert invoice.claimed == D("209.00")
        assert invoice.allowed == check.allowed == D("166.50")
        assert check.over == D("42.50")
        assert "Standard rate: claimed £19.00 an hour, the agreement says £18.50: £5.50 over" in (
            check.flags
        )
        assert "Hours: claimed 11, the agreement allows at most 9 for the days paid" in (
            check.flags
        )
        services.invoice_decide(invoice=invoice, decision="approved", note="", actor=officer)
    invoice.refresh_from_db()
    assert invoice.approved == D("166.50") and invoice.saved == D("42.50")


def test_hours_still_to_come_are_not_paid_and_pence_round_half_up(in_place, officer):
    start = in_place.start_date
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        # Three days delivered of the week: three sevenths of 9 hours (3.86) at most.
        invoice = services.invoice_record(
            placement=in_place,
            provider_reference="CA-5",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[hours("standard", "0.25", "18.50"), hours("unsocial", "1", "20.00")],
            actor=officer,
        )
        check = services.check_of(invoice)
    # A quarter hour at £18.50 is £4.625: £4.63, as the provider's invoice says.
    assert invoice.lines.get(rate_kind="standard").amount == D("4.63")
    with (
        time_machine.travel(start + dt.timedelta(days=2), tick=False),
        pytest.raises(DomainError, match="hours times its rate"),
    ):
        services.invoice_record(
            placement=in_place,
            provider_reference="CA-7",
            period_start=start,
            period_end=start,
            lines=[("hours", "", D("4.62"), "standard", D("0.25"), D("18.50"))],
            actor=officer,
        )
    assert "4 days still to come: hours are paid once delivered" in check.flags
    # Unsocial hours are not agreed: not paid, and they do not cut the standard hours.
    assert "Unsocial hours hours: no unsocial hours rate is agreed for the period" in check.flags
    assert check.allowed == D("4.63")


def test_an_end_date_counts_once_its_agreement_is_countersigned(in_place, officer):
    start = in_place.start_date
    ending = package_vary(
        placement=in_place,
        kind="not_needed",
        reason="The family moved away",
        effective_from=start + dt.timedelta(days=3),
        actor=officer,
    )
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        invoice = services.invoice_record(
            placement=in_place,
            provider_reference="CA-6",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[hours("standard", "9", "18.50")],
            actor=officer,
        )
        # Not yet countersigned: the whole week is paid.
        assert services.check_of(invoice).allowed == D("166.50")
        agreement_sign(agreement=ending.agreement, name="Pat", role="Manager", declaration=True)
        countersign(ending.agreement)
        check = services.check_of(invoice)
    # Not needed from the fourth day: three days paid, four after the end.
    assert len(check.after_end) == 4 and check.after_end[0] == start + dt.timedelta(days=3)
    assert check.allowed == D("71.36")  # 3/7 of £166.50, to the penny


def test_a_variation_counts_from_its_date_once_countersigned(in_place, officer):
    start = in_place.start_date
    evening = evening_rows(in_place)[0]
    holiday = in_place.referral.schedule.filter(period="holiday").first()
    # An hour less in term time and in the holidays: 8 hours a week either way.
    variation = package_vary(
        placement=in_place,
        kind="fewer_hours",
        reason="Less needed",
        effective_from=start + dt.timedelta(days=7),
        hours={evening.pk: D("1"), holiday.pk: D("2")},
        actor=officer,
    )
    with time_machine.travel(start + dt.timedelta(days=20), tick=False):
        second_week = services.invoice_record(
            placement=in_place,
            provider_reference="CA-2",
            period_start=start + dt.timedelta(days=7),
            period_end=start + dt.timedelta(days=13),
            lines=[hours("standard", "9", "18.50")],
            actor=officer,
        )
        # Not yet countersigned: the awarded terms (9 hours a week) stand.
        assert services.check_of(second_week).allowed == D("166.50")
        agreement_sign(agreement=variation.agreement, name="Pat", role="Manager", declaration=True)
        countersign(variation.agreement)
        check = services.check_of(second_week)
        assert check.allowed == D("148.00")
        assert "Hours: claimed 9, the agreement allows at most 8 for the days paid" in check.flags
        # The week before the variation is still at the awarded terms.
        first_week = services.invoice_record(
            placement=in_place,
            provider_reference="CA-3",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[hours("standard", "9", "18.50")],
            actor=officer,
        )
    assert first_week.allowed == D("166.50")


def test_lines_of_the_wrong_shape_are_refused(in_place, officer):
    start = in_place.start_date
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        for lines, message in (
            ([("weekly", "", D("100.00"))], "claims hours of support"),
            ([("hours", "", D("10.00"), "standard", D("1"), D("18.50"))], "hours times its rate"),
            ([hours("night", "1", "18.50")], "Choose the rate"),
            ([hours("standard", "0", "18.50")], "Give the hours and the rate"),
        ):
            with pytest.raises(DomainError, match=message):
                services.invoice_record(
                    placement=in_place,
                    provider_reference="CA-9",
                    period_start=start,
                    period_end=start + dt.timedelta(days=6),
                    lines=lines,
                    actor=officer,
                )
    assert not Invoice.objects.exists()


def test_the_officer_records_hours_on_the_package_page(in_place, officer, make_user):
    from placements.roles import Role

    start = in_place.start_date
    referral = in_place.referral
    page = reverse(
        "approvals:placement-invoices", kwargs={"pk": referral.pk, "placement_pk": in_place.pk}
    )
    fields = {
        "provider_reference": "CA-4",
        "period_start_0": start.day,
        "period_start_1": start.month,
        "period_start_2": start.year,
        "period_end_0": (start + dt.timedelta(days=6)).day,
        "period_end_1": (start + dt.timedelta(days=6)).month,
        "period_end_2": (start + dt.timedelta(days=6)).year,
    }
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        client = signed_in(officer)
        shown = client.get(page).content.decode()
        assert "Standard hours delivered" in shown and "agreed £18.50" in shown
        missing = client.post(page, {**fields, "standard_rate": "18.50"}).content.decode()
        assert "Enter the hours the invoice claims" in missing
        no_rate = client.post(page, {**fields, "standard_hours": "9"}).content.decode()
        assert "Enter the standard rate charged" in no_rate
        assert not Invoice.objects.exists()
        client.post(page, {**fields, "standard_hours": "9", "standard_rate": "18.50"})
        invoice = Invoice.objects.get()
        assert invoice.claimed == invoice.allowed == D("166.50")
        line = invoice.lines.get()
        assert (line.rate_kind, line.hours, line.rate) == ("standard", D("9"), D("18.50"))
        detail = client.get(
            reverse(
                "approvals:invoice",
                kwargs={"pk": referral.pk, "placement_pk": in_place.pk, "invoice_pk": invoice.pk},
            )
        ).content.decode()
        assert "Standard, 9 hours at £18.50" in detail
        # A social worker sees none of it.
        assert signed_in(make_user(Role.SOCIAL_WORKER)).get(page).status_code == 403
