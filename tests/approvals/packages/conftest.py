"""A home care package in place, for its variations and its invoices."""

import datetime as dt

import pytest
from django.utils import timezone

from approvals.packages.rules import Part
from approvals.packages.services import package_award, package_confirm
from approvals.placement.services.agreement import agreement_issue, agreement_sign
from placements.models import CouncilSettings
from placements.roles import Role
from providers.services import area_save
from tests.journeys import (
    countersign,
    lot_provider,
    package_offer,
    package_round,
    searchable_package,
)

TODAY = timezone.localdate


@pytest.fixture
def in_place(social_worker, officer, make_user):
    """A home care package in place: Care A, the whole pattern at £18.50 an hour (9
    hours in term time, 9 in the holidays), its agreement countersigned."""
    city = area_save(name="City", districts="LE1", actor=make_user(Role.ADMINISTRATOR))
    lot_provider("home-care", areas=[city], name="Care A")
    council = CouncilSettings.load()
    council.package_cost_approval = "panel"
    council.save()
    referral = searchable_package(social_worker, officer)
    answer = package_offer(package_round(referral, officer), "Care A")
    shortlist = package_award(
        referral=referral, parts=[Part(answer, "home_care")], reason="All", actor=officer
    )
    [placement] = package_confirm(
        approval=shortlist.chosen.approvals.get(),
        start_date=TODAY() + dt.timedelta(days=10),
        actor=officer,
    )
    agreement = agreement_issue(placement=placement, actor=officer)
    agreement_sign(agreement=agreement, name="Pat", role="Manager", declaration=True)
    countersign(agreement, by=make_user(Role.BROKERAGE_OFFICER, team=None))
    placement.refresh_from_db()
    return placement
