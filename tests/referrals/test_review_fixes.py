"""Behaviour a review of the referral pages asked for."""

import pytest
from django.core import mail
from django.urls import reverse

from placements.middleware import SESSION_LAST_SEEN
from placements.models import FieldChange
from placements.roles import Role
from referrals.drafting import services as drafting
from referrals.permission import services as permission
from tests.journeys import CHILD, complete_draft, submitted

pytestmark = pytest.mark.django_db


def test_renaming_a_child_reads_as_one_change_with_old_and_new(make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = complete_draft(social_worker)
    child = referral.children.get()
    drafting.child_save(
        referral=referral, child=child, values={**CHILD, "first_name": "Jay"}, actor=social_worker
    )
    changes = FieldChange.objects.filter(object_id=referral.pk, field__contains="First name")
    latest = changes.order_by("-pk").first()
    assert (latest.field, latest.old_value, latest.new_value) == (
        "Jayden O'Brien: First name",
        "Jayden",
        "Jay",
    )
    assert not FieldChange.objects.filter(
        object_id=referral.pk, field__contains="School", old_value="Barnley Academy"
    ).exists()


def test_plain_text_emails_are_not_html_escaped(make_user, django_capture_on_commit_callbacks):
    social_worker = make_user(Role.SOCIAL_WORKER)
    manager = make_user(Role.TEAM_MANAGER, full_name="Siobhan O'Neill")
    with django_capture_on_commit_callbacks(execute=True):
        permission.search_return(
            referral=submitted(social_worker), actor=manager, comments="More detail"
        )
    body = next(m.body for m in mail.outbox if "returned" in m.subject)
    assert "Siobhan O'Neill" in body and "&#x27;" not in body


def test_a_background_refresh_after_the_timeout_moves_the_whole_page(client, make_user):
    client.force_login(make_user(Role.BROKERAGE_OFFICER, team=None))
    client.get(reverse("referrals:action-list"))
    session = client.session
    session[SESSION_LAST_SEEN] -= 3600
    session.save()
    response = client.get(
        reverse("referrals:action-list"),
        headers={"HX-Request": "true", "X-Background-Refresh": "1"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("signed-out") + "?reason=idle"


def test_messages_naming_a_child_stay_out_of_cookies(social_worker_client):
    referral = complete_draft(social_worker_client.user)
    child = referral.children.get()
    response = social_worker_client.post(
        reverse("referrals:child-remove", kwargs={"pk": referral.pk, "child_pk": child.pk})
    )
    assert "messages" not in response.cookies


def test_referral_list_pages_keep_the_status_filter(social_worker_client):
    for _ in range(26):
        drafting.referral_start(social_worker=social_worker_client.user)
    page = social_worker_client.get(reverse("referrals:list"), {"status": "draft"})
    assert b"?status=draft&amp;page=2" in page.content
