"""The placements tracker: filtered, downloaded, and only for the roles that oversee."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.approvals.conftest import signed_in
from tests.journeys import chosen, placed

pytestmark = pytest.mark.django_db


def test_the_tracker_filters_and_exports(
    make_user, referral, offers, officer, social_worker, head_of_service
):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    placed(approval, officer, head_of_service)
    viewer = signed_in(head_of_service)
    page = viewer.get(reverse("approvals:tracker")).content.decode()
    assert referral.reference in page and "£5,500.00" in page
    in_house_only = viewer.get(reverse("approvals:tracker"), {"setting": "in_house"})
    assert referral.reference not in in_house_only.content.decode()
    csv_body = viewer.get(reverse("approvals:tracker-export", kwargs={"fmt": "csv"}))
    text = csv_body.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Referral,Children,Provider")
    assert referral.reference in text and "5500.00" in text
    xlsx = viewer.get(reverse("approvals:tracker-export", kwargs={"fmt": "xlsx"}))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[1][0] == referral.reference and rows[1][10] == 5500
    assert signed_in(social_worker).get(reverse("approvals:tracker")).status_code == 403
