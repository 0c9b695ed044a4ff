"""The dashboard's figures against data built through the services, each worked out in one
query whatever the volume, and the page (charts, tables, downloads) for those who may
see it."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.dashboard import figures
from approvals.invoices import services as invoices
from approvals.offers.services.negotiation import fee_revise
from approvals.placement.services.ending import placement_end
from placements.roles import Role
from referrals.models import ProviderRequest
from tests.approvals.conftest import signed_in
from tests.journeys import chosen, offers_in, placed, searchable

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = dt.date.today()


@pytest.fixture
def placed_one(referral, offers, officer, social_worker, head_of_service):
    """Framework 2's £5,500 offer negotiated down £300 a week, placed from a week on."""
    fee_revise(
        response=offers["Framework 2"],
        weekly_fee=offers["Framework 2"].weekly_fee - 300,
        note="Agreed with the manager",
        actor=officer,
    )
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    return placed(approval, officer, head_of_service).placement


def scope_around(day, **kwargs):
    first = day.replace(day=1) - dt.timedelta(days=62)
    last = (day.replace(day=1) + dt.timedelta(days=62)).replace(day=1) - dt.timedelta(days=1)
    return figures.Scope(first=first.replace(day=1), last=last, **kwargs)


def by_key(scope):
    return {f.key: f for f in figures.figures_for(scope)}


def test_each_figure_from_one_placement_its_invoice_and_its_ending(placed_one, officer):
    placement = placed_one
    start = placement.start_date
    later = start + dt.timedelta(days=30)
    with time_machine.travel(later, tick=False):
        invoice = invoices.invoice_record(
            placement=placement,
            provider_reference="INV-1",
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            lines=[("weekly", "", placement.weekly_fee + D("12.34"))],
            actor=officer,
        )
        invoices.invoice_decide(invoice=invoice, decision="approved", note="", actor=officer)
        placement_end(
            placement=placement,
            ended_on=start + dt.timedelta(days=20),
            reason="CREQB",
            planned=False,
            note="Carers gave notice",
            new_referral=False,
            actor=officer,
        )
        found = by_key(scope_around(later))
    submitted = placement.referral.submitted_at.date()
    days = found["days-to-placement"]
    assert f"median of {(start - submitted).days} days" in days.title
    assert "(n=1)" in days.subtitle
    # Three framework offers and the in-house one were made.
    assert found["offers-per-referral"].title.startswith("Referrals placed had 4.0 offers")
    assert "100.0% had 3 or more" in found["offers-per-referral"].subtitle
    assert found["in-house-share"].title == "0.0% of placements were with the council's own carers"
    assert found["negotiated-savings"].title == "Negotiation saved £15,600.00 a year"
    assert found["invoice-savings"].title == "Checking invoices saved £12.34"
    early = found["early-unplanned-endings"]
    assert early.title == "1 placement ended unplanned within three months"
    assert "100.0% of endings" in early.subtitle
    assert found["three-placements"].rows == [("1", 1), ("2", 0), ("3 or more", 0)]
    # Ended: nothing committed at the end of the span.
    assert found["weekly-commitment"].title.startswith("£0.00 a week")
    # Every request sent counts, those closed unanswered when the search ended too.
    sent = ProviderRequest.objects.filter(round__referral=placement.referral)
    answered = sent.filter(answers__isnull=False).distinct().count()
    share = (D(100) * answered / sent.count()).quantize(D("0.1"))
    assert answered < sent.count()
    assert found["provider-responses"].title == f"Providers answered {share}% of requests"


def test_a_child_with_three_placements_in_a_year_is_counted(
    make_user, officer, social_worker, head_of_service, providers
):
    """The same child (name and date of birth) placed three times through three referrals."""
    for n in range(3):
        referral = searchable(social_worker, officer)
        offer = offers_in(referral, officer, {"Framework 1": D("3000")})["Framework 1"]
        placed(
            chosen(referral, officer, social_worker, offer),
            officer,
            head_of_service,
            start=TODAY + dt.timedelta(days=7 + n),
        )
    scope = scope_around(TODAY + dt.timedelta(days=40))
    three = figures.three_placements(scope)
    assert three.rows[-1] == ("3 or more", 1)
    assert three.title == "1 child had three or more placements in a year"
    # Filtered to another officer: none of these.
    other = make_user(Role.BROKERAGE_OFFICER, team=None)
    none = figures.three_placements(
        scope_around(TODAY + dt.timedelta(days=40), officer_id=other.pk)
    )
    assert none.rows == [("1", 0), ("2", 0), ("3 or more", 0)]


def test_every_figure_is_one_query_however_much_there_is(
    placed_one, officer, social_worker, head_of_service
):
    scope = scope_around(TODAY + dt.timedelta(days=30))
    with CaptureQueriesContext(connection) as one:
        figures.figures_for(scope)
    for _ in range(2):
        referral = searchable(social_worker, officer)
        offer = offers_in(referral, officer, {"Framework 3": D("4000")})["Framework 3"]
        placed(chosen(referral, officer, social_worker, offer), officer, head_of_service)
    with CaptureQueriesContext(connection) as more:
        figures.figures_for(scope)
    assert len(one) == len(more) == len(figures.FIGURES)


def test_the_page_charts_tabulates_and_downloads_each_figure(placed_one, make_user):
    manager = make_user(Role.HEAD_OF_SERVICE, team=None)
    client = signed_in(manager)
    page = client.get(reverse("approvals:dashboard"))
    html = page.content.decode()
    scope = scope_around(TODAY)
    for figure in figures.FIGURES:
        key = figure.__name__.replace("_", "-")
        # The download finds a figure by its function's name.
        assert figure(scope).key == key
        assert f'id="{key}-title"' in html, key
    assert html.count("<svg") >= 5 and html.count("How this is worked out") == len(figures.FIGURES)
    download = client.get(
        reverse("approvals:dashboard"), {"figure": "three-placements", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Placements in the year", "Children"]
    assert (
        client.get(reverse("approvals:dashboard"), {"figure": "x", "format": "csv"}).status_code
        == 404
    )


def test_who_sees_the_dashboard(make_user):
    for role, status in (
        (Role.DUTY_LEAD, 200),
        (Role.TEAM_MANAGER, 200),
        (Role.DIRECTOR, 200),
        (Role.BROKERAGE_OFFICER, 403),
        (Role.SOCIAL_WORKER, 403),
        (Role.ADMINISTRATOR, 403),
    ):
        assert signed_in(make_user(role)).get(reverse("approvals:dashboard")).status_code == status


def test_costs_asked_but_not_placed_are_not_committed(referral, offers, officer, social_worker):
    approval = chosen(referral, officer, social_worker, offers["Framework 1"])
    assert approval.status == "pending"
    found = figures.weekly_commitment(scope_around(TODAY + dt.timedelta(days=30)))
    assert found.rows == []


def test_a_placement_confirmed_but_not_made_is_not_counted(
    referral, offers, officer, social_worker, head_of_service
):
    from approvals.costs.services import approval_approve
    from approvals.placement.services.placement import placement_confirm

    approval = chosen(referral, officer, social_worker, offers["Framework 1"])
    approval_approve(approval=approval, actor=head_of_service)
    placement_confirm(approval=approval, start_date=TODAY, actor=officer)
    found = by_key(scope_around(TODAY))
    assert "(n=0)" in found["days-to-placement"].subtitle
    assert "(n=0)" in found["offers-per-referral"].subtitle


def test_filters_apply_field_by_field(placed_one, make_user):
    client = signed_in(make_user(Role.DIRECTOR, team=None))
    first = (TODAY.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    page = client.get(
        reverse("approvals:dashboard"), {"officer": "abc", "start": first.isoformat()}
    )
    subtitle = next(f for f in page.context["shown"] if f["figure"].key == "days-to-placement")
    assert f"{first:%B %Y}" in subtitle["figure"].subtitle
    assert page.context["form"].initial["start"] == first.isoformat()
