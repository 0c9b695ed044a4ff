"""The children looked after return helper: placements of a year in the SSDA903 episode
shape, with the administrator's codes for each type of provider."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from approvals.placement import returns
from approvals.placement.services.ending import placement_end
from placements.roles import Role
from placements.services import DomainError
from providers.models import ProviderType
from tests.approvals.conftest import signed_in
from tests.journeys import chosen, placed

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(referral, offers, officer, social_worker, head_of_service):
    approval = chosen(referral, officer, social_worker, offers["Framework 2"])
    made = placed(approval, officer, head_of_service).placement
    made.provider.postcode_district = "LE2"
    made.provider.save()
    return made


def test_the_administrator_maps_codes_and_the_year_downloads(placement, officer, make_user):
    admin = make_user(Role.ADMINISTRATOR, team=None)
    client = signed_in(admin)
    page = reverse("approvals:return-codes")
    missing = client.post(page, {})
    assert missing.context["form"].errors  # every type needs both codes
    data = {}
    for value, _ in ProviderType.choices:
        data[f"place_{value}"] = "U6" if "fostering" in value else "K2"
        data[f"provider_{value}"] = "PR4"
    assert client.post(page, data).status_code == 302
    with time_machine.travel(placement.start_date + dt.timedelta(days=20), tick=False):
        placement_end(
            placement=placement,
            ended_on=placement.start_date + dt.timedelta(days=15),
            reason="CARPL",
            planned=True,
            note="",
            new_referral=False,
            actor=officer,
        )
        year = returns.year_of(placement.start_date)
        viewer = signed_in(officer)
        shown = viewer.get(reverse("approvals:ssda903"), {"year": year})
        assert "1 episode" in shown.content.decode()
        download = viewer.get(reverse("approvals:ssda903"), {"year": year, "format": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == returns.HEADERS
    assert rows[1] == [
        placement.referral.reference,
        f"{placement.start_date:%d/%m/%Y}",
        f"{placement.start_date + dt.timedelta(days=15):%d/%m/%Y}",
        "CARPL",
        "U6",
        "PR4",
        "LE2",
        placement.provider.ofsted_urn,
    ]


def test_a_type_without_codes_is_listed_and_left_blank(placement, officer):
    found = returns.episodes_of(*returns.year_span(returns.year_of(placement.start_date)))
    assert found.unmapped == ["Independent fostering agency"]
    assert found.episodes[0].place == ""
    # A year the placement was not open has none.
    earlier = returns.episodes_of(*returns.year_span(returns.year_of(placement.start_date) - 2))
    assert earlier.episodes == []


def test_only_an_administrator_maps_and_only_tracker_viewers_download(
    placement, officer, social_worker
):
    with pytest.raises(DomainError, match="Only an administrator"):
        returns.return_codes_save(codes={"residential": ("K2", "PR4")}, actor=officer)
    assert signed_in(officer).get(reverse("approvals:return-codes")).status_code == 403
    assert signed_in(social_worker).get(reverse("approvals:ssda903")).status_code == 403


def test_an_episode_open_on_the_years_last_day_has_no_end_that_year(placement, officer):
    start = placement.start_date
    year = returns.year_of(start)
    first, last = returns.year_span(year)
    with time_machine.travel(last + dt.timedelta(days=5), tick=False):
        placement_end(
            placement=placement,
            ended_on=last + dt.timedelta(days=1),
            reason="CARPL",
            planned=True,
            note="",
            new_referral=False,
            actor=officer,
        )
    this_year = returns.episodes_of(first, last).episodes
    assert (this_year[0].end, this_year[0].reason) == (None, "")
    next_year = returns.episodes_of(*returns.year_span(year + 1)).episodes
    assert (next_year[0].end, next_year[0].reason) == (last + dt.timedelta(days=1), "CARPL")
