"""What a provider keeps through its account, and that nobody else's is reachable: each
setting's vacancies (with the directory's count kept in step), its details (an Ofsted URN,
tier or category change waiting for an administrator), its documents, its requests and
its agreements."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from placements.models import FieldChange
from providers.models import (
    Category,
    Provider,
    ProviderChangeRequest,
    ProviderDocument,
    Tier,
    Vacancy,
)
from providers.services import accounts
from tests.providers.builders import blank_pdf

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def fostering():
    return Category.objects.get(slug="fostering")


def add(client, setting, **values):
    data = {
        "action": "add",
        "category": fostering().pk,
        "places": 1,
        "age_from": 0,
        "age_to": 17,
        "available_from_0": "",
        "available_from_1": "",
        "available_from_2": "",
        **values,
    }
    return client.post(reverse("portal:vacancies", args=[setting.pk]), data)


def test_vacancies_kept_by_the_provider_keep_the_directory_in_step(provider_client, setting):
    page = reverse("portal:vacancies", args=[setting.pk])
    assert "No places are declared free" in provider_client.get(page).content.decode()
    refused = add(provider_client, setting, places=0, age_from=12, age_to=8)
    assert "Enter at least 1 place" in refused.content.decode()
    assert "The oldest age must be the youngest age or more" in refused.content.decode()
    later = TODAY + dt.timedelta(days=10)
    add(
        provider_client,
        setting,
        places=2,
        age_from=5,
        age_to=11,
        available_from_0=later.day,
        available_from_1=later.month,
        available_from_2=later.year,
    )
    setting.refresh_from_db()
    assert (setting.vacancies, setting.vacancy_available_from) == (2, later)
    assert setting.vacancies_confirmed_at is not None
    vacancy = Vacancy.objects.get()
    assert (vacancy.places, vacancy.declared_by) == (2, "manager@oakcare.example")
    change = FieldChange.objects.filter(object_id=setting.pk, field="Vacancies").latest("pk")
    assert change.source == "provider account: manager@oakcare.example"
    too_many = add(provider_client, setting, places=3)
    assert "more than the 4 the council" in too_many.content.decode()
    provider_client.post(page, {"action": "remove", "vacancy": vacancy.pk})
    setting.refresh_from_db()
    assert setting.vacancies == 0 and not Vacancy.objects.exists()


def test_confirming_vacancies_marks_them_fresh(provider_client, setting):
    Provider.objects.filter(pk=setting.pk).update(
        vacancies_confirmed_at=timezone.now() - dt.timedelta(days=30)
    )
    page = reverse("portal:vacancies", args=[setting.pk])
    assert 'id="stale"' in provider_client.get(page).content.decode()
    provider_client.post(page, {"action": "confirm"})
    setting.refresh_from_db()
    assert timezone.now() - setting.vacancies_confirmed_at < dt.timedelta(minutes=1)
    assert 'id="stale"' not in provider_client.get(page).content.decode()


def test_a_vacancy_outside_the_settings_ages_is_refused(provider_client, setting):
    Provider.objects.filter(pk=setting.pk).update(age_from=8)
    response = add(provider_client, setting, age_from=0, age_to=17)
    assert "takes children aged 8 to 17" in response.content.decode()
    assert not Vacancy.objects.exists()


def test_a_kind_of_place_the_setting_does_not_offer_cannot_be_declared(provider_client, setting):
    residential = Category.objects.exclude(slug="fostering").first()
    response = add(provider_client, setting, category=residential.pk)
    assert "Select a valid choice" in response.content.decode()
    assert not Vacancy.objects.exists()


def profile_data(setting, **changes):
    data = {
        "age_from": 0,
        "age_to": 17,
        "genders": "any",
        "referral_emails_text": "\n".join(setting.referral_emails),
        "phone": setting.phone,
        "ofsted_urn": setting.ofsted_urn,
        "tier": setting.tier,
        "categories": ["fostering"],
    }
    data.update(changes)
    return data


def test_details_change_at_once_and_eligibility_waits_for_an_administrator(
    provider_client, setting, administrator_client
):
    url = reverse("portal:profile", args=[setting.pk])
    response = provider_client.post(
        url,
        profile_data(
            setting,
            age_from=8,
            referral_emails_text="new@oakcare.example",
            tier=Tier.OUTSIDE,
            ofsted_urn="sc 777 123",
        ),
    )
    assert response["Location"] == reverse("portal:home")
    setting.refresh_from_db()
    assert setting.age_from == 8 and setting.referral_emails == ["new@oakcare.example"]
    assert setting.tier == Tier.INSIDE and setting.ofsted_urn != "SC777123"  # waiting
    change = ProviderChangeRequest.objects.get()
    assert change.values == {"ofsted_urn": "SC777123", "tier": Tier.OUTSIDE}
    assert change.requested_by == "manager@oakcare.example"
    history = FieldChange.objects.get(object_id=setting.pk, field="Age from", old_value="0")
    assert history.source == "provider account: manager@oakcare.example"

    decide = reverse("providers:change-decide", args=[change.pk])
    refused = administrator_client.post(decide, {"decision": "refuse", "reason": ""})
    assert "Say why the change is refused" in refused.content.decode()
    administrator_client.post(decide, {"decision": "approve"})
    setting.refresh_from_db()
    assert (setting.tier, setting.ofsted_urn) == (Tier.OUTSIDE, "SC777123")
    change.refresh_from_db()
    assert change.status == ProviderChangeRequest.Status.APPROVED
    assert administrator_client.get(decide).status_code == 404  # decided


def test_a_new_change_replaces_one_waiting_and_categories_start_as_spot(
    provider_client, setting, administrator
):
    url = reverse("portal:profile", args=[setting.pk])
    provider_client.post(url, profile_data(setting, tier=Tier.OUTSIDE))
    provider_client.post(url, profile_data(setting, categories=["fostering", "residential"]))
    first, second = ProviderChangeRequest.objects.order_by("pk")
    assert first.status == ProviderChangeRequest.Status.REPLACED
    assert second.values == {"categories": ["fostering", "residential"]}
    accounts.change_request_decide(change=second, approve=True, reason="", actor=administrator)
    statuses = dict(setting.provider_categories.values_list("category__slug", "framework_status"))
    assert statuses == {"fostering": "framework", "residential": "spot"}


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(client, setting, content, *, kind="insurance", expires=None):
    data = {"kind": kind, "title": "", "file": SimpleUploadedFile("doc.pdf", content)}
    for n, part in enumerate([expires.day, expires.month, expires.year] if expires else []):
        data[f"expires_on_{n}"] = part
    return client.post(reverse("portal:documents", args=[setting.pk]), data)


def test_documents_are_pdfs_with_nothing_that_runs_and_expired_ones_flag_the_provider(
    provider_client, setting, administrator_client
):
    assert "must be a PDF" in upload(provider_client, setting, b"GIF89a...").content.decode()
    refused = upload(provider_client, setting, pdf_with_javascript()).content.decode()
    assert "it has JavaScript" in refused
    assert not ProviderDocument.objects.exists()
    past = upload(provider_client, setting, blank_pdf(), expires=TODAY - dt.timedelta(days=1))
    assert "The document has already expired" in past.content.decode()
    upload(provider_client, setting, blank_pdf(), expires=TODAY + dt.timedelta(days=1))
    document = ProviderDocument.objects.get()
    assert not document.expired() and document.uploaded_by == "manager@oakcare.example"
    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        assert document.expired()
        later = Client()  # a fresh sign-in: three days on, the first has timed out
        later.force_login(administrator_client.user)
        directory = later.get(reverse("providers:detail", args=[setting.pk]))
        assert "Expired" in directory.content.decode()
    staff_copy = administrator_client.get(
        reverse("providers:document", args=[setting.pk, document.pk])
    )
    assert b"".join(staff_copy.streaming_content).startswith(b"%PDF-")
    # A newer insurance certificate replaces it; both are kept.
    upload(provider_client, setting, blank_pdf(), expires=TODAY + dt.timedelta(days=365))
    assert ProviderDocument.objects.filter(replaced_at__isnull=True).count() == 1
    assert ProviderDocument.objects.count() == 2
    own = provider_client.get(reverse("portal:document-file", args=[document.pk]))
    assert own.status_code == 200


def test_another_organisations_settings_and_documents_are_not_found(
    provider_client, other_organisation, administrator
):
    elm = other_organisation.settings.get()
    theirs = accounts.document_add(
        organisation=other_organisation,
        provider=elm,
        kind="insurance",
        title="",
        upload=SimpleUploadedFile("i.pdf", blank_pdf()),
        expires_on=None,
        email="manager@elmcare.example",
    )
    for name in ("portal:vacancies", "portal:profile", "portal:documents"):
        assert provider_client.get(reverse(name, args=[elm.pk])).status_code == 404
    assert (
        provider_client.post(
            reverse("portal:vacancies", args=[elm.pk]), {"action": "confirm"}
        ).status_code
        == 404
    )
    assert provider_client.get(reverse("portal:document-file", args=[theirs.pk])).status_code == 404
    assert "Elm Lodge" not in provider_client.get(reverse("portal:home")).content.decode()
    elm.refresh_from_db()
    assert elm.vacancies_confirmed_at is None


def test_an_archived_setting_is_not_kept_through_the_account(
    provider_client, setting, administrator
):
    from providers.services import provider_archive

    provider_archive(provider=setting, actor=administrator)
    assert provider_client.get(reverse("portal:vacancies", args=[setting.pk])).status_code == 404


def test_the_staff_document_download_is_through_its_own_provider(
    administrator_client, provider_client, setting, other_organisation
):
    upload(provider_client, setting, blank_pdf())
    document = ProviderDocument.objects.get()
    elm = other_organisation.settings.get()
    wrong = reverse("providers:document", args=[elm.pk, document.pk])
    assert administrator_client.get(wrong).status_code == 404


def test_a_refused_change_and_its_reason_reach_the_provider(
    provider_client, setting, administrator
):
    url = reverse("portal:profile", args=[setting.pk])
    provider_client.post(url, profile_data(setting, tier=Tier.OUTSIDE))
    change = ProviderChangeRequest.objects.get()
    accounts.change_request_decide(
        change=change, approve=False, reason="Your home is inside our boundary", actor=administrator
    )
    for page in (url, reverse("portal:home")):
        shown = provider_client.get(page).content.decode()
        assert "The council refused your last change" in shown
        assert "Your home is inside our boundary" in shown


def test_removing_a_vacancy_is_never_refused_after_the_council_lowers_capacity(
    provider_client, setting
):
    add(provider_client, setting, places=2)
    add(provider_client, setting, places=2)
    Provider.objects.filter(pk=setting.pk).update(capacity=1, vacancies=1)
    first = Vacancy.objects.first()
    page = reverse("portal:vacancies", args=[setting.pk])
    provider_client.post(page, {"action": "remove", "vacancy": first.pk})
    assert Vacancy.objects.count() == 1
    provider_client.post(page, {"action": "confirm"})
    setting.refresh_from_db()
    assert setting.vacancies == 1  # no more than the capacity the council has
    assert provider_client.post(page, {"action": "remove", "vacancy": "abc"}).status_code == 404


def test_approving_a_urn_another_provider_took_meanwhile_is_refused(
    provider_client, setting, administrator
):
    url = reverse("portal:profile", args=[setting.pk])
    provider_client.post(url, profile_data(setting, ofsted_urn="SC555555"))
    change = ProviderChangeRequest.objects.get()
    from tests.providers.factories import ProviderFactory

    ProviderFactory(ofsted_urn="SC555555")
    with pytest.raises(accounts.DomainError, match="now has the Ofsted URN SC555555"):
        accounts.change_request_decide(change=change, approve=True, reason="", actor=administrator)
