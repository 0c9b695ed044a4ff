"""Cost bands: which role approves a weekly cost, the version in force when it was
asked, and new versions set by an administrator."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from approvals.costs import services as costs
from approvals.costs.models import CostApproval
from approvals.costs.rules import approver_for, bands_in_force
from placements.models import CouncilSettings
from placements.roles import Role
from placements.services import DomainError
from tests.approvals.conftest import signed_in
from tests.journeys import chosen

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.mark.parametrize(
    ("total", "role"),
    [
        ("0.01", Role.SENIOR_MANAGER),
        ("3999.99", Role.SENIOR_MANAGER),
        ("4000.00", Role.HEAD_OF_SERVICE),
        ("6999.99", Role.HEAD_OF_SERVICE),
        ("7000.00", Role.DIRECTOR),
        ("25000.00", Role.DIRECTOR),
    ],
)
def test_the_total_weekly_cost_decides_the_band(total, role):
    council = CouncilSettings.load()
    assert approver_for(D(total), in_house=False, council=council)[0] == role


def test_in_house_follows_the_council_setting():
    council = CouncilSettings.load()
    assert approver_for(D("9000"), in_house=True, council=council) == (Role.TEAM_MANAGER, None)
    council.in_house_approval_role = Role.SENIOR_MANAGER
    assert approver_for(D("9000"), in_house=True, council=council)[0] == Role.SENIOR_MANAGER


def test_a_decision_uses_the_bands_in_force_when_it_was_asked(
    make_user, referral, offers, officer, social_worker, head_of_service
):
    administrator = make_user(Role.ADMINISTRATOR)
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])  # £5,500
    assert approval.required_role == Role.HEAD_OF_SERVICE
    later = timezone.now() + dt.timedelta(days=1)
    costs.bands_set(
        bands=[(D("0"), Role.SENIOR_MANAGER), (D("5000"), Role.DIRECTOR)],
        in_force_from=later,
        note="Tighter from tomorrow",
        actor=administrator,
    )
    assert bands_in_force().pk == approval.band_version_id  # tomorrow's are not in force yet
    with time_machine.travel(later + dt.timedelta(hours=1)):
        assert approver_for(D("5500"), in_house=False, council=CouncilSettings.load())[0] == (
            Role.DIRECTOR
        )
        # The approval asked yesterday still goes to the head of service.
        costs.approval_approve(approval=approval, actor=head_of_service)
    approval.refresh_from_db()
    assert approval.status == CostApproval.Status.APPROVED


def test_bands_are_checked_when_set(make_user):
    administrator = make_user(Role.ADMINISTRATOR)
    now = timezone.now()
    cases = [
        ([(D("100"), Role.SENIOR_MANAGER)], "start at £0.00"),
        ([(D("0"), Role.DIRECTOR), (D("4000"), Role.SENIOR_MANAGER)], "more senior"),
        ([(D("0"), Role.SENIOR_MANAGER), (D("0"), Role.DIRECTOR)], "same amount"),
        ([(D("0"), Role.SOCIAL_WORKER)], "senior manager, head of service or director"),
    ]
    for bands, message in cases:
        with pytest.raises(DomainError, match=message):
            costs.bands_set(bands=bands, in_force_from=now, note="", actor=administrator)
    with pytest.raises(DomainError, match="never in the past"):
        costs.bands_set(
            bands=[(D("0"), Role.DIRECTOR)],
            in_force_from=now - dt.timedelta(days=1),
            note="",
            actor=administrator,
        )
    with pytest.raises(DomainError, match="administrator"):
        costs.bands_set(
            bands=[(D("0"), Role.DIRECTOR)],
            in_force_from=now,
            note="",
            actor=make_user(Role.DIRECTOR),
        )


def test_an_administrator_sets_new_bands(make_user):
    admin = signed_in(make_user(Role.ADMINISTRATOR))
    today = dt.date.today()
    when = {"in_force_from_0": today.day, "in_force_from_1": today.month}
    when["in_force_from_2"] = today.year
    bad = admin.post(
        reverse("approvals:bands"),
        {**when, "note": "x", "from_1": "100", "role_1": "senior_manager"},
    ).content.decode()
    assert "The first band must start at £0.00" in bad
    admin.post(
        reverse("approvals:bands"),
        {
            **when,
            "note": "Inflation",
            "from_1": "0",
            "role_1": "senior_manager",
            "from_2": "£4,500",
            "role_2": "head_of_service",
            "from_3": "8000",
            "role_3": "director",
        },
    )
    page = admin.get(reverse("approvals:bands")).content.decode()
    assert "£4,500.00 to £7,999.99" in page

    council = CouncilSettings.load()
    assert approver_for(Decimal("4499.99"), in_house=False, council=council)[0] == (
        Role.SENIOR_MANAGER
    )
