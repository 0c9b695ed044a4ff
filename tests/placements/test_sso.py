"""Single sign-on with the council's directory, against a real OpenID Connect provider
on loopback (oidc-provider-mock, in a thread): a person with an account comes in and is
linked by subject; anyone else is refused with a clear page; a tampered state, a token
for another client and an expired token are refused; the request carries PKCE."""

import base64
import hashlib
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import oidc_provider_mock
import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placements.roles import Role
from placements.sso import DirectoryBackend

pytestmark = pytest.mark.django_db
CLIENT_ID = "placements-brokerage"


@pytest.fixture
def directory(settings):
    """The provider, and this service set up to use it."""
    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        settings.OIDC_DISCOVERY_URL = f"{url}/.well-known/openid-configuration"
        settings.OIDC_ISSUER = ""
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"
        settings.OIDC_TRUST_EMAIL = False
        cache.clear()
        yield url
    cache.clear()


def person(directory, sub, **claims):
    """The directory knows `sub` with these claims."""
    response = httpx.put(f"{directory}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204


def signed_in_through(directory, client, sub, *, state=None):
    """Start at the sign-in button, authorise as `sub` at the provider, come back."""
    start = client.get(reverse("sso-start"))
    assert start.status_code == 302 and start["Location"].startswith(directory)
    answer = httpx.post(start["Location"], data={"sub": sub})
    assert answer.status_code == 302
    back = urlsplit(answer.headers["location"])
    query = back.query
    if state is not None:
        query = query.replace(parse_qs(query)["state"][0], state)
    return client.get(f"{back.path}?{query}")


def test_a_person_with_an_account_comes_in_and_is_linked_by_subject(directory, make_user):
    user = make_user(Role.BROKERAGE_OFFICER, email="bola.officer@council.example")
    person(directory, "entra-0001", email="Bola.Officer@council.example", email_verified=True)
    client = Client()
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("sso-start") in login_page
    response = signed_in_through(directory, client, "entra-0001")
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert user.sso_subject == "entra-0001"
    # Later, the same subject comes in whatever its email now says.
    person(directory, "entra-0001", email="b.adeyemi@council.example", email_verified=True)
    again = Client()
    assert signed_in_through(directory, again, "entra-0001")["Location"] == reverse("home")


def test_anyone_else_is_refused_with_a_clear_page(directory, make_user):
    person(directory, "entra-0002", email="stranger@council.example", email_verified=True)
    client = Client()
    response = signed_in_through(directory, client, "entra-0002")
    assert response["Location"] == reverse("sso-refused")
    page = client.get(reverse("sso-refused"))
    assert page.status_code == 403
    assert "There is no account for you in this service" in page.content.decode()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_an_unverified_email_is_not_matched_unless_the_council_trusts_it(
    directory, make_user, settings
):
    make_user(Role.SOCIAL_WORKER, email="sam.social@council.example")
    person(directory, "entra-0003", email="sam.social@council.example")
    client = Client()
    signed_in_through(directory, client, "entra-0003")
    assert (
        "did not confirm your email address" in client.get(reverse("sso-refused")).content.decode()
    )
    settings.OIDC_TRUST_EMAIL = True
    assert signed_in_through(directory, Client(), "entra-0003")["Location"] == reverse("home")


def test_a_deactivated_person_is_refused(directory, make_user):
    make_user(Role.SOCIAL_WORKER, email="gone@council.example", is_active=False)
    person(directory, "entra-0004", email="gone@council.example", email_verified=True)
    client = Client()
    signed_in_through(directory, client, "entra-0004")
    assert "has been deactivated" in client.get(reverse("sso-refused")).content.decode()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_a_tampered_state_is_refused(directory, make_user):
    make_user(Role.SOCIAL_WORKER, email="sam.social@council.example")
    person(directory, "entra-0005", email="sam.social@council.example", email_verified=True)
    client = Client()
    response = signed_in_through(directory, client, "entra-0005", state="forged-state")
    assert response["Location"] == reverse("sso-refused")
    assert "could not be checked" in client.get(reverse("sso-refused")).content.decode()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def real_id_token(directory, client_id, sub):
    """An ID token the provider issues to `client_id` for `sub`."""
    redirect = "http://testserver/back/"
    answer = httpx.post(
        f"{directory}/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect,
            "scope": "openid email",
            "state": "s",
            "nonce": "n",
        },
        data={"sub": sub},
    )
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    token = httpx.post(
        f"{directory}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "client_id": client_id,
            "client_secret": "x",
        },
    )
    return token.json()["id_token"]


def test_a_token_for_another_client_or_expired_is_refused(directory):
    backend = DirectoryBackend()
    ours = real_id_token(directory, CLIENT_ID, "entra-0006")
    assert backend.verify_token(ours, nonce="n")["sub"] == "entra-0006"
    theirs = real_id_token(directory, "another-service", "entra-0006")
    with pytest.raises(SuspiciousOperation, match="InvalidAudienceError"):
        backend.verify_token(theirs, nonce="n")
    with (
        time_machine.travel(timezone.now() + timezone.timedelta(hours=2)),
        pytest.raises(SuspiciousOperation, match="ExpiredSignatureError"),
    ):
        backend.verify_token(ours, nonce="n")
    with pytest.raises(SuspiciousOperation, match="Nonce"):
        backend.verify_token(ours, nonce="another")


def test_the_request_carries_pkce(directory):
    client = Client()
    start = client.get(reverse("sso-start"))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [CLIENT_ID]
    [stored] = client.session["oidc_states"].values()
    digest = hashlib.sha256(stored["code_verifier"].encode()).digest()
    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert query["code_challenge"] == [expected]


def test_without_a_directory_there_is_no_button_and_no_route(settings):
    settings.OIDC_RP_CLIENT_ID = ""
    client = Client()
    assert reverse("sso-start") not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("sso-start")).status_code == 404
    assert client.get(reverse("sso-callback"), {"code": "x", "state": "y"}).status_code == 404


# --- Accounts from the directory's groups ------------------------------------------


@pytest.fixture
def groups(make_user, team):
    """Two administrators; the council makes accounts; "CIC North" gives social worker
    (in the team), "Heads" gives head of service (asked for, not at once)."""
    from placements.models import CouncilSettings
    from placements.services import directory as directory_services

    admin = make_user(Role.ADMINISTRATOR, team=None, email="alex.admin@council.example")
    make_user(Role.ADMINISTRATOR, team=None, email="sasha.admin@council.example")
    council = CouncilSettings.load()
    council.sso_create_accounts = True
    council.save()
    for group, name, role, team_ in (
        ("grp-cic-north", "CIC North", Role.SOCIAL_WORKER, team),
        ("grp-heads", "Heads of service", Role.HEAD_OF_SERVICE, None),
    ):
        directory_services.group_role_save(
            group=group, name=name, role=role, team=team_, at_once=False, actor=admin
        )
    return admin


def test_an_account_is_made_from_mapped_groups(directory, groups, team):
    from placements.models import OutboxMessage, RoleGrantRequest, User

    person(
        directory,
        "entra-0100",
        email="new.worker@council.example",
        email_verified=True,
        name="Nia Worker",
        groups=["grp-cic-north", "grp-heads", "grp-unrelated"],
    )
    client = Client()
    assert signed_in_through(directory, client, "entra-0100")["Location"] == reverse("home")
    made = User.objects.get(email="new.worker@council.example")
    assert (made.full_name, made.team, made.sso_subject) == ("Nia Worker", team, "entra-0100")
    assert made.created_from_directory and not made.has_usable_password()
    # The social worker role at once; head of service only asked for, by the mapper.
    assert made.role_set == {Role.SOCIAL_WORKER}
    grant = RoleGrantRequest.objects.get(user=made)
    assert (grant.role, grant.requested_by, grant.decided_at) == (
        Role.HEAD_OF_SERVICE,
        groups,
        None,
    )
    assert OutboxMessage.objects.filter(key__startswith="role_grant_waiting:").exists()


def test_a_role_at_once_and_later_groups(directory, groups):
    from placements.models import DirectoryGroupRole, User
    from placements.services import directory as directory_services

    directory_services.group_role_save(
        group="grp-duty",
        name="Duty leads",
        role=Role.DUTY_LEAD,
        team=None,
        at_once=True,
        actor=groups,
    )
    person(
        directory,
        "entra-0101",
        email="d.lead@council.example",
        email_verified=True,
        groups=["grp-duty"],
    )
    signed_in_through(directory, Client(), "entra-0101")
    lead = User.objects.get(email="d.lead@council.example")
    assert lead.role_set == {Role.DUTY_LEAD}
    # A group newly mapped gives its role at the next sign-in.
    person(
        directory,
        "entra-0101",
        email="d.lead@council.example",
        email_verified=True,
        groups=["grp-duty", "grp-cic-north"],
    )
    signed_in_through(directory, Client(), "entra-0101")
    lead = User.objects.get(pk=lead.pk)
    assert lead.role_set == {Role.DUTY_LEAD, Role.SOCIAL_WORKER}
    # In no mapped group any more: refused.
    DirectoryGroupRole.objects.all().delete()
    client = Client()
    assert signed_in_through(directory, client, "entra-0101")["Location"] == reverse("sso-refused")
    assert "not in any of the council" in client.get(reverse("sso-refused")).content.decode()


def test_no_mapped_group_or_no_accounts_made_is_refused(directory, groups):
    from placements.models import CouncilSettings, User

    person(
        directory,
        "entra-0102",
        email="elsewhere@council.example",
        email_verified=True,
        groups=["grp-unrelated"],
    )
    client = Client()
    signed_in_through(directory, client, "entra-0102")
    assert "not in any of the council" in client.get(reverse("sso-refused")).content.decode()
    council = CouncilSettings.load()
    council.sso_create_accounts = False
    council.save()
    person(
        directory,
        "entra-0102",
        email="elsewhere@council.example",
        email_verified=True,
        groups=["grp-cic-north"],
    )
    signed_in_through(directory, client, "entra-0102")
    assert "There is no account for you" in client.get(reverse("sso-refused")).content.decode()
    assert not User.objects.filter(email="elsewhere@council.example").exists()


def test_administrators_map_groups_on_their_page(groups, make_user):
    from placements.models import DirectoryGroupRole

    admin = Client()
    admin.force_login(groups)
    page = reverse("accounts:directory-groups")
    assert "CIC North" in admin.get(page).content.decode()
    empty = admin.post(page, {"group": "", "name": "", "role": ""}).content.decode()
    assert "Enter the group&#x27;s id in the directory" in empty
    assert "Choose the role its members get" in empty
    twice = admin.post(
        page, {"group": "grp-cic-north", "name": "Again", "role": Role.SOCIAL_WORKER}
    ).content.decode()
    assert "That group already gives the role Social worker" in twice
    assert DirectoryGroupRole.objects.count() == 2
    mapping = DirectoryGroupRole.objects.get(group="grp-heads")
    admin.post(page, {"action": "remove", "mapping": mapping.pk})
    assert not DirectoryGroupRole.objects.filter(pk=mapping.pk).exists()
    worker = Client()
    worker.force_login(make_user(Role.SOCIAL_WORKER))
    assert worker.get(page).status_code == 403
    other = DirectoryGroupRole.objects.get()
    assert worker.post(page, {"action": "remove", "mapping": other.pk}).status_code == 403
    assert DirectoryGroupRole.objects.filter(pk=other.pk).exists()


# --- Password sign-in off for staff, break-glass administrators ----------------------


def test_password_sign_in_turned_off_keeps_break_glass_administrators(
    directory, make_user, settings
):
    from placements.models import CouncilSettings
    from placements.services import council_settings_update, user_break_glass_set
    from placements.services.errors import DomainError
    from tests.placements.factories import TEST_PASSWORD

    alex = make_user(Role.ADMINISTRATOR, team=None, email="alex.admin@council.example")
    sasha = make_user(Role.ADMINISTRATOR, team=None, email="sasha.admin@council.example")
    worker = make_user(Role.SOCIAL_WORKER, email="sam.social@council.example")
    with pytest.raises(DomainError, match="break-glass administrator first"):
        council_settings_update(values={"staff_password_sign_in": False}, actor=alex)
    with pytest.raises(DomainError, match="Another administrator decides"):
        user_break_glass_set(user=alex, on=True, actor=alex)
    with pytest.raises(DomainError, match="Only an active administrator"):
        user_break_glass_set(user=worker, on=True, actor=alex)
    user_break_glass_set(user=sasha, on=True, actor=alex)
    council_settings_update(values={"staff_password_sign_in": False}, actor=alex)
    with pytest.raises(DomainError, match="keep at least one break-glass"):
        user_break_glass_set(user=sasha, on=False, actor=alex)

    def password(email):
        client = Client()
        return client, client.post(reverse("login"), {"username": email, "password": TEST_PASSWORD})

    client, refused = password(worker.email)
    assert refused.status_code == 200
    assert "password sign-in is turned off" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert "password sign-in is turned off" in password(alex.email)[1].content.decode()
    client, allowed = password(sasha.email)
    # Let through the password, on to the second factor an administrator needs.
    assert allowed["Location"] == reverse("sign-in-set-up")
    assert "_auth_user_id" not in client.session
    # Without single sign-on nobody is kept out by the setting.
    settings.OIDC_RP_CLIENT_ID = ""
    client, allowed = password(worker.email)
    assert allowed.status_code == 302
    assert CouncilSettings.load().staff_password_sign_in is False


def test_turning_password_sign_in_off_needs_single_sign_on(make_user, settings):
    from placements.services import council_settings_update
    from placements.services.errors import DomainError

    settings.OIDC_RP_CLIENT_ID = ""
    alex = make_user(Role.ADMINISTRATOR, team=None)
    with pytest.raises(DomainError, match="Set up single sign-on"):
        council_settings_update(values={"staff_password_sign_in": False}, actor=alex)


def test_deactivating_ends_a_directory_session(directory, make_user):
    from placements.services import user_set_active

    user = make_user(Role.SOCIAL_WORKER, email="sam.social@council.example")
    admin = make_user(Role.ADMINISTRATOR, team=None)
    person(directory, "entra-0200", email=user.email, email_verified=True)
    client = Client()
    signed_in_through(directory, client, "entra-0200")
    assert int(client.session["_auth_user_id"]) == user.pk
    user_set_active(user=user, active=False, actor=admin)
    assert client.get(reverse("referrals:list"))["Location"].startswith(reverse("login"))
    # And the directory cannot bring them back.
    again = Client()
    signed_in_through(directory, again, "entra-0200")
    assert "has been deactivated" in again.get(reverse("sso-refused")).content.decode()


def test_an_administrator_marks_another_as_break_glass_on_their_page(make_user):
    alex = make_user(Role.ADMINISTRATOR, team=None)
    sasha = make_user(Role.ADMINISTRATOR, team=None, full_name="Sasha Patel")
    client = Client()
    client.force_login(alex)
    page = reverse("accounts:user-detail", args=[sasha.pk])
    assert "Make them a break-glass administrator" in client.get(page).content.decode()
    client.post(reverse("accounts:user-break-glass", args=[sasha.pk]), {"on": "1"})
    sasha.refresh_from_db()
    assert sasha.break_glass
    assert "may sign in with a password even when" in client.get(page).content.decode()


# --- A directory session lasts no longer than the directory's ------------------------


def test_a_directory_session_is_checked_again_and_ends_with_the_directory_s(
    directory, make_user, settings
):
    user = make_user(Role.SOCIAL_WORKER, email="sam.social@council.example")
    person(directory, "entra-0300", email=user.email, email_verified=True)
    client = Client()
    signed_in_through(directory, client, "entra-0300")
    page = reverse("referrals:list")
    assert client.get(page).status_code == 200
    # Later than the recheck: a page asks the directory silently first.
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=20)):
        # A background refresh is not sent off; it waits for the next page.
        assert client.get(page, headers={"HX-Request": "true"}).status_code == 200
        check = client.get(page)
        assert check.status_code == 302 and check["Location"].startswith(directory)
        query = parse_qs(urlsplit(check["Location"]).query)
        assert query["prompt"] == ["none"]
        # The directory answers that their session there has ended: signed out here.
        ended = client.get(
            reverse("sso-callback"),
            {"error": "login_required", "state": query["state"][0]},
        )
        assert ended["Location"] == reverse("sso-refused")
        assert "Your council sign-in has ended" in client.get(ended["Location"]).content.decode()
        assert client.get(page)["Location"].startswith(reverse("login"))


def test_a_password_session_is_never_sent_to_the_directory(directory, make_user):
    from tests.placements.factories import TEST_PASSWORD

    user = make_user(Role.SOCIAL_WORKER, email="sam.social@council.example")
    client = Client()
    client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=20)):
        assert client.get(reverse("referrals:list")).status_code == 200


def test_a_recheck_that_refuses_signs_out_and_a_forged_answer_does_nothing(directory, groups):
    from placements.models import DirectoryGroupRole

    person(
        directory,
        "entra-0400",
        email="n.worker@council.example",
        email_verified=True,
        groups=["grp-cic-north"],
    )
    client = Client()
    signed_in_through(directory, client, "entra-0400")
    assert "_auth_user_id" in client.session
    # A link from elsewhere with an "error" answer signs nobody out.
    forged = client.get(reverse("sso-callback"), {"error": "login_required", "state": "x"})
    assert forged["Location"] == reverse("login") and "_auth_user_id" in client.session
    DirectoryGroupRole.objects.all().delete()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=20)):
        check = client.get(reverse("referrals:list"))
        answer = httpx.post(check["Location"], data={"sub": "entra-0400"})
        back = urlsplit(answer.headers["location"])
        refused = client.get(f"{back.path}?{back.query}")
    assert refused["Location"] == reverse("sso-refused")
    assert "_auth_user_id" not in client.session


def test_the_password_form_never_redeems_a_directory_code(directory, make_user):
    make_user(Role.SOCIAL_WORKER, email="sam.social@council.example")
    response = Client().post(
        reverse("login") + "?code=made-up&state=anything",
        {"username": "sam.social@council.example", "password": "wrong"},
    )
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()


def test_administrator_is_never_given_at_once_by_a_group(groups):
    from placements.services import directory as directory_services
    from placements.services.errors import DomainError

    with pytest.raises(DomainError, match="never given at once"):
        directory_services.group_role_save(
            group="grp-admins",
            name="Admins",
            role=Role.ADMINISTRATOR,
            team=None,
            at_once=True,
            actor=groups,
        )


def test_an_approver_s_account_is_linked_only_by_its_owner(directory, make_user):
    from tests.placements.factories import TEST_PASSWORD, totp_code

    head = make_user(Role.HEAD_OF_SERVICE, team=None, email="hugh.head@council.example")
    person(directory, "entra-0500", email=head.email, email_verified=True)
    # An email match alone does not hand over an approver's account.
    stranger = Client()
    signed_in_through(directory, stranger, "entra-0500")
    assert "only you can link it" in stranger.get(reverse("sso-refused")).content.decode()
    head.refresh_from_db()
    assert head.sso_subject is None
    # Its owner signs in with password and code, then links it.
    owner = Client()
    owner.post(reverse("login"), {"username": head.email, "password": TEST_PASSWORD})
    owner.get(reverse("sign-in-set-up"))
    owner.post(reverse("sign-in-set-up"), {"code": totp_code(head)})
    owner.get(reverse("recovery-codes"))  # the recovery codes, shown once
    assert "Link my council account" in owner.get(reverse("recovery-codes")).content.decode()
    start = owner.post(reverse("sso-link"))
    assert start["Location"] == reverse("sso-start")
    back = owner.get(start["Location"])
    answer = httpx.post(back["Location"], data={"sub": "entra-0500"})
    where = urlsplit(answer.headers["location"])
    assert owner.get(f"{where.path}?{where.query}")["Location"] == reverse("home")
    head.refresh_from_db()
    assert head.sso_subject == "entra-0500"
    # From now on, the directory alone.
    assert signed_in_through(directory, Client(), "entra-0500")["Location"] == reverse("home")


def test_the_last_break_glass_administrator_stays_while_passwords_are_off(directory, make_user):
    from placements.services import (
        council_settings_update,
        user_break_glass_set,
        user_set_active,
        user_update,
    )
    from placements.services.errors import DomainError

    alex = make_user(Role.ADMINISTRATOR, team=None)
    sasha = make_user(Role.ADMINISTRATOR, team=None)
    user_break_glass_set(user=sasha, on=True, actor=alex)
    council_settings_update(values={"staff_password_sign_in": False}, actor=alex)
    with pytest.raises(DomainError, match="keep at least one break-glass"):
        user_set_active(user=sasha, active=False, actor=alex)
    with pytest.raises(DomainError, match="keep at least one break-glass"):
        user_update(
            user=sasha,
            full_name=sasha.full_name,
            email=sasha.email,
            job_title="",
            team=None,
            roles=[Role.SOCIAL_WORKER],
            actor=alex,
        )
    sasha.refresh_from_db()
    assert sasha.is_active and sasha.has_role(Role.ADMINISTRATOR)


def test_a_discovery_document_for_another_issuer_is_refused(directory, settings):
    settings.OIDC_ISSUER = "https://login.example/another-tenant/v2.0"
    client = Client()
    assert client.get(reverse("sso-start"))["Location"] == reverse("sso-refused")
    assert "not answering" in client.get(reverse("sso-refused")).content.decode()
