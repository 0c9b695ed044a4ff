"""A package's changes after its award: more hours (with the panel's date), fewer
hours, a new end date, the family no longer needing it, and the provider no longer able
to meet part of it; each a new version of the agreement, the old one standing until the
new one is countersigned."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.packages.models import PackageVariation
from approvals.packages.rules import Part
from approvals.packages.services import package_award
from approvals.packages.variations import package_vary
from approvals.placement.models import Placement, PlacementAgreement
from approvals.placement.services.agreement import agreement_issue, agreement_sign
from placements.models import OutboxMessage
from placements.roles import Role
from placements.services import DomainError
from referrals.models import Referral
from tests.journeys import (
    countersign,
    lot_provider,
    package_offer,
    package_round,
)

TODAY = timezone.localdate


def evening_rows(placement):
    return list(placement.referral.schedule.filter(period="term", starts=dt.time(16)))


def weeks(placement):
    placement.refresh_from_db()
    return {w["label"]: (w["hours"], w["cost"]) for w in placement.package_terms["weeks"]}


def test_more_hours_need_the_panels_date_and_make_a_new_version(in_place, officer, make_user):
    evenings = evening_rows(in_place)
    more = {evenings[0].pk: Decimal("2"), evenings[1].pk: Decimal("2")}
    with pytest.raises(DomainError, match="give its date"):
        package_vary(
            placement=in_place,
            kind="more_hours",
            reason="Needs more",
            effective_from=TODAY(),
            hours=more,
            actor=officer,
        )
    # The evenings run 16:00 to 18:00: three hours do not fit.
    with pytest.raises(DomainError, match="3 hours do not fit between 16:00 and 18:00"):
        package_vary(
            placement=in_place,
            kind="more_hours",
            reason="Needs more",
            effective_from=TODAY(),
            panel_date=TODAY(),
            hours={evenings[0].pk: Decimal("3")},
            actor=officer,
        )
    mornings = list(in_place.referral.schedule.filter(period="term", starts=dt.time(7)))
    variation = package_vary(
        placement=in_place,
        kind="more_hours",
        reason="Panel agreed an extra half hour each morning",
        effective_from=TODAY() + dt.timedelta(days=14),
        panel_date=TODAY(),
        hours={row.pk: Decimal("1.5") for row in mornings},
        actor=officer,
    )
    assert weeks(in_place)["A term-time week"] == ("11.5", "212.75")
    assert weeks(in_place)["A school-holiday week"] == ("9", "166.50")
    in_place.refresh_from_db()
    assert in_place.total_weekly == Decimal("212.75")
    # Version 2 goes to sign; version 1 stands until version 2 is countersigned.
    assert variation.agreement.version == 2
    first = in_place.agreements.get(version=1)
    assert first.status == PlacementAgreement.Status.COUNTERSIGNED
    assert in_place.referral.status == Referral.Status.PLACED
    agreement_sign(agreement=variation.agreement, name="Pat", role="Manager", declaration=True)
    countersign(variation.agreement, by=make_user(Role.BROKERAGE_OFFICER, team=None))
    first.refresh_from_db()
    assert first.status == PlacementAgreement.Status.SUPERSEDED
    in_place.refresh_from_db()
    assert in_place.status == Placement.Status.PLACED
    assert OutboxMessage.objects.filter(key__startswith="package_varied:").exists()


def test_fewer_hours_only_go_down(in_place, officer):
    evenings = evening_rows(in_place)
    morning = in_place.referral.schedule.filter(period="term", starts=dt.time(7)).first()
    with pytest.raises(DomainError, match="no day may have more hours"):
        package_vary(
            placement=in_place,
            kind="fewer_hours",
            reason="Less needed",
            effective_from=TODAY(),
            hours={morning.pk: Decimal("1.5"), evenings[1].pk: Decimal("1")},
            actor=officer,
        )
    package_vary(
        placement=in_place,
        kind="fewer_hours",
        reason="Less needed",
        effective_from=TODAY(),
        hours={evenings[0].pk: Decimal("1")},
        actor=officer,
    )
    assert weeks(in_place)["A term-time week"] == ("8", "148.00")


def test_a_new_end_date_and_no_longer_needed_end_the_package(in_place, officer):
    later = TODAY() + dt.timedelta(days=100)
    package_vary(
        placement=in_place,
        kind="end_date",
        reason="Review brought it forward",
        effective_from=TODAY(),
        end_date=later,
        actor=officer,
    )
    in_place.refresh_from_db()
    assert in_place.end_date == later
    assert in_place.package_terms["end"] == f"{later:%-d %B %Y}"
    agreement = in_place.agreements.get(version=2)
    agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    countersign(agreement)
    package_vary(
        placement=in_place,
        kind="not_needed",
        reason="The family moved away",
        effective_from=TODAY() + dt.timedelta(days=7),
        actor=officer,
    )
    in_place.refresh_from_db()
    # Not needed from that day: the day before is the last.
    assert in_place.end_date == TODAY() + dt.timedelta(days=6)
    with pytest.raises(DomainError, match="countersigned"):
        package_vary(
            placement=in_place,
            kind="not_needed",
            reason="Again",
            effective_from=TODAY(),
            actor=officer,
        )


def test_the_provider_can_no_longer_meet_part_of_it_and_that_part_is_brokered_again(
    in_place, officer, make_user, client
):
    evenings = evening_rows(in_place)
    with pytest.raises(DomainError, match="no longer cover"):
        package_vary(
            placement=in_place,
            kind="cannot_meet",
            reason="Lost evening staff",
            effective_from=TODAY(),
            actor=officer,
        )
    variation = package_vary(
        placement=in_place,
        kind="cannot_meet",
        reason="Lost evening staff",
        effective_from=TODAY(),
        dropped=[row.pk for row in evenings],
        actor=officer,
    )
    assert weeks(in_place)["A term-time week"] == ("5", "92.50")
    assert in_place.package_terms["uncovered"] == 2
    assert variation.changes == {"dropped": sorted(row.pk for row in evenings)}
    referral = Referral.objects.get(pk=in_place.referral_id)
    # Back with brokerage, searching for the evenings only; the mornings stay in place.
    assert (referral.status, referral.stage) == ("accepted", "searching")
    assert referral.next_action == "Broker again the part the provider can no longer cover"
    lot_provider(
        "home-care",
        areas=[referral.search_rounds.first().requests.first().provider.areas.first()],
        name="Care Evenings",
    )
    search_round = package_round(referral, officer)
    assert sorted(search_round.rows) == sorted(row.pk for row in evenings)
    referral.refresh_from_db()
    assert referral.date_needed == referral.package.start_date  # for the lists' order
    # Care A was asked before, for the whole pattern: this is a new request.
    assert set(search_round.requests.values_list("provider__name", flat=True)) == {
        "Care A",
        "Care Evenings",
    }
    # The provider's page says which days and times this request is about.
    from tests.referrals.conftest import links_in_outbox

    address = search_round.requests.get(provider__name="Care Evenings").provider
    token = links_in_outbox("provider_request")[address.referral_emails[0]]
    page = client.get(reverse("respond:page", kwargs={"token": token})).content.decode()
    assert "This request is about part of the weekly pattern below only" in page
    assert "Term time: Tuesday, 16:00 to 18:00" in page
    top_up = package_offer(search_round, "Care Evenings", rate="20.00")
    package_offer(search_round, "Care A", rate="25.00")
    assert {c.slot_id for c in top_up.covered.all()} == {row.pk for row in evenings}
    shortlist = package_award(
        referral=referral,
        parts=[Part(top_up, "home_care")],
        reason="Covers the evenings",
        actor=officer,
    )
    approval = shortlist.chosen.approvals.get()
    # The whole package, week by week: in term time the mornings in place (£92.50) and
    # the evenings added (4 hours at £20 = £80); in the holidays £166.50.
    assert approval.total_weekly == Decimal("172.50")
    # Care A keeps its mornings: its request for them is not told it was not awarded
    # (its answer for the evenings, in the new round, is).
    assert not OutboxMessage.objects.filter(
        key=f"provider_not_awarded:{in_place.response.request_id}"
    ).exists()
    assert OutboxMessage.objects.filter(
        key=f"provider_not_awarded:{search_round.requests.get(provider__name='Care A').pk}"
    ).exists()
    # The start of the part awarded again is confirmed on the package's page.
    client.force_login(officer)
    page_url = reverse("approvals:placement", kwargs={"pk": referral.pk})
    assert "Confirm the start date" in client.get(page_url).content.decode()
    start = TODAY() + dt.timedelta(days=7)
    client.post(
        page_url,
        {
            "action": "confirm",
            "start_date_0": start.day,
            "start_date_1": start.month,
            "start_date_2": start.year,
        },
    )
    evenings_placement = referral.placements.get(approval=approval)
    # Its terms are the evenings it was asked about, nothing else.
    assert evenings_placement.package_terms["uncovered"] == 0
    assert [w["label"] for w in evenings_placement.package_terms["weeks"]] == ["A term-time week"]
    agreement = agreement_issue(placement=evenings_placement, actor=officer)
    agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    countersign(agreement, by=make_user(Role.BROKERAGE_OFFICER, team=None))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.PLACED
    assert referral.placements.count() == 2
    referral.package.refresh_from_db()
    assert referral.package.to_rebroker == []


def test_only_brokerage_varies_and_only_a_package(in_place, social_worker):
    with pytest.raises(DomainError, match="Only brokerage"):
        package_vary(
            placement=in_place,
            kind="not_needed",
            reason="x",
            effective_from=TODAY(),
            actor=social_worker,
        )
    assert not PackageVariation.objects.exists()


def test_a_change_is_recorded_through_its_page(in_place, client_for):
    officer = client_for(Role.BROKERAGE_OFFICER, team=None)
    url = reverse(
        "approvals:vary", kwargs={"pk": in_place.referral_id, "placement_pk": in_place.pk}
    )
    page = officer.get(url).content.decode()
    assert "Record a change to the package" in page
    today = TODAY()
    data = {
        "kind": "more_hours",
        "reason": "Panel agreed",
        "effective_from_0": today.day,
        "effective_from_1": today.month,
        "effective_from_2": today.year,
    }
    refused = officer.post(url, data).content.decode()
    assert "More hours are approved by the Resource Allocation Panel first" in refused
    evenings = evening_rows(in_place)
    done = officer.post(
        url, {**data, "kind": "cannot_meet", **{f"drop_{row.pk}": "on" for row in evenings}}
    )
    assert done.status_code == 302
    assert in_place.variations.get().kind == "cannot_meet"


def test_another_user_cannot_record_a_change(in_place, client_for, other_team):
    url = reverse(
        "approvals:vary", kwargs={"pk": in_place.referral_id, "placement_pk": in_place.pk}
    )
    for role in (Role.SOCIAL_WORKER, Role.SENIOR_MANAGER):
        stranger = client_for(role, team=other_team)
        assert stranger.get(url).status_code == 403
        assert stranger.post(url, {"kind": "not_needed"}).status_code == 403
    assert not PackageVariation.objects.exists()
