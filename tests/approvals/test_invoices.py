"""Invoices checked against the agreement in force on each day: an over-claim flagged
to the penny, days after the end, days away, one-off costs agreed once, across a change
of fee; approved, queried or rejected; the totals and the finance download."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from approvals.invoices import services
from approvals.invoices.models import Invoice
from approvals.placement.services import changes
from approvals.placement.services.ending import placement_end
from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from tests.approvals.conftest import signed_in, url
from tests.approvals.placement.test_changes import signed
from tests.journeys import chosen, placed

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def placement(referral, offers, officer, social_worker, head_of_service):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    return placed(approval, officer, head_of_service).placement


def weekly_lines(weekly, additional=0, one_off=None):
    lines = [("weekly", "", D(weekly)), ("additional", "", D(additional))]
    if one_off is not None:
        lines.append(("one_off", "Bedroom furniture", D(one_off)))
    return lines


def test_an_over_claim_is_flagged_to_the_penny_and_approved_at_what_is_allowed(placement, officer):
    start = placement.start_date
    extra = placement.total_weekly - placement.weekly_fee
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        # Two weeks exactly: two weeks' fee allowed; 1p more is 1p over.
        invoice = services.invoice_record(
            placement=placement,
            provider_reference="INV-001",
            period_start=start,
            period_end=start + dt.timedelta(days=13),
            lines=weekly_lines(placement.weekly_fee * 2 + D("0.01"), extra * 2),
            actor=officer,
        )
        check = services.check_of(invoice)
        assert check.over == D("0.01")
        assert invoice.allowed == placement.total_weekly * 2
        assert check.flags[0].endswith("£0.01 over")
        client = signed_in(officer)
        page = url("invoice", placement.referral, placement_pk=placement.pk, invoice_pk=invoice.pk)
        shown = client.get(page).content.decode()
        assert "£0.01 over" in shown
        client.post(page, {"action": "decide", "decide-decision": "approved"})
    invoice.refresh_from_db()
    assert invoice.status == "approved" and invoice.approved == placement.total_weekly * 2
    assert invoice.saved == D("0.01")
    told = OutboxMessage.objects.get(key__startswith=f"invoice_decided:{invoice.pk}:")
    assert "INV-001" in told.subject and placement.referral.children.get().first_name not in (
        told.body_text
    )
    with pytest.raises(DomainError, match="already approved"):
        services.invoice_decide(invoice=invoice, decision="rejected", note="x", actor=officer)


def test_claims_after_the_end_and_days_away_cost_nothing(placement, officer):
    start = placement.start_date
    daily = placement.total_weekly / 7
    with time_machine.travel(start + dt.timedelta(days=40), tick=False):
        placement_end(
            placement=placement,
            ended_on=start + dt.timedelta(days=10),
            reason="CHILD",
            planned=False,
            note="Returned home",
            new_referral=False,
            actor=officer,
        )
        invoice = services.invoice_record(
            placement=placement,
            provider_reference="INV-002",
            period_start=start,
            period_end=start + dt.timedelta(days=13),
            lines=[("weekly", "", placement.total_weekly * 2)],
            actor=officer,
        )
        check = services.check_of(invoice)
        assert len(check.after_end) == 4 and check.after_end[0] == start + dt.timedelta(days=10)
        assert any("4 days claimed after the placement ended" in f for f in check.flags)
        # Days 0 to 9 are paid: the weekly fee part only is claimed here.
        weekly_part = (placement.weekly_fee / 7 * 10).quantize(D("0.01"))
        assert check.kinds[0].allowed == weekly_part
        services.invoice_absences(
            invoice=invoice, absent=[start + dt.timedelta(days=2)], actor=officer
        )
        invoice.refresh_from_db()
        check = services.check_of(invoice)
        assert check.absent_days == 1
        assert check.kinds[0].allowed == (placement.weekly_fee / 7 * 9).quantize(D("0.01"))
        assert daily > 0


def test_an_invoice_across_a_change_of_fee(placement, officer):
    start = placement.start_date
    raised = placement.weekly_fee + 70
    signed(
        changes.placement_change(
            placement=placement,
            kind="uplift",
            reason="Uplift",
            effective_from=start + dt.timedelta(days=7),
            fees={"weekly_fee": raised},
            actor=officer,
        )
    )
    placement.refresh_from_db()
    first_fee = D(placement.changes.get().before["weekly_fee"])
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        invoice = services.invoice_record(
            placement=placement,
            provider_reference="INV-003",
            period_start=start,
            period_end=start + dt.timedelta(days=13),
            lines=[("weekly", "", raised * 2)],
            actor=officer,
        )
    check = services.check_of(invoice)
    # A week at the first fee, a week at the raised one: the first week's £70 is over.
    assert check.kinds[0].allowed == first_fee + raised
    assert check.over == D("70.00")


def test_one_off_costs_are_paid_once(placement, officer):
    start = placement.start_date
    agreed = placement.one_off_costs
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        first = services.invoice_record(
            placement=placement,
            provider_reference="INV-010",
            period_start=start,
            period_end=start,
            lines=[("one_off", "Furniture", agreed)],
            actor=officer,
        )
        assert services.check_of(first).over == 0
        services.invoice_decide(invoice=first, decision="approved", note="", actor=officer)
        again = services.invoice_record(
            placement=placement,
            provider_reference="INV-011",
            period_start=start,
            period_end=start,
            lines=[("one_off", "Furniture", agreed)],
            actor=officer,
        )
    assert services.check_of(again).over == agreed


def test_an_invoice_is_checked_when_recorded(placement, officer, client):
    start = placement.start_date
    page = url("placement-invoices", placement.referral, placement_pk=placement.pk)
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        client.force_login(officer)
        blank = client.post(page, {})
        assert set(blank.context["form"].errors) >= {"provider_reference", "period_start"}
        day = start

        def form(**values):
            return {
                "provider_reference": "INV-020",
                "period_start_0": day.day,
                "period_start_1": day.month,
                "period_start_2": day.year,
                "period_end_0": (day + dt.timedelta(days=6)).day,
                "period_end_1": (day + dt.timedelta(days=6)).month,
                "period_end_2": (day + dt.timedelta(days=6)).year,
                **values,
            }

        nothing = client.post(page, form())
        assert nothing.context["form"].errors["weekly"] == ["Enter what the invoice claims"]
        done = client.post(page, form(weekly=str(placement.weekly_fee)))
        invoice = Invoice.objects.get()
        assert done["Location"].endswith(f"/invoices/{invoice.pk}/")
        duplicate = client.post(page, form(weekly="1"))
        assert "INV-020 is already recorded" in duplicate.content.decode()
        with pytest.raises(DomainError, match="93 days at most"):
            services.invoice_record(
                placement=placement,
                provider_reference="INV-021",
                period_start=start,
                period_end=start + dt.timedelta(days=93),
                lines=weekly_lines(1),
                actor=officer,
            )
        queried = url(
            "invoice", placement.referral, placement_pk=placement.pk, invoice_pk=invoice.pk
        )
        no_reason = client.post(queried, {"action": "decide", "decide-decision": "queried"})
        assert "Say why, for the provider" in no_reason.content.decode()
        client.post(
            queried,
            {
                "action": "decide",
                "decide-decision": "queried",
                "decide-note": "Please split the week by the days of the month",
            },
        )
    invoice.refresh_from_db()
    assert invoice.status == "queried"
    # A provider with no account is asked to reply by email, not sent to an account.
    told = OutboxMessage.objects.get(key__startswith=f"invoice_decided:{invoice.pk}:queried")
    assert "provider account" not in told.body_text
    assert "Please reply to this email with a corrected invoice" in told.body_text


def test_the_totals_and_the_finance_download(placement, officer):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        invoice = services.invoice_record(
            placement=placement,
            provider_reference="INV-030",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[("weekly", "", placement.weekly_fee + 100)],
            actor=officer,
        )
        services.invoice_decide(invoice=invoice, decision="approved", note="", actor=officer)
    client = signed_in(officer)
    listed = client.get(reverse("approvals:invoices"))
    assert listed.context["totals"]["saved"] == D("100.00")
    download = client.get(reverse("approvals:invoices-export"))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Invoice id", "Invoice number"] and rows[1][1] == "INV-030"
    assert D(rows[1][8]) == D("100.00")


def test_only_brokerage_sees_invoices(placement, officer, social_worker, make_user, other_team):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        invoice = services.invoice_record(
            placement=placement,
            provider_reference="INV-040",
            period_start=start,
            period_end=start,
            lines=weekly_lines(1),
            actor=officer,
        )
    pages = [
        reverse("approvals:invoices"),
        reverse("approvals:invoices-export"),
        url("placement-invoices", placement.referral, placement_pk=placement.pk),
        url("invoice", placement.referral, placement_pk=placement.pk, invoice_pk=invoice.pk),
    ]
    for user in (social_worker, make_user(Role.HEAD_OF_SERVICE, team=None)):
        client = signed_in(user)
        for page in pages:
            assert client.get(page).status_code == 403, (user, page)
    with pytest.raises(DomainError, match="Only brokerage"):
        services.invoice_decide(invoice=invoice, decision="approved", note="", actor=social_worker)


def invoice_sheet(rows, headings=None):
    from approvals.invoices.importing import HEADINGS

    lines = [",".join(headings or HEADINGS)]
    lines += [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_a_spreadsheet_of_invoices_is_imported_whole_or_not_at_all(placement, officer):
    from approvals.invoices.importing import invoices_import

    start = placement.start_date
    ref, provider = placement.referral.reference, placement.provider.reference
    day = f"{start:%d/%m/%Y}"
    week_end = f"{start + dt.timedelta(days=6):%d/%m/%Y}"
    good = [
        (ref, provider, "S-1", day, week_end, placement.weekly_fee, "", "", ""),
        (ref, provider.lower(), "S-2", day, day, "", "", "£250.00", "Furniture"),
    ]
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        bad = invoices_import(
            content=invoice_sheet(
                [*good, ("PR00-99999", provider, "S-3", day, day, 1, "", "", "")]
            ),
            filename="invoices.csv",
            actor=officer,
        )
        assert bad.count == 0 and not Invoice.objects.exists()
        assert [(p.row, p.message) for p in bad.problems] == [
            (4, f"No placement of referral “PR00-99999” with provider “{provider}”")
        ]
        dates = invoices_import(
            content=invoice_sheet([(ref, provider, "S-9", "31/02/2026", day, 1, "", "", "")]),
            filename="invoices.csv",
            actor=officer,
        )
        assert "as a date like 23/11/2026" in dates.problems[0].message
        done = invoices_import(content=invoice_sheet(good), filename="invoices.csv", actor=officer)
        assert (done.count, done.problems) == (2, [])
        assert set(Invoice.objects.values_list("provider_reference", "source")) == {
            ("S-1", "import"),
            ("S-2", "import"),
        }
        again = invoices_import(content=invoice_sheet(good), filename="invoices.csv", actor=officer)
        assert again.count == 0 and "S-1 is already recorded" in again.problems[0].message


def test_the_import_page(placement, officer, social_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = reverse("approvals:invoices-import")
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        client = signed_in(officer)
        wrong = client.post(
            page,
            {"file": SimpleUploadedFile("x.csv", invoice_sheet([], headings=["Name"]))},
        )
        assert "missing: “Referral”" in wrong.content.decode()
        row = (
            placement.referral.reference,
            placement.provider.reference,
            "P-1",
            f"{start:%d/%m/%Y}",
            f"{start:%d/%m/%Y}",
            "-5",
            "",
            "",
            "",
        )
        refused = client.post(page, {"file": SimpleUploadedFile("x.csv", invoice_sheet([row]))})
        assert "Nothing was imported" in refused.content.decode()
        assert "from £0 to under £10,000,000" in refused.content.decode()
        fine = client.post(
            page,
            {"file": SimpleUploadedFile("x.csv", invoice_sheet([(*row[:5], "10", *row[6:])]))},
        )
        assert fine.status_code == 302 and Invoice.objects.count() == 1
        assert signed_in(social_worker).get(page).status_code == 403


def test_invoices_waiting_for_the_same_days_do_not_cancel_each_other(placement, officer):
    start = placement.start_date
    week = placement.total_weekly
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        first, second = (
            services.invoice_record(
                placement=placement,
                provider_reference=number,
                period_start=start,
                period_end=start + dt.timedelta(days=6),
                lines=weekly_lines(placement.weekly_fee, week - placement.weekly_fee),
                actor=officer,
            )
            for number in ("INV-040", "INV-041")
        )
        # Both still open: each allowed its week, each told of the other.
        assert services.check_of(first).allowed == services.check_of(second).allowed == week
        assert any("invoice INV-041, not yet decided" in f for f in services.check_of(first).flags)
        # The note may quote the provider's invoice numbers.
        services.invoice_decide(
            invoice=second, decision="rejected", note="Duplicate of INV-040.", actor=officer
        )
        services.invoice_decide(invoice=first, decision="approved", note="", actor=officer)
        third = services.invoice_record(
            placement=placement,
            provider_reference="INV-042",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=weekly_lines(placement.weekly_fee),
            actor=officer,
        )
        # The week is paid on the approved one: nothing for it again.
        assert third.allowed == 0 and services.check_of(third).elsewhere == 7
        # A period running on past today: its days to come cannot be days away yet.
        running = services.invoice_record(
            placement=placement,
            provider_reference="INV-043",
            period_start=start + dt.timedelta(days=28),
            period_end=start + dt.timedelta(days=34),
            lines=weekly_lines(placement.weekly_fee),
            actor=officer,
        )
        assert "4 days still to come, paid in advance" in services.check_of(running).flags
        with pytest.raises(DomainError, match="must have passed"):
            services.invoice_absences(
                invoice=running, absent=[start + dt.timedelta(days=31)], actor=officer
            )
    first.refresh_from_db()
    assert first.approved == week


def test_days_away_are_listed_and_can_be_cleared(placement, officer):
    start = placement.start_date
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        invoice = services.invoice_record(
            placement=placement,
            provider_reference="INV-050",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=weekly_lines(placement.weekly_fee),
            actor=officer,
        )
        services.invoice_absences(invoice=invoice, absent=[start], actor=officer)
        client = signed_in(officer)
        page = url("invoice", placement.referral, placement_pk=placement.pk, invoice_pk=invoice.pk)
        assert f"({start:%-d %b})" in client.get(page).content.decode()
        client.post(page, {"action": "clear-away"})
    invoice.refresh_from_db()
    assert invoice.absent_days == [] and invoice.allowed == placement.weekly_fee
