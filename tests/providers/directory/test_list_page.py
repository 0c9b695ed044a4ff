"""The list of providers: each filter, the archived ones, clearance, htmx results, queries
and pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.roles import Role
from providers.models import Category, FrameworkStatus, OfstedRating, ProviderType, Specialism, Tier
from providers.services.directory import provider_archive
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate()


@pytest.fixture
def directory(db):
    autism = Specialism.objects.create(name="Autism")
    return {
        "willow": ProviderFactory(
            name="Willow House",
            provider_type=ProviderType.RESIDENTIAL,
            tier=Tier.OUTSIDE,
            categories={"residential": FrameworkStatus.FRAMEWORK},
            specialisms=[autism],
            vacancies=0,
            ofsted_rating=OfstedRating.OUTSTANDING,
        ),
        "harbour": ProviderFactory(
            name="Harbour Fostering",
            categories={"fostering": FrameworkStatus.SPOT},
            vacancies=2,
            ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT,
            ofsted_urn="SC111111",
            referral_emails=["duty@harbour.example"],
        ),
        "lantern": ProviderFactory(
            name="Lantern Care",
            provider_type=ProviderType.HOME_CARE,
            categories={"home-care": FrameworkStatus.OFF_FRAMEWORK},
            vacancies=1,
            qa_initial_visit_date=TODAY - dt.timedelta(days=800),
        ),
        "autism": autism,
    }


def names(response):
    return [p.name for p, _clearance in response.context["rows"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Harbour Fostering", "Lantern Care", "Willow House"]),
        ({"q": "harbour"}, ["Harbour Fostering"]),
        ({"q": "SC111111"}, ["Harbour Fostering"]),
        ({"q": "duty@harbour"}, ["Harbour Fostering"]),
        ({"provider_type": ["residential", "home_care"]}, ["Lantern Care", "Willow House"]),
        ({"tier": "2"}, ["Willow House"]),
        ({"framework_status": "spot"}, ["Harbour Fostering"]),
        ({"ofsted_rating": "outstanding"}, ["Willow House"]),
        ({"cleared": "yes"}, ["Willow House"]),
        ({"cleared": "no"}, ["Harbour Fostering", "Lantern Care"]),
        ({"has_vacancy": "yes"}, ["Harbour Fostering", "Lantern Care"]),
        ({"has_vacancy": "no"}, ["Willow House"]),
    ],
)
def test_each_filter(officer_client, directory, params, expected):
    response = officer_client.get(reverse("providers:list"), params)
    assert response.status_code == 200
    assert names(response) == expected


def test_category_with_framework_status_filters_together(officer_client, directory):
    residential = Category.objects.get(slug="residential")
    url = reverse("providers:list")
    both = {"category": residential.pk, "framework_status": "framework"}
    assert names(officer_client.get(url, both)) == ["Willow House"]
    both["framework_status"] = "spot"
    assert names(officer_client.get(url, both)) == []


def test_specialism_filter(officer_client, directory):
    response = officer_client.get(reverse("providers:list"), {"specialism": directory["autism"].pk})
    assert names(response) == ["Willow House"]


def test_archived_hidden_unless_asked_for(officer_client, directory, make_user):
    provider_archive(provider=directory["willow"], actor=make_user(Role.ADMINISTRATOR))
    url = reverse("providers:list")
    assert "Willow House" not in names(officer_client.get(url))
    assert names(officer_client.get(url, {"status": "archived"})) == ["Willow House"]


def test_not_cleared_shows_the_reason(officer_client, directory):
    page = officer_client.get(reverse("providers:list")).content.decode()
    assert "Not cleared" in page
    assert "QA visit out of date" in page
    assert "no RI-process exception is recorded" in page


def test_htmx_request_gets_only_the_results(officer_client, directory):
    response = officer_client.get(
        reverse("providers:list"), {"q": "willow"}, headers={"HX-Request": "true"}
    )
    assert b"<html" not in response.content
    assert b"1 provider" in response.content
    # The count is announced through a status region outside the swapped results.
    assert b'id="provider-status" hx-swap-oob="true">1 provider found' in response.content


def test_list_uses_a_fixed_number_of_queries(officer_client):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert (
                officer_client.get(reverse("providers:list"), {"has_vacancy": "yes"}).status_code
                == 200
            )
        return len(ctx)

    for _ in range(3):
        ProviderFactory(categories={"fostering": "framework", "parent-and-child": "spot"})
    count_queries()  # the first request creates the council settings row
    few = count_queries()
    for _ in range(20):
        ProviderFactory(categories={"fostering": "framework", "parent-and-child": "spot"})
    assert count_queries() == few


def test_pagination(officer_client):
    for n in range(27):
        ProviderFactory(name=f"Provider {n:02d}")
    page_two = officer_client.get(reverse("providers:list"), {"page": 2})
    assert names(page_two) == ["Provider 25", "Provider 26"]
    assert b'aria-current="page"' in page_two.content


def test_filter_panel_keeps_what_was_chosen(officer_client, directory):
    response = officer_client.get(
        reverse("providers:list"),
        {"provider_type": "residential", "has_vacancy": "yes", "q": "wil", "tier": "2"},
    )
    page = response.content.decode()
    assert 'name="provider_type" type="checkbox" value="residential" checked' in page
    assert 'name="provider_type" type="checkbox" value="home_care">' in page
    assert '<option value="yes" selected>Yes</option>' in page
    assert 'name="q" type="search" value="wil"' in page
    assert 'name="tier" type="checkbox" value="2" checked' in page
