"""A provider's pages (add, edit, archive, its page with history) and the specialisms page,
and who may see and change them."""

import datetime as dt

import pytest
from django.urls import reverse

from placements.models import FieldChange
from placements.roles import Role
from providers.models import FrameworkStatus, OfstedRating, Provider, ProviderType, Specialism
from providers.services.directory import provider_update
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


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


def test_detail_history_folds_the_creation_and_lists_each_edit(administrator_client, make_user):
    admin = make_user(Role.ADMINISTRATOR, full_name="Alex Morgan")
    provider = ProviderFactory(name="Willow House", vacancies=1, actor=admin)
    provider_update(
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
