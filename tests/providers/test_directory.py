import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import FieldChange
from placements.roles import Role
from placements.services import DomainError
from providers import services
from providers.models import (
    Category,
    FrameworkStatus,
    OfstedRating,
    Provider,
    ProviderType,
    Specialism,
    Tier,
)
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def history(provider):
    return FieldChange.objects.filter(object_id=provider.pk, content_type__model="provider")


# --- Services ---------------------------------------------------------------------


def test_create_records_every_shown_field_as_history(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory(name="Willow House", actor=admin)
    created = history(provider)
    assert created.filter(field="Name", new_value="Willow House", source="created").exists()
    assert created.filter(field="Categories", new_value="Fostering (Framework)").exists()
    assert set(created.values_list("actor", flat=True)) == {admin.pk}


def test_update_records_only_what_changed_with_old_and_new(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory(vacancies=1, capacity=4)
    before = history(provider).count()
    services.provider_update(
        provider=provider, values={"vacancies": 3}, categories=None, specialisms=None, actor=admin
    )
    changes = history(provider)[: history(provider).count() - before]
    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("Vacancies", "1", "3")]


def test_category_and_specialism_changes_are_in_history(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory()
    autism = Specialism.objects.create(name="Autism")
    residential = Category.objects.get(slug="residential")
    fostering = Category.objects.get(slug="fostering")
    services.provider_update(
        provider=provider,
        values={},
        categories={fostering: FrameworkStatus.SPOT, residential: FrameworkStatus.FRAMEWORK},
        specialisms=[autism],
        actor=admin,
    )
    latest = {c.field: c for c in history(provider).filter(source="edit")}
    assert latest["Categories"].old_value == "Fostering (Framework)"
    assert latest["Categories"].new_value == "Fostering (Spot); Residential care (Framework)"
    assert latest["Specialisms"].new_value == "Autism"


def test_invalid_values_are_refused_and_nothing_is_written(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory(capacity=2, vacancies=0)
    with pytest.raises(DomainError):
        services.provider_update(
            provider=provider,
            values={"vacancies": 5},
            categories=None,
            specialisms=None,
            actor=admin,
        )
    provider.refresh_from_db()
    assert provider.vacancies == 0


def test_archive_and_restore_never_delete(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    provider = ProviderFactory()
    services.provider_archive(provider=provider, actor=admin)
    provider.refresh_from_db()
    assert provider.is_archived and provider.archived_by == admin
    with pytest.raises(DomainError, match="already archived"):
        services.provider_archive(provider=provider, actor=admin)
    services.provider_restore(provider=provider, actor=admin)
    provider.refresh_from_db()
    assert not provider.is_archived
    assert list(history(provider).filter(field="Status").values_list("source", flat=True)) == [
        "restored",
        "archived",
        "created",
    ]


# --- List and filters -------------------------------------------------------------


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
    services.provider_archive(provider=directory["willow"], actor=make_user(Role.ADMINISTRATOR))
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


# --- Create, edit, archive pages -----------------------------------------------------


def form_data(**overrides):
    data = {
        "name": "Meadow View",
        "reference": "prv-9001",
        "provider_type": ProviderType.RESIDENTIAL,
        "tier": "1",
        "ofsted_urn": "sc123456",
        "ofsted_rating": OfstedRating.GOOD,
        "ofsted_inspection_date_0": "3",
        "ofsted_inspection_date_1": "2",
        "ofsted_inspection_date_2": "2026",
        "qa_initial_visit_date_0": "1",
        "qa_initial_visit_date_1": "9",
        "qa_initial_visit_date_2": "2026",
        "age_from": "8",
        "age_to": "17",
        "genders": "any",
        "capacity": "4",
        "vacancies": "1",
        "referral_emails_text": "referrals@meadow.example\nduty@meadow.example",
        "category_residential": FrameworkStatus.FRAMEWORK,
    }
    data.update(overrides)
    return data


def test_administrator_adds_a_provider(administrator_client):
    response = administrator_client.post(reverse("providers:create"), form_data())
    provider = Provider.objects.get(reference="PRV-9001")
    assert response["Location"] == reverse("providers:detail", kwargs={"pk": provider.pk})
    assert provider.ofsted_urn == "SC123456"
    assert provider.referral_emails == ["referrals@meadow.example", "duty@meadow.example"]
    assert provider.ofsted_inspection_date == dt.date(2026, 2, 3)
    assert provider.clearance(on=dt.date(2026, 11, 23)).cleared


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter the provider&#x27;s name"),
        ({"referral_emails_text": "not an email"}, "Enter email addresses in the correct format"),
        ({"referral_emails_text": ""}, "Enter at least one referral email address"),
        ({"age_from": "17", "age_to": "8"}, "The oldest age must be the same as or more than"),
        ({"vacancies": "9"}, "Vacancies cannot be more than the capacity"),
        ({"category_residential": ""}, "Choose a framework status for at least one category"),
        (
            {"ofsted_inspection_date_0": "31", "ofsted_inspection_date_1": "2"},
            "Ofsted inspection date must be a real date",
        ),
        (
            {"ri_exception_agreed_by": "Head of Service"},
            "Enter the date the RI exception was agreed",
        ),
        (
            {
                "qa_initial_visit_date_0": "",
                "qa_initial_visit_date_1": "",
                "qa_initial_visit_date_2": "",
                "qa_latest_annual_visit_date_0": "1",
                "qa_latest_annual_visit_date_1": "1",
                "qa_latest_annual_visit_date_2": "2026",
            },
            "Enter the initial QA visit date before an annual visit",
        ),
        ({"provider_type": ""}, "Select the type of provider"),
    ],
)
def test_bad_provider_input_gets_a_clear_error_and_writes_nothing(
    administrator_client, overrides, message
):
    response = administrator_client.post(reverse("providers:create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert b"govuk-error-summary" in response.content
    assert not Provider.objects.exists()
    assert not FieldChange.objects.filter(content_type__model="provider").exists()


def test_duplicate_reference_and_urn_refused(administrator_client):
    ProviderFactory(reference="PRV-9001", ofsted_urn="SC123456")
    response = administrator_client.post(reverse("providers:create"), form_data())
    content = response.content.decode()
    assert "Another provider already has this reference" in content
    assert "Another provider already has this Ofsted URN" in content


def test_edit_page_saves_and_shows_the_change_in_history(administrator_client):
    provider = ProviderFactory(
        name="Meadow View",
        reference="PRV-9001",
        ofsted_urn="SC123456",
        vacancies=1,
        provider_type=ProviderType.RESIDENTIAL,
        categories={"residential": "framework"},
    )
    url = reverse("providers:edit", kwargs={"pk": provider.pk})
    assert administrator_client.get(url).status_code == 200
    response = administrator_client.post(url, form_data(vacancies="2"), follow=True)
    assert b"Changes saved." in response.content
    page = response.content.decode()
    assert "History of changes" in page and "Vacancies" in page


def test_archive_page_confirms_then_archives(administrator_client):
    provider = ProviderFactory()
    url = reverse("providers:archive", kwargs={"pk": provider.pk})
    assert b"Archive" in administrator_client.get(url).content
    provider.refresh_from_db()
    assert not provider.is_archived  # GET changes nothing
    administrator_client.post(url)
    provider.refresh_from_db()
    assert provider.is_archived
    administrator_client.post(url)
    provider.refresh_from_db()
    assert not provider.is_archived


# --- Nobody else can see or change it -----------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.SERVICE_LEAD,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.DIRECTOR,
    ],
)
def test_other_roles_cannot_see_the_directory(client_for, role):
    provider = ProviderFactory()
    client = client_for(role)
    assert client.get(reverse("providers:list")).status_code == 403
    assert client.get(reverse("providers:detail", kwargs={"pk": provider.pk})).status_code == 403


def test_officer_can_view_but_not_change(officer_client):
    provider = ProviderFactory(name="Willow House")
    assert (
        officer_client.get(reverse("providers:detail", kwargs={"pk": provider.pk})).status_code
        == 200
    )
    response = officer_client.post(
        reverse("providers:edit", kwargs={"pk": provider.pk}), form_data()
    )
    assert response.status_code == 403
    assert (
        officer_client.post(reverse("providers:archive", kwargs={"pk": provider.pk})).status_code
        == 403
    )
    assert officer_client.post(reverse("providers:create"), form_data()).status_code == 403
    provider.refresh_from_db()
    assert provider.name == "Willow House" and not provider.is_archived
    assert Provider.objects.count() == 1


def test_unknown_provider_is_not_found(officer_client):
    assert officer_client.get(reverse("providers:detail", kwargs={"pk": 999999})).status_code == 404


def test_specialisms_are_managed_by_administrators(administrator_client, officer_client):
    url = reverse("providers:specialisms")
    administrator_client.post(url, {"name": "  Autism  ", "is_active": "on"})
    assert Specialism.objects.get().name == "Autism"
    response = administrator_client.post(url, {"name": "autism", "is_active": "on"})
    assert b"There is already a specialism called autism" in response.content
    assert Specialism.objects.count() == 1
    specialism = Specialism.objects.get()
    administrator_client.post(
        reverse("providers:specialism-edit", kwargs={"pk": specialism.pk}), {"name": "Autism"}
    )
    specialism.refresh_from_db()
    assert not specialism.is_active
    assert officer_client.post(url, {"name": "Other"}).status_code == 403


def test_detail_history_folds_the_creation_and_lists_each_edit(administrator_client, make_user):
    admin = make_user(Role.ADMINISTRATOR, full_name="Alex Morgan")
    provider = ProviderFactory(name="Willow House", vacancies=1, actor=admin)
    services.provider_update(
        provider=provider, values={"vacancies": 0}, categories=None, specialisms=None, actor=admin
    )
    response = administrator_client.get(reverse("providers:detail", kwargs={"pk": provider.pk}))
    rows = response.context["history"]
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("Vacancies", "1", "0"),
        ("Created", "", ""),
    ]
    assert ("Name", "Willow House") in rows[1].initial_values
    assert all(r.actor == admin for r in rows)


def test_error_summary_links_to_the_first_radio(administrator_client):
    response = administrator_client.post(reverse("providers:create"), form_data(provider_type=""))
    content = response.content.decode()
    assert 'href="#id_provider_type_1"' in content
    assert 'id="id_provider_type_1"' in content


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
