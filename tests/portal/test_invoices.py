"""Invoices through a provider's account: sent for its own placements only, checked as
an officer's would be; a query told through the account and answered with corrected
lines, the first claim kept; nothing of another organisation's."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from approvals.invoices import services
from approvals.invoices.models import Invoice
from placements.models import OutboxMessage
from placements.services import DomainError
from referrals.models import ChronologyEntry
from tests.portal.conftest import placed_with_oak, signed_in_as

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def journey(make_user, administrator):
    """A placement with Oak House (Oak Care's account); Elm Care has an account too."""
    agreement, officer = placed_with_oak(make_user, administrator)
    return agreement.placement, officer


def dated(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def two_weeks(placement):
    start = placement.start_date
    return {
        "provider_reference": "OAK-101",
        **dated("period_start", start),
        **dated("period_end", start + dt.timedelta(days=13)),
    }


def test_a_provider_sends_an_invoice_for_its_placement_and_it_is_checked(journey):
    placement, _officer = journey
    over = placement.weekly_fee * 2 + D("25.00")
    extra = (placement.total_weekly - placement.weekly_fee) * 2
    with time_machine.travel(placement.start_date + dt.timedelta(days=20), tick=False):
        oak = signed_in_as("manager@oakcare.example")
        listed = oak.get(reverse("portal:invoices")).content.decode()
        send = reverse("portal:invoice-send", args=[placement.pk])
        assert send in listed and placement.referral.reference in listed
        response = oak.post(
            send, {**two_weeks(placement), "weekly": str(over), "additional": str(extra)}
        )
    invoice = Invoice.objects.get()
    assert response["Location"] == reverse("portal:invoice", args=[invoice.pk])
    assert invoice.source == Invoice.Source.PROVIDER and invoice.recorded_by is None
    assert invoice.sent_by == "manager@oakcare.example"
    assert invoice.claimed == over + extra and invoice.allowed == placement.total_weekly * 2
    # The invoice keeps its own record: the child's chronology does not list invoices.
    assert not ChronologyEntry.objects.filter(
        referral=placement.referral, text__contains="OAK-101"
    ).exists()
    shown = oak.get(reverse("portal:invoice", args=[invoice.pk])).content.decode()
    assert "Being checked by the council" in shown and f"£{over + extra:,}" in shown

    # Another organisation sees none of it and cannot send for the placement.
    elm = signed_in_as("manager@elmcare.example")
    assert "OAK-101" not in elm.get(reverse("portal:invoices")).content.decode()
    assert elm.get(reverse("portal:invoice", args=[invoice.pk])).status_code == 404
    assert elm.get(send).status_code == 404
    assert elm.post(send, {**two_weeks(placement), "weekly": "1.00"}).status_code == 404
    assert Invoice.objects.count() == 1


def test_a_bad_invoice_gets_gov_uk_errors_and_writes_nothing(journey):
    placement, _officer = journey
    with time_machine.travel(placement.start_date + dt.timedelta(days=20), tick=False):
        oak = signed_in_as("manager@oakcare.example")
        send = reverse("portal:invoice-send", args=[placement.pk])
        empty = oak.post(send, {"provider_reference": ""}).content.decode()
        assert "Error: " in empty and "Enter your invoice number" in empty
        later = placement.start_date + dt.timedelta(days=40)
        future = {
            **two_weeks(placement),
            **dated("period_start", later),
            **dated("period_end", later),
            "weekly": "10.00",
        }
        assert "The period must have started" in oak.post(send, future).content.decode()
        nothing = oak.post(send, two_weeks(placement)).content.decode()
        assert "Enter what the invoice claims" in nothing
    assert not Invoice.objects.exists()


def test_a_query_is_answered_with_a_corrected_invoice_through_the_account(journey):
    placement, officer = journey
    with time_machine.travel(placement.start_date + dt.timedelta(days=20), tick=False):
        oak = signed_in_as("manager@oakcare.example")
        oak.post(
            reverse("portal:invoice-send", args=[placement.pk]),
            {**two_weeks(placement), "weekly": str(placement.weekly_fee * 3)},
        )
        invoice = Invoice.objects.get()
        page = reverse("portal:invoice", args=[invoice.pk])
        # Before a query there is nothing to correct.
        oak.post(page, {"weekly": "1.00"})
        invoice.refresh_from_db()
        assert invoice.claimed == placement.weekly_fee * 3
        with pytest.raises(DomainError, match="Only a queried invoice"):
            services.invoice_correct(
                organisation=placement.provider.organisation,
                email="manager@oakcare.example",
                invoice=invoice,
                lines=[("weekly", "", D("1.00"))],
            )

        services.invoice_decide(
            invoice=invoice,
            decision="queried",
            note="The period is two weeks: please claim two weeks' fee.",
            actor=officer,
        )
        told = OutboxMessage.objects.get(key__startswith=f"invoice_decided:{invoice.pk}:queried")
        assert page in told.body_text and "manager@oakcare.example" not in told.body_text
        shown = oak.get(page).content.decode()
        assert "please claim two weeks" in shown and "Send the corrected invoice" in shown

        # Another organisation cannot correct it.
        elm = signed_in_as("manager@elmcare.example")
        assert elm.post(page, {"weekly": "1.00"}).status_code == 404
        with pytest.raises(DomainError, match="not with one of your settings"):
            services.invoice_correct(
                organisation=elm_organisation(),
                email="manager@elmcare.example",
                invoice=invoice,
                lines=[("weekly", "", D("1.00"))],
            )

        oak.post(page, {"weekly": str(placement.weekly_fee * 2)})
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.RECEIVED and invoice.decision_note == ""
    assert invoice.claimed == invoice.allowed == placement.weekly_fee * 2
    [correction] = invoice.corrections
    assert correction["claimed_before"] == str(placement.weekly_fee * 3)
    assert correction["query"].startswith("The period is two weeks")
    assert correction["corrected_by"] == "manager@oakcare.example"
    services.invoice_decide(invoice=invoice, decision="approved", note="", actor=officer)
    invoice.refresh_from_db()
    assert invoice.approved == placement.weekly_fee * 2


def elm_organisation():
    from providers.models import Organisation

    return Organisation.objects.get(name="Elm Care Ltd")
