"""Two administrators for an approving role or Administrator: one asks, another (not the
person receiving it) approves or refuses; every step is recorded and emailed."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from placements import services
from placements.models import FieldChange, OutboxMessage, RoleAssignment, RoleGrantRequest, User
from placements.roles import APPROVING_ROLES, ROLES_NEEDING_SECOND_ADMINISTRATOR, Role
from tests.placements.factories import UserFactory

pytestmark = pytest.mark.django_db
Decision = RoleGrantRequest.Decision


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def asker(db):
    return UserFactory(roles=[Role.ADMINISTRATOR], full_name="Alex Asker")


@pytest.fixture
def second(db):
    return UserFactory(roles=[Role.ADMINISTRATOR], full_name="Bea Second")


@pytest.fixture
def person(team):
    return UserFactory(roles=[Role.SOCIAL_WORKER], full_name="Pat Person", team=team)


def edit_roles(client, user, roles):
    return client.post(
        reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        {
            "full_name": user.full_name,
            "email": user.email,
            "job_title": "",
            "team": user.team_id or "",
            "roles": roles,
        },
        follow=True,
    )


def ask(user, role, actor) -> RoleGrantRequest:
    services.user_update(
        user=user,
        full_name=user.full_name,
        email=user.email,
        job_title=user.job_title,
        team=user.team,
        roles=[*user.role_set, role],
        actor=actor,
    )
    return RoleGrantRequest.objects.get(user=user, role=role, decided_at__isnull=True)


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_the_approving_roles_are_those_that_approve_or_waive_a_rule():
    assert {
        Role.TEAM_MANAGER,
        Role.SERVICE_LEAD,
        Role.DUTY_LEAD,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.DIRECTOR,
    } == APPROVING_ROLES
    assert APPROVING_ROLES | {Role.ADMINISTRATOR} == ROLES_NEEDING_SECOND_ADMINISTRATOR


@pytest.mark.parametrize("role", sorted(ROLES_NEEDING_SECOND_ADMINISTRATOR))
def test_an_approving_or_administrator_role_waits_for_a_second_administrator(
    asker, second, person, role
):
    quiet = UserFactory(roles=[Role.ADMINISTRATOR], is_active=False)
    response = edit_roles(signed_in(asker), person, [Role.SOCIAL_WORKER, role])
    label = Role(role).label
    assert f"Pat Person will have the role {label} once another administrator approves it" in (
        response.content.decode()
    )
    assert fresh(person).role_set == {Role.SOCIAL_WORKER}
    grant = RoleGrantRequest.objects.get(user=person)
    assert (grant.role, grant.requested_by, grant.decided_at) == (role, asker, None)
    # Every other active administrator is emailed a link to the page; nobody else is.
    waiting = OutboxMessage.objects.get(key__startswith="role_grant_waiting:")
    assert waiting.to == [second.email] and quiet.email not in waiting.to
    assert "/users/role-grants/" in waiting.body_text and label in waiting.body_text
    # The person is told only once the role is theirs.
    assert not OutboxMessage.objects.filter(key__startswith=f"user_roles:{person.pk}:").exists()
    assert FieldChange.objects.filter(
        object_id=person.pk, field="Role grant waiting", new_value=label, actor=asker
    ).exists()


def test_an_ordinary_role_applies_at_once_and_removing_any_role_is_immediate(asker, second, team):
    person = UserFactory(roles=[Role.DIRECTOR, Role.SOCIAL_WORKER], team=team)
    edit_roles(signed_in(asker), person, [Role.SOCIAL_WORKER, Role.BROKERAGE_OFFICER])
    assert fresh(person).role_set == {Role.SOCIAL_WORKER, Role.BROKERAGE_OFFICER}
    assert not RoleGrantRequest.objects.exists()
    email = OutboxMessage.objects.get(key__startswith=f"user_roles:{person.pk}:")
    assert "You can now act as: Brokerage officer" in email.body_text
    assert "You no longer act as: Director" in email.body_text


def test_a_new_user_gets_ordinary_roles_at_once_and_approving_ones_wait(asker, second, team):
    response = signed_in(asker).post(
        reverse("accounts:user-create"),
        {
            "full_name": "Nia New",
            "email": "nia@council.example",
            "job_title": "",
            "team": team.pk,
            "roles": [Role.SOCIAL_WORKER, Role.DIRECTOR, Role.ADMINISTRATOR],
        },
        follow=True,
    )
    assert "will have the roles Director and Administrator once another administrator" in (
        response.content.decode()
    )
    nia = User.objects.get(email="nia@council.example")
    assert nia.role_set == {Role.SOCIAL_WORKER}
    assert set(nia.role_grant_requests.values_list("role", flat=True)) == {
        Role.DIRECTOR,
        Role.ADMINISTRATOR,
    }
    assert OutboxMessage.objects.get(key__startswith="role_grant_waiting:").to == [second.email]


def test_asking_again_for_a_waiting_role_records_it_once(asker, second, person):
    ask(person, Role.DIRECTOR, asker)
    edit_roles(signed_in(asker), person, [Role.SOCIAL_WORKER, Role.DIRECTOR])
    assert RoleGrantRequest.objects.filter(user=person).count() == 1
    assert OutboxMessage.objects.filter(key__startswith="role_grant_waiting:").count() == 1


def test_a_second_administrator_approves_and_the_person_is_emailed(asker, second, person):
    grant = ask(person, Role.DIRECTOR, asker)
    response = signed_in(second).post(
        reverse("accounts:role-grant-approve", kwargs={"pk": grant.pk}), follow=True
    )
    assert "Pat Person now has the role Director" in response.content.decode()
    assert fresh(person).role_set == {Role.SOCIAL_WORKER, Role.DIRECTOR}
    grant.refresh_from_db()
    assert (grant.decision, grant.decided_by) == (Decision.APPROVED, second)
    assert grant.decided_at is not None
    email = OutboxMessage.objects.get(key__startswith=f"user_roles:{person.pk}:")
    assert email.to == [person.email]
    assert "Alex Asker changed your roles" in email.body_text
    assert "Bea Second approved the change" in email.body_text
    assert "You can now act as: Director" in email.body_text
    history = FieldChange.objects.get(object_id=person.pk, source="role grant approved")
    assert (history.field, history.new_value, history.actor) == (
        "Roles",
        "Social worker, Director",
        second,
    )


def test_whoever_asked_cannot_approve_or_refuse(asker, second, person):
    grant = ask(person, Role.ADMINISTRATOR, asker)
    client = signed_in(asker)
    response = client.post(
        reverse("accounts:role-grant-approve", kwargs={"pk": grant.pk}), follow=True
    )
    assert "You asked for this role, so another administrator must decide" in (
        response.content.decode()
    )
    response = client.post(
        reverse("accounts:role-grant-refuse", kwargs={"pk": grant.pk}), {"reason": "No"}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.is_waiting and Role.ADMINISTRATOR not in fresh(person).role_set
    with pytest.raises(services.DomainError):
        services.role_grant_approve(grant=grant, actor=asker)


def test_the_person_receiving_the_role_cannot_approve_it(asker, second):
    grant = ask(second, Role.DIRECTOR, asker)
    response = signed_in(second).post(
        reverse("accounts:role-grant-approve", kwargs={"pk": grant.pk}), follow=True
    )
    assert "This role is for you, so another administrator must decide" in (
        response.content.decode()
    )
    assert Role.DIRECTOR not in fresh(second).role_set
    grant.refresh_from_db()
    assert grant.is_waiting
    # With only these two administrators, nobody can decide it: the page says so.
    page = signed_in(asker).get(reverse("accounts:role-grants")).content.decode()
    assert "No other administrator can decide it yet" in page


def test_a_refusal_needs_a_reason_and_tells_whoever_asked(asker, second, person):
    grant = ask(person, Role.HEAD_OF_SERVICE, asker)
    url = reverse("accounts:role-grant-refuse", kwargs={"pk": grant.pk})
    client = signed_in(second)
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter why you are refusing this role" in page
    assert page.count("Enter why you are refusing this role") >= 2  # summary and field
    grant.refresh_from_db()
    assert grant.is_waiting
    response = client.post(url, {"reason": "Pat is not a head of service"}, follow=True)
    assert "We have told Alex Asker" in response.content.decode()
    grant.refresh_from_db()
    assert (grant.decision, grant.decided_by, grant.reason) == (
        Decision.REFUSED,
        second,
        "Pat is not a head of service",
    )
    assert fresh(person).role_set == {Role.SOCIAL_WORKER}
    told = OutboxMessage.objects.get(key=f"role_grant_refused:{grant.pk}")
    assert told.to == [asker.email]
    assert "Pat is not a head of service" in told.body_text
    assert FieldChange.objects.filter(
        object_id=person.pk, source="role grant refused", actor=second
    ).exists()
    # Decided once: neither approving nor refusing it again changes anything.
    with pytest.raises(services.DomainError, match="already refused"):
        services.role_grant_approve(grant=grant, actor=second)
    assert client.get(url).status_code == 302


def test_a_grant_for_someone_deactivated_since_cannot_be_approved(asker, second, person):
    grant = ask(person, Role.DIRECTOR, asker)
    services.user_set_active(user=person, active=False, actor=asker)
    response = signed_in(second).post(
        reverse("accounts:role-grant-approve", kwargs={"pk": grant.pk}), follow=True
    )
    assert "Pat Person has been deactivated, so cannot be given the role Director" in (
        response.content.decode()
    )
    assert Role.DIRECTOR not in fresh(person).role_set
    grant.refresh_from_db()
    assert grant.is_waiting
    services.role_grant_refuse(grant=grant, actor=second, reason="They have left")
    grant.refresh_from_db()
    assert grant.decision == Decision.REFUSED


def test_a_role_already_held_cannot_be_approved(asker, second, person):
    grant = ask(person, Role.DIRECTOR, asker)
    services.user_roles_grant_without_second_approval(
        user=person, roles=[Role.DIRECTOR], source="command line"
    )
    with pytest.raises(services.DomainError, match="already has the role Director"):
        services.role_grant_approve(grant=grant, actor=second)
    grant.refresh_from_db()
    assert grant.is_waiting


def test_approving_twice_applies_the_role_once(asker, second, person):
    third = UserFactory(roles=[Role.ADMINISTRATOR])
    grant = ask(person, Role.DIRECTOR, asker)
    services.role_grant_approve(grant=grant, actor=second)
    with pytest.raises(services.DomainError, match="already approved"):
        services.role_grant_approve(grant=grant, actor=third)
    assert RoleAssignment.objects.filter(user=person, role=Role.DIRECTOR).count() == 1
    assert OutboxMessage.objects.filter(key__startswith=f"user_roles:{person.pk}:").count() == 1
    assert RoleGrantRequest.objects.get(pk=grant.pk).decided_by == second


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_approving_at_once_apply_it_once(team):
    asker = UserFactory(roles=[Role.ADMINISTRATOR])
    approvers = [UserFactory(roles=[Role.ADMINISTRATOR]) for _ in range(2)]
    person = UserFactory(roles=[Role.SOCIAL_WORKER], team=team)
    grant = ask(person, Role.DIRECTOR, asker)
    barrier = threading.Barrier(2)
    approved, refused, errors = [], [], []

    def approve(actor):
        try:
            barrier.wait()
            services.role_grant_approve(grant=grant, actor=actor)
            approved.append(actor)
        except services.DomainError as error:
            refused.append(str(error))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(actor,)) for actor in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(approved) == 1 and len(refused) == 1 and "already approved" in refused[0]
    assert RoleAssignment.objects.filter(user=person, role=Role.DIRECTOR).count() == 1
    assert RoleGrantRequest.objects.get(pk=grant.pk).decided_by == approved[0]


def test_the_database_refuses_one_person_asking_and_deciding(asker, person):
    grant = RoleGrantRequest.objects.create(user=person, role=Role.DIRECTOR, requested_by=asker)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrantRequest.objects.filter(pk=grant.pk).update(
            decided_by=asker, decided_at=grant.requested_at, decision=Decision.APPROVED
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrantRequest.objects.create(user=asker, role=Role.DIRECTOR, requested_by=asker)


@pytest.mark.parametrize("role", [Role.BROKERAGE_OFFICER, Role.DIRECTOR, Role.DUTY_LEAD])
def test_only_administrators_see_or_decide_role_grants(asker, person, role):
    grant = ask(person, Role.DIRECTOR, asker)
    client = signed_in(UserFactory(roles=[role]))
    assert client.get(reverse("accounts:role-grants")).status_code == 403
    approve = reverse("accounts:role-grant-approve", kwargs={"pk": grant.pk})
    refuse = reverse("accounts:role-grant-refuse", kwargs={"pk": grant.pk})
    assert client.post(approve).status_code == 403
    assert client.post(refuse, {"reason": "No"}).status_code == 403
    assert client.get(refuse).status_code == 403
    grant.refresh_from_db()
    assert grant.is_waiting and Role.DIRECTOR not in fresh(person).role_set


def test_an_unknown_grant_is_not_found(second):
    client = signed_in(second)
    assert client.post(reverse("accounts:role-grant-approve", kwargs={"pk": 999})).status_code == (
        404
    )
    assert client.get(reverse("accounts:role-grant-refuse", kwargs={"pk": 999})).status_code == 404


def test_the_only_administrator_is_told_a_second_is_needed_and_how(asker, person):
    client = signed_in(asker)
    response = edit_roles(client, person, [Role.SOCIAL_WORKER, Role.DIRECTOR])
    page = response.content.decode()
    assert "There is no other active administrator who can approve it yet" in page
    assert "You are the only active administrator" in page  # the form, shown again
    page = client.get(reverse("accounts:role-grants")).content.decode()
    assert "You are the only active administrator" in page
    assert "manage.py add_administrator" in page
    assert not OutboxMessage.objects.filter(key__startswith="role_grant_waiting:").exists()
    UserFactory(roles=[Role.ADMINISTRATOR])
    page = client.get(reverse("accounts:role-grants")).content.decode()
    assert "You are the only active administrator" not in page


def test_waiting_grants_show_on_the_users_page_and_in_the_navigation(asker, second, person):
    client = signed_in(second)
    page = client.get(reverse("accounts:user-list")).content.decode()
    assert "role grants waiting for approval" not in page
    ask(person, Role.SERVICE_LEAD, asker)
    page = client.get(reverse("accounts:user-detail", kwargs={"pk": person.pk})).content.decode()
    assert "Roles waiting for a second administrator" in page
    assert "Service lead: asked for by Alex Asker" in page
    assert '1<span class="govuk-visually-hidden"> role grants waiting for approval' in page
    page = client.get(reverse("accounts:role-grants")).content.decode()
    assert "Pat Person" in page and "Approve<span" in page
    # Someone who is not an administrator sees no count.
    officer = signed_in(UserFactory(roles=[Role.BROKERAGE_OFFICER]))
    assert "role grants waiting" not in officer.get(reverse("referrals:list")).content.decode()


def test_add_administrator_from_the_command_line_needs_no_second_administrator(
    django_capture_on_commit_callbacks, person
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("add_administrator", "Ola.Admin@council.example", full_name="Ola Admin")
    ola = User.objects.get(email="ola.admin@council.example")
    assert ola.role_set == {Role.ADMINISTRATOR}
    assert OutboxMessage.objects.filter(key__startswith=f"user_invite:{ola.pk}:").exists()
    call_command("add_administrator", person.email)
    assert fresh(person).role_set == {Role.SOCIAL_WORKER, Role.ADMINISTRATOR}
    told = OutboxMessage.objects.get(key__startswith=f"user_roles:{person.pk}:")
    assert "You can now act as: Administrator" in told.body_text
    assert FieldChange.objects.filter(
        object_id=person.pk, source="command line", actor=None
    ).exists()
    assert not RoleGrantRequest.objects.exists()
    with pytest.raises(CommandError, match="give --full-name"):
        call_command("add_administrator", "nobody@council.example")
