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
from django.utils import timezone

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
    # One query each; two for the distance from home (the districts' centres).
    assert len(one) == len(more) == len(figures.FIGURES) + 1


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
    # What was applied is said in words: a bad officer is every officer.
    assert "Officer: Every officer. Kind of request: Every kind." in page.content.decode()
    officer = make_user(Role.BROKERAGE_OFFICER, team=None, full_name="Olu Officer")
    one = client.get(reverse("approvals:dashboard"), {"officer": officer.pk, "kind": "emergency"})
    assert f"Officer: {officer.full_name}. Kind of request: Emergency." in one.content.decode()


def test_spend_by_band_and_the_weekly_commitment_month_by_month(placed_one, officer):
    placement = placed_one
    start = placement.start_date
    later = start + dt.timedelta(days=30)
    band = str(Role(placement.approval.required_role).label)
    with time_machine.travel(later, tick=False):
        scope = scope_around(later)
        spend = figures.spend_by_band(scope)
        by_month = dict(figures.commitment_by_month(scope).rows)
    # From the start to today, both counted: 31 days at a seventh of the week each.
    assert spend.rows == [(band, (placement.total_weekly * 31 / 7).quantize(D("1")))]
    assert by_month[figures.month_label(later)] == placement.total_weekly
    before_start = start.replace(day=1) - dt.timedelta(days=1)
    assert by_month[figures.month_label(before_start)] == 0
    # A month still to come has no value.
    to_come = later.replace(day=1) + dt.timedelta(days=32)
    assert by_month[figures.month_label(to_come)] is None

    with time_machine.travel(later, tick=False):
        placement_end(
            placement=placement,
            ended_on=start + dt.timedelta(days=10),
            reason="CHILD",
            planned=True,
            note="Returned home",
            new_referral=False,
            actor=officer,
        )
        spend = figures.spend_by_band(scope)
        by_month = dict(figures.commitment_by_month(scope).rows)
    # Paid up to the day before the child left: ten days.
    assert spend.rows == [(band, (placement.total_weekly * 10 / 7).quantize(D("1")))]
    assert by_month[figures.month_label(later)] == 0


def test_response_times_by_provider(referral, officer, providers):
    from referrals.search import answers
    from tests.journeys import offer_values, sent_round

    sent_at = timezone.now().replace(microsecond=0)
    with time_machine.travel(sent_at, tick=False):
        sent_round(referral, officer)
    requests = {
        r.provider.name: r
        for r in ProviderRequest.objects.filter(round__referral=referral).select_related("provider")
    }
    for name, hours in (("Framework 1", 5), ("Framework 2", 30)):
        with time_machine.travel(sent_at + dt.timedelta(hours=hours), tick=False):
            answers.offer_make(
                provider_request=requests[name],
                responder_name="Pat Provider",
                values=offer_values(D("4000"), ofsted_urn=requests[name].provider.ofsted_urn),
            )
    found = figures.response_times(scope_around(sent_at.date()))
    assert found.rows[:2] == [
        ("Framework 2 (1 of 1 answered)", D("30.0")),
        ("Framework 1 (1 of 1 answered)", D("5.0")),
    ]
    silent = len(requests) - 2
    assert found.title == "The slowest provider took a median of 30 hours to answer"
    assert f"of {len(requests)} providers asked; {silent} answered none: " in found.subtitle
    assert "Framework 3" in found.subtitle


def load_centres(rows):
    from providers.importing.spreadsheet import RawCell, Table
    from providers.services.districts import districts_load

    table = Table(
        headers=["Postcode", "Latitude", "Longitude"],
        rows=[(n, [RawCell(v) for v in row]) for n, row in enumerate(rows, start=2)],
    )
    return districts_load(table)


def test_the_share_placed_more_than_twenty_miles_from_home(placed_one, officer):
    from providers.services.directory import provider_update

    placement = placed_one
    scope = scope_around(placement.start_date)
    # Nothing loaded: nothing can be measured, and the page says so.
    assert figures.far_from_home(scope).title == "No placement could be measured"
    assert "(n=0 of 1)" in figures.far_from_home(scope).subtitle
    # LE1 (Leicester) to NG1 (Nottingham) is about 23 miles; to LE2, about 2.
    assert (
        load_centres(
            [
                ("LE1", "52.6360", "-1.1330"),
                ("LE2", "52.6100", "-1.1100"),
                ("NG1", "52.9540", "-1.1500"),
            ]
        ).count
        == 3
    )
    for district, expected in (("NG1", D("100.0")), ("LE2", D("0.0"))):
        provider_update(
            provider=placement.provider,
            values={"postcode_district": district},
            categories=None,
            specialisms=None,
            actor=officer,
        )
        found = figures.far_from_home(scope)
        assert dict(found.rows)[figures.month_label(placement.start_date)] == expected
        assert "(n=1 of 1)" in found.subtitle


def test_district_centres_load_all_or_nothing():
    from providers.models import PostcodeDistrict

    assert load_centres([("LE1", "52.6", "-1.1")]).count == 1
    refused = load_centres(
        [
            ("LE2", "52.6", "-1.1"),
            ("not one", "52", "-1"),
            ("LE3", "north", "-1"),
            ("le2", "1", "1"),
        ]
    )
    assert refused.count == 0
    assert refused.problems == [
        "Row 3: \u201cNOTONE\u201d is not a postcode district",
        "Row 4: give LE3's latitude and longitude in degrees",
        "Row 5: LE2 is given twice",
    ]
    assert list(PostcodeDistrict.objects.values_list("code", flat=True)) == ["LE1"]


def test_the_command_loads_district_centres_or_nothing(tmp_path):
    from django.core.management import CommandError, call_command

    from providers.models import PostcodeDistrict

    good = tmp_path / "districts.csv"
    good.write_text("Postcode,Latitude,Longitude,Easting\nLE1,52.636,-1.133,458000\n")
    out = io.StringIO()
    call_command("load_postcode_districts", str(good), stdout=out)
    assert out.getvalue().strip() == "1 postcode districts loaded."
    bad = tmp_path / "bad.csv"
    bad.write_text("District,Latitude,Longitude\nLE2,95,-1.1\n")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_postcode_districts", str(bad), stderr=io.StringIO())
    assert list(PostcodeDistrict.objects.values_list("code", flat=True)) == ["LE1"]


def test_the_local_share_follows_the_setting_s_tier(placed_one, officer):
    from providers.models import Tier
    from providers.services.directory import provider_update

    scope = scope_around(placed_one.start_date)
    month = figures.month_label(placed_one.start_date)
    for tier, share in ((Tier.INSIDE, D("100.0")), (Tier.OUTSIDE, D("0.0"))):
        provider_update(
            provider=placed_one.provider,
            values={"tier": tier},
            categories=None,
            specialisms=None,
            actor=officer,
        )
        found = figures.local_share(scope)
        assert dict(found.rows)[month] == share
        assert found.title == f"{share}% of placements were local (tier 1)"


def test_open_referrals_by_where_they_stand_and_their_age(social_worker, officer):
    from referrals.brokerage import services as brokerage
    from tests.journeys import approved, complete_draft, submitted

    complete_draft(social_worker)  # a draft is not open yet
    with time_machine.travel(TODAY - dt.timedelta(days=40), tick=False):
        submitted(social_worker)  # five weeks and more
    brokerage.referral_qa_accept(referral=approved(social_worker), actor=officer)
    found = figures.open_referrals(scope_around(TODAY))
    assert found.title == "2 referrals are open, 1 for more than four weeks"
    assert sorted(found.rows) == [("Searching", 1), ("Waiting for team manager", 1)]
