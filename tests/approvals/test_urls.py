"""Where the approvals pages live: those about one referral under the referral's own
address, the rest under /approvals/; and the old addresses still reach them."""

import pytest
from django.core.checks import run_checks
from django.urls import reverse

from placements.roles import Role
from tests.placements.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new_name", "kwargs"),
    [
        ("offers/", "approvals:offers", {}),
        ("offers/7/negotiate/", "approvals:negotiate", {"response_pk": 7}),
        ("offers/7/flags/funding/", "approvals:override", {"response_pk": 7, "flag": "funding"}),
        ("options/", "approvals:options", {}),
        ("no-suitable-options/", "approvals:no-suitable-options", {}),
        ("flexibility/3/", "approvals:flexibility", {"asked_pk": 3}),
        ("costs/5/", "approvals:cost-approval", {"approval_pk": 5}),
        ("costs/5/ask-again/", "approvals:ask-again", {"approval_pk": 5}),
        ("placement/", "approvals:placement", {}),
        (
            "placement/agreements/9/final.pdf",
            "approvals:agreement-file",
            {"agreement_pk": 9, "kind": "final"},
        ),
        ("feedback/", "approvals:feedback", {}),
    ],
)
def test_old_approvals_addresses_redirect_to_the_referrals_pages(client, old, new_name, kwargs):
    """Links in emails sent before these pages moved under /referrals/ keep working."""
    client.force_login(UserFactory(roles=[Role.BROKERAGE_OFFICER]))
    response = client.get(f"/approvals/referrals/41/{old}?from=email")
    assert response.status_code == 301
    new = reverse(new_name, kwargs={"pk": 41, **kwargs})
    assert new.startswith("/referrals/41/")
    assert response["Location"] == new + "?from=email"


def test_the_pages_across_referrals_stay_under_approvals():
    assert reverse("approvals:queue") == "/approvals/"
    assert reverse("approvals:bands") == "/approvals/cost-bands/"
    assert reverse("approvals:tracker") == "/approvals/placements/"
    assert reverse("approvals:tracker-export", kwargs={"fmt": "csv"}) == (
        "/approvals/placements/export.csv"
    )


def test_the_addresses_pass_djangos_checks():
    """One namespace for the approvals pages, wherever they sit (urls.W005 and the rest)."""
    assert [message.id for message in run_checks(tags=["urls"])] == []
