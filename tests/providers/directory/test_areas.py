"""The council's areas: made of postcode districts, kept by administrators, covered by
providers of support at home, and found from a child's postcode."""

import pytest
from django.urls import reverse

from placements.roles import Role
from placements.services import DomainError
from providers.models import Area, areas_covering, postcode_district
from providers.services import area_save
from tests.providers.factories import ProviderFactory


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMINISTRATOR)


def test_districts_are_read_from_what_people_type(admin):
    area = area_save(name="City", districts="le1, LE2;  le67\nLE1", actor=admin)
    assert area.districts == ["LE1", "LE2", "LE67"]
    with pytest.raises(DomainError, match=r"not: LE1 6ZG|not: 6ZG"):
        area_save(name="West", districts="LE1 6ZG", actor=admin)
    with pytest.raises(DomainError, match="already an area called city"):
        area_save(name="city", districts="LE3", actor=admin)


@pytest.mark.parametrize(
    ("postcode", "district"),
    [("LE1 6ZG", "LE1"), ("le676ab", "LE67"), ("M1 1AE", "M1"), ("SW1A 1AA", "SW1A")],
)
def test_a_postcodes_district_is_its_outward_code(postcode, district):
    assert postcode_district(postcode) == district


def test_a_childs_postcode_finds_the_areas_that_hold_its_district(admin):
    city = area_save(name="City", districts="LE1, LE2", actor=admin)
    area_save(name="North", districts="LE12", actor=admin)
    retired = area_save(name="Old", districts="LE1", actor=admin, is_active=False)
    assert areas_covering(["LE1 6ZG"]) == [city]
    assert retired not in areas_covering(["LE1 6ZG"])
    assert areas_covering(["LE99 1AA"]) == []


def test_an_administrator_adds_and_changes_areas_through_the_pages(client_for):
    admin = client_for(Role.ADMINISTRATOR)
    refused = admin.post(reverse("providers:areas"), {"name": "City", "districts": "six"})
    assert "Give postcode districts" in refused.content.decode()
    assert not Area.objects.exists()
    admin.post(reverse("providers:areas"), {"name": "City", "districts": "LE1, LE2"})
    area = Area.objects.get()
    admin.post(
        reverse("providers:area-edit", kwargs={"pk": area.pk}),
        {"name": "City centre", "districts": "LE1", "is_active": "on"},
    )
    area.refresh_from_db()
    assert (area.name, area.districts) == ("City centre", ["LE1"])


def test_only_administrators_keep_areas(client_for, admin):
    area = area_save(name="City", districts="LE1", actor=admin)
    officer = client_for(Role.BROKERAGE_OFFICER)
    assert officer.get(reverse("providers:areas")).status_code == 403
    edit = reverse("providers:area-edit", kwargs={"pk": area.pk})
    assert officer.post(edit, {"name": "Mine", "districts": "LE9"}).status_code == 403
    area.refresh_from_db()
    assert area.name == "City"


def test_a_provider_says_which_areas_it_covers_with_history(admin):
    city = area_save(name="City", districts="LE1", actor=admin)
    provider = ProviderFactory(areas=[city], actor=admin)
    assert list(provider.areas.all()) == [city]
    from placements.models import FieldChange

    assert FieldChange.objects.filter(field="Areas covered", new_value="City").exists()
