import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from placements import services
from placements.models import CouncilSettings, FieldChange, OutboxMessage
from placements.roles import Role
from tests.placements.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def valid_form(team_, **overrides):
    data = {
        "full_name": "Jo Bloggs",
        "email": "Jo.Bloggs@Council.example",
        "job_title": "Social worker",
        "team": team_.pk,
        "roles": [Role.SOCIAL_WORKER, Role.TEAM_MANAGER],
    }
    data.update(overrides)
    return data


def test_administrator_adds_a_user_who_gets_a_link_to_set_a_password(
    administrator_client, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator_client.post(reverse("accounts:user-create"), valid_form(team))
    user = User.objects.get(email="jo.bloggs@council.example")
    assert response["Location"] == reverse("accounts:user-detail", kwargs={"pk": user.pk})
    # Team manager approves, so it waits for a second administrator; the other is given.
    assert user.role_set == {Role.SOCIAL_WORKER}
    assert list(user.role_grant_requests.values_list("role", "decided_at")) == [
        (Role.TEAM_MANAGER, None)
    ]
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/account/set-password/" in line
    )
    path = link.split("127.0.0.1:8000")[1]
    # Django swaps the token for a session marker, then shows the form.
    invited = Client()
    form_url = invited.get(path)["Location"]
    response = invited.post(
        form_url,
        {"new_password1": "lantern-harbour-maple-42", "new_password2": "lantern-harbour-maple-42"},
    )
    assert response.status_code == 302
    assert (
        invited.post(
            reverse("login"), {"username": user.email, "password": "lantern-harbour-maple-42"}
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": ""}, b"Enter the person&#x27;s full name"),
        ({"email": "not-an-email"}, b"Enter an email address in the correct format"),
        ({"roles": []}, b"Select at least one role"),
        ({"team": ""}, b"Select a team"),
    ],
)
def test_bad_user_input_gets_a_clear_error_and_writes_nothing(
    administrator_client, team, overrides, message
):
    before = User.objects.count()
    response = administrator_client.post(
        reverse("accounts:user-create"), valid_form(team, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content
    assert b"govuk-error-summary" in response.content
    assert User.objects.count() == before


def test_duplicate_email_in_any_case_is_refused(administrator_client, team):
    UserFactory(email="jo.bloggs@council.example")
    response = administrator_client.post(reverse("accounts:user-create"), valid_form(team))
    assert b"A user with this email address already exists" in response.content


def test_editing_roles_and_team_is_recorded(administrator_client, team, other_team):
    user = UserFactory(team=team, roles=[Role.SOCIAL_WORKER])
    response = administrator_client.post(
        reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        valid_form(
            other_team, email=user.email, full_name=user.full_name, roles=[Role.BROKERAGE_OFFICER]
        ),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.team == other_team
    assert user.role_set == {Role.BROKERAGE_OFFICER}
    fields = set(FieldChange.objects.filter(object_id=user.pk).values_list("field", flat=True))
    assert {"Team", "Roles"} <= fields


def test_deactivate_signs_the_user_out_and_blocks_sign_in(administrator_client, client):
    user = UserFactory(roles=[Role.SOCIAL_WORKER])
    client.force_login(user)
    assert client.get(reverse("referrals:list")).status_code == 200
    administrator_client.post(
        reverse("accounts:user-set-active", kwargs={"pk": user.pk}), {"active": "0"}
    )
    user.refresh_from_db()
    assert not user.is_active and user.deactivated_at is not None
    assert client.get(reverse("referrals:list"))["Location"].startswith(reverse("login"))
    assert User.objects.filter(pk=user.pk).exists()  # never deleted


def test_reactivate(administrator_client):
    user = UserFactory(is_active=False)
    administrator_client.post(
        reverse("accounts:user-set-active", kwargs={"pk": user.pk}), {"active": "1"}
    )
    user.refresh_from_db()
    assert user.is_active


def test_administrator_cannot_deactivate_themselves(administrator_client):
    me = administrator_client.user
    response = administrator_client.post(
        reverse("accounts:user-set-active", kwargs={"pk": me.pk}), {"active": "0"}, follow=True
    )
    assert b"You cannot deactivate your own account" in response.content
    me.refresh_from_db()
    assert me.is_active


def test_non_administrator_cannot_change_a_user(officer_client):
    user = UserFactory(roles=[Role.SOCIAL_WORKER])
    response = officer_client.post(
        reverse("accounts:user-set-active", kwargs={"pk": user.pk}), {"active": "0"}
    )
    assert response.status_code == 403
    response = officer_client.post(
        reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        {"full_name": "Changed", "email": user.email, "roles": [Role.ADMINISTRATOR]},
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.is_active and user.full_name != "Changed"
    assert user.role_set == {Role.SOCIAL_WORKER}


def test_resend_invite_refused_for_deactivated_user(db):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    user = UserFactory(is_active=False)
    with pytest.raises(services.DomainError):
        services.user_resend_invite(user=user, actor=admin)


def test_user_list_filters_by_role_and_status(administrator_client):
    UserFactory(full_name="Olu Officer", roles=[Role.BROKERAGE_OFFICER])
    UserFactory(full_name="Dee Director", roles=[Role.DIRECTOR])
    UserFactory(full_name="Gone Person", roles=[Role.DIRECTOR], is_active=False)
    page = administrator_client.get(reverse("accounts:user-list"), {"role": Role.DIRECTOR}).content
    assert b"Dee Director" in page and b"Olu Officer" not in page and b"Gone Person" not in page
    page = administrator_client.get(
        reverse("accounts:user-list"), {"status": "deactivated"}
    ).content
    assert b"Gone Person" in page and b"Dee Director" not in page


def test_council_settings_validation_and_history(administrator_client):
    url = reverse("council-settings")

    data = {
        "council_name": "Westshire Council",
        "service_name": "Placements brokerage",
        "boundary_description": "Inside Westshire",
        "contact_email": "team@westshire.example",
        "bank_holiday_subdivision": "WLS",
        "response_working_days_standard": 5,
        "response_working_days_urgent": 7,
        "response_deadline_hour": 17,
        "chaser_working_days_before": 1,
        "options_reminder_working_days": 1,
        "qa_visit_valid_months": 12,
        "link_grace_hours": 48,
        "dual_search_from_age": 11,
        "people_in_pack": "initials",
        "in_house_approval_role": "senior_manager",
        "agreement_review_arrangements": "Reviewed at every looked-after review.",
        "agreement_link_days": 10,
        "working_day_start_hour": 9,
        "emergency_response_working_hours": 4,
        "countersign_by_another_person": "on",
        "staff_password_sign_in": "on",
        "package_cost_approval": "panel",
        "package_review_arrangements": "Reviewed at every plan review.",
        "summer_scheme_max_days": 6,
        "summer_window_opens_month": 1,
        "summer_open_cases_close_day": 1,
        "summer_open_cases_close_month": 3,
        "summer_new_cases_until_day": 15,
        "summer_new_cases_until_month": 6,
        "vacancy_confirm_days": 14,
        "review_first_working_days": 20,
        "review_every_months": 6,
        "ranking_quality_percent": 60,
        "ranking_ofsted_points": 30,
        "ranking_needs_points": 40,
        "ranking_locality_points": 15,
        "ranking_response_points": 15,
    }
    page = administrator_client.get(url).content.decode()
    assert (
        "The agreement must be countersigned by someone other than the officer who issued it"
        in page
    )
    response = administrator_client.post(url, data)
    assert b"The urgent deadline must not be longer than the standard one" in response.content
    assert CouncilSettings.load().council_name != "Westshire Council"
    data["response_working_days_urgent"] = 2
    assert administrator_client.post(url, data).status_code == 302
    council = CouncilSettings.load()
    assert council.council_name == "Westshire Council"
    assert council.bank_holiday_subdivision == "WLS"
    assert council.in_house_approval_role == "senior_manager"
    assert council.countersign_by_another_person
    assert FieldChange.objects.filter(object_id=council.pk, field="council_name").exists()
    # Unticked, the officer who issued an agreement may countersign it too.
    del data["countersign_by_another_person"]
    assert administrator_client.post(url, data).status_code == 302
    assert not CouncilSettings.load().countersign_by_another_person
    assert FieldChange.objects.filter(
        object_id=council.pk, field="countersign_by_another_person", new_value="False"
    ).exists()


def test_an_invitation_link_is_blanked_once_sent_and_never_in_the_outbox_key(
    db, django_capture_on_commit_callbacks
):

    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=True):
        user = services.user_invite(
            full_name="Ina Invited",
            email="ina@council.example",
            roles=[Role.SOCIAL_WORKER],
            actor=admin,
        )
    message = OutboxMessage.objects.get(key__startswith=f"user_invite:{user.pk}:")
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/set-password/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert message.sensitive and token not in message.key
    message.refresh_from_db()
    assert message.sent_at is not None and token not in message.body_text
    assert message.body_text == services.SENT_SENSITIVE_BODY


def test_an_administrator_cannot_change_their_own_roles(administrator_client):

    admin = User.objects.get(role_assignments__role=Role.ADMINISTRATOR)
    form = {
        "full_name": admin.full_name,
        "email": admin.email,
        "job_title": "",
        "team": "",
        "roles": [Role.ADMINISTRATOR, Role.DIRECTOR],
    }
    response = administrator_client.post(
        reverse("accounts:user-detail", kwargs={"pk": admin.pk}), form
    )
    assert response.status_code == 200
    assert "You cannot change your own roles" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role_set == {Role.ADMINISTRATOR}
    assert not OutboxMessage.objects.filter(key__startswith="user_roles:").exists()


def test_a_role_granted_is_emailed_and_a_changed_address_tells_the_old_one(db):

    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    person = UserFactory(roles=[Role.SOCIAL_WORKER], email="dina@council.example")
    services.user_update(
        user=person,
        full_name=person.full_name,
        email="someone.else@example.org",
        job_title="",
        team=None,
        roles=[Role.BROKERAGE_OFFICER],
        actor=admin,
    )
    roles = OutboxMessage.objects.get(key__startswith=f"user_roles:{person.pk}:")
    assert roles.to == ["someone.else@example.org"]
    assert "You can now act as: Brokerage officer" in roles.body_text
    assert "You no longer act as: Social worker" in roles.body_text
    moved = OutboxMessage.objects.get(key__startswith=f"user_email:{person.pk}:")
    assert moved.to == ["dina@council.example"]
