"""Responses that keep children's data out of caches, and bad input that must not
reach the database as a 500."""

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from placements.forms import GDSForm
from placements.middleware import PERMISSIONS_POLICY, RequestSizeLimitMiddleware
from placements.models import FieldChange, Team
from placements.roles import Role
from referrals.drafting import services as drafting
from tests.journeys import complete_draft

pytestmark = pytest.mark.django_db


def test_signed_in_pages_and_downloads_are_never_cached(client_for, make_user):
    admin = client_for(Role.ADMINISTRATOR)
    for url in ("/", reverse("accounts:user-list"), reverse("providers:export") + "?format=csv"):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_signed_out_pages_have_a_permissions_policy_and_links_are_not_cached(client):
    response = client.get(reverse("login"))
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    # A provider's link page, even one that does not exist, is not kept.
    assert "no-store" in client.get("/respond/not-a-token/")["Cache-Control"]


@pytest.mark.postgres
def test_a_nul_in_a_search_is_a_400_not_a_500(client_for):
    admin = client_for(Role.ADMINISTRATOR)
    response = admin.get(reverse("accounts:user-list") + "?q=%00")
    assert response.status_code == 400
    assert "There is a problem with that address" in response.content.decode()
    assert admin.get(reverse("providers:list") + "?q=a%00b").status_code == 400


@pytest.mark.postgres
def test_a_child_with_a_long_name_can_be_edited(make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = complete_draft(social_worker)
    child = referral.children.get()
    values = {
        f.name: getattr(child, f.name)
        for f in child._meta.concrete_fields
        if f.name not in {"id", "referral", "created_at"}
    }
    values.update(first_name="A" * 100, middle_names="B" * 200, last_name="C" * 100)
    drafting.child_save(referral=referral, child=child, values=values, actor=social_worker)
    values["health"] = "Asthma, well managed."
    drafting.child_save(referral=referral, child=child, values=values, actor=social_worker)
    labels = list(
        FieldChange.objects.filter(
            content_type=ContentType.objects.get_for_model(referral), object_id=referral.pk
        )
        .order_by("pk")
        .values_list("field", flat=True)
    )
    health = [label for label in labels if label.endswith(": Health")]
    assert health and all(len(label) <= 100 for label in labels)
    assert health[-1].startswith("A" * 10) and "…" in health[-1]


def test_a_huge_post_is_refused_before_it_is_read(client):

    read = []
    middleware = RequestSizeLimitMiddleware(lambda request: read.append(request) or None)
    request = RequestFactory().post("/sign-in/", data=b"x", content_type="text/plain")
    request.META["CONTENT_LENGTH"] = str(300 * 1024 * 1024)
    response = middleware(request)
    assert response.status_code == 413 and read == []
    # Through the whole stack too: the sign-in page refuses it.
    response = client.generic("POST", "/sign-in/", b"x" * 10, CONTENT_LENGTH=str(300 * 1024 * 1024))
    assert response.status_code == 413


def test_free_text_has_a_limit_with_govuk_wording(client_for, make_user):

    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = complete_draft(social_worker)
    client = client_for(Role.SOCIAL_WORKER)
    client.force_login(social_worker)
    response = client.post(
        reverse("referrals:profile", kwargs={"pk": referral.pk}),
        {"getting_to_know_me": "x" * 2_000_000},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be 20,000 characters or fewer" in page
    assert "Ensure this value" not in page
    referral.refresh_from_db()
    assert len(referral.getting_to_know_me) < 20_000


def test_a_get_on_a_form_only_page_is_a_page_not_a_blank_405(client_for):
    from referrals.drafting import services as drafting

    social_worker = client_for(Role.SOCIAL_WORKER)
    referral = drafting.referral_start(social_worker=social_worker.user)
    child = drafting.child_save(
        referral=referral, values={"first_name": "Jay"}, actor=social_worker.user
    )
    response = social_worker.get(
        reverse("referrals:child-remove", kwargs={"pk": referral.pk, "child_pk": child.pk})
    )
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert "This page is for sending a form" in response.content.decode()


def test_a_server_error_has_a_page_in_the_services_look(client, settings):

    page = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in page
    assert "govuk-frontend.min.css" in page


def test_forms_use_govuk_wording_instead_of_djangos():

    class Example(GDSForm, forms.Form):
        needed = forms.DateField(label="Date needed")
        fee = forms.DecimalField(label="Weekly fee")
        budget = forms.DecimalField(label="Budget", error_messages={"invalid": "Own words"})
        team = forms.ModelChoiceField(Team.objects.all(), label="Team")
        note = forms.CharField(label="Note", widget=forms.Textarea)

    form = Example(
        {"needed": "31/02/2026", "fee": "lots", "budget": "x", "team": "", "note": "n" * 20_001}
    )
    assert not form.is_valid()
    assert form.errors["needed"] == ["Date needed must be a real date"]
    assert form.errors["fee"] == ["Weekly fee must be a number"]
    assert form.errors["budget"] == ["Own words"]
    assert form.errors["note"] == ["Note must be 20,000 characters or fewer"]
    assert form.fields["team"].empty_label == "Choose one"
