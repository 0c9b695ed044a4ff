"""The demo data `make run` loads: every step of the journey is there to try."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from approvals.costs.rules import approver_for
from approvals.demo.children import FIRST
from approvals.offers.selectors import offer_comparison
from approvals.placement.models import Placement, PlacementAgreement, ProviderFeedback
from placements.models import CouncilSettings
from placements.roles import Role
from placements.selectors import teams_without_manager
from referrals.models import Child, Referral

pytestmark = pytest.mark.django_db


def test_the_demo_has_offers_to_compare_and_a_placement_made():
    call_command("seed_demo", quiet_logins=True)
    council = CouncilSettings.load()
    placed = Referral.objects.get(status=Referral.Status.PLACED, service="placement")
    agreement = PlacementAgreement.objects.get(placement__referral=placed)
    assert agreement.status == PlacementAgreement.Status.COUNTERSIGNED
    assert ProviderFeedback.objects.filter(request__round__referral=placed).exists()
    # One referral has offers waiting to be compared: in-house, and one the head of
    # service approves (so the whole of the journey can be tried by hand).
    waiting = [
        rows
        for referral in Referral.objects.filter(
            status=Referral.Status.ACCEPTED, service="placement"
        )
        for rows in [offer_comparison(referral, council=council)]
        if len(rows) >= 2
    ]
    assert waiting, "no demo referral has offers to compare"
    rows = waiting[0]
    assert any(row.provider.is_in_house for row in rows)
    totals = [row.response.agreed_total_weekly for row in rows if not row.provider.is_in_house]
    # One offer for each approver's band, so each can be tried (the README says which).
    assert {approver_for(total, in_house=False, council=council)[0] for total in totals} == {
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.DIRECTOR,
    }
    # The demo does not contradict itself: school-age children for a profile about
    # school and PE, and each given name with the gender the demo gives it.
    genders = dict(FIRST)
    for child in Child.objects.all():
        assert 5 <= child.age_on(child.created_at.date())[0] <= 17
        assert child.gender == genders[child.first_name]
    assert sorted(totals) == [Decimal("3750.00"), Decimal("5500.00"), Decimal("7000.00")]
    # Every team with social workers has a team manager: nobody's referral waits for ever.
    assert teams_without_manager() == []
    # Loading it again changes nothing.
    call_command("seed_demo", quiet_logins=True)
    assert Placement.objects.count() == 2  # the placement and the home care package


def test_the_demo_has_a_short_break_to_award_and_a_home_care_package_in_place():
    from approvals.packages.selectors import service_answers

    call_command("seed_demo", quiet_logins=True)
    short_break = Referral.objects.get(service="short_break")
    answers = service_answers(short_break, "short_break")
    assert len(answers) >= 2 and any(not a.covers_all for a in answers)
    assert short_break.stage == Referral.Stage.SEARCHING
    assert short_break.summer_requests.get().days == 5  # next summer's, on file
    home_care = Referral.objects.get(service="home_care")
    assert home_care.status == Referral.Status.PLACED
    assert {s.period for s in home_care.schedule.all()} == {"term", "holiday"}
    agreement = PlacementAgreement.objects.get(placement__referral=home_care)
    assert agreement.status == PlacementAgreement.Status.COUNTERSIGNED
    # Providers of support at home cover the council's areas; the child's among them.
    from referrals.search.rules import child_areas

    assert child_areas(home_care)
