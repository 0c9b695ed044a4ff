import pytest
from django.urls import reverse

from placements.models import CouncilSettings
from placements.roles import Role

pytestmark = pytest.mark.django_db


def test_officer_is_sent_to_the_action_list(officer_client):
    response = officer_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:action-list")


def test_social_worker_is_sent_straight_to_their_referrals(social_worker_client):
    response = social_worker_client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:list")


def test_administrator_sees_their_places_to_work(administrator_client):
    response = administrator_client.get(reverse("home"))
    assert response.status_code == 200
    for label in (b"Providers", b"Users", b"Council settings"):
        assert label in response.content


def test_a_role_with_nothing_here_yet_gets_a_home_page(client_for):
    response = client_for(Role.DIRECTOR).get(reverse("home"))
    assert response.status_code == 200
    assert b"Director" in response.content
    assert reverse("providers:list").encode() not in response.content


def test_navigation_shows_only_what_the_role_can_use(client_for):
    director = client_for(Role.DIRECTOR)
    page = director.get(reverse("home")).content
    assert b'href="/providers/"' not in page
    assert b'href="/users/"' not in page
    admin = client_for(Role.ADMINISTRATOR)
    page = admin.get(reverse("home")).content
    assert b'href="/providers/"' in page and b'href="/users/"' in page


def test_header_shows_the_council_name_not_the_crown(administrator_client):

    council = CouncilSettings.load()
    council.council_name = "Westshire Council"
    council.save()
    page = administrator_client.get(reverse("home")).content
    assert b"Westshire Council" in page
    assert b"govuk-header__logotype" not in page
