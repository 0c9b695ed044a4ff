import datetime as dt
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from placements.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from placements.roles import Role
from placements.settings import base
from tests.placements.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def test_sign_in_with_email_and_password_goes_home(client):
    user = UserFactory(roles=[Role.SOCIAL_WORKER])
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_a_gov_uk_error(client):
    user = UserFactory()
    response = sign_in(client, user.email, "not-the-password")
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"Enter a correct email address and password" in response.content
    assert b"<title>Error: Sign in" in response.content


def test_empty_form_says_what_is_missing(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert b"Enter your email address" in response.content
    assert b"Enter your password" in response.content


def test_each_form_carries_one_csrf_token(client):
    page = client.get(reverse("login")).content.decode()
    assert page.count("<form") == page.count('name="csrfmiddlewaretoken"') == 1


def test_deactivated_user_cannot_sign_in(client):
    user = UserFactory(is_active=False)
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_production_hasher_is_argon2():

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert identify_hasher(make_password("x" * 12)).algorithm == "argon2"


def test_lockout_after_five_failures_is_per_username_and_address(client):
    victim = UserFactory()
    other = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, victim.email, "wrong", REMOTE_ADDR="10.0.0.1")
    locked = sign_in(client, victim.email, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert b"Too many attempts to sign in" in locked.content
    # The same person from another address, and another person from the same
    # address, can still sign in: the lock is on the pair.
    assert sign_in(client, victim.email, REMOTE_ADDR="10.0.0.2").status_code == 302
    client.logout()
    assert sign_in(client, other.email, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_sign_out_is_post_only_and_shows_signed_out_page(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("signed-out")
    assert b"You have signed out" in response.content
    assert client.get(reverse("home")).status_code == 302


def _age_session(client, *, idle_for=0, signed_in_for=0):
    session = client.session
    now = time.time()
    session[SESSION_STARTED] = now - signed_in_for
    session[SESSION_LAST_SEEN] = now - idle_for
    session.save()


def test_idle_for_thirty_minutes_signs_out(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    _age_session(client, idle_for=settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("signed-out") + "?reason=idle"
    page = client.get(response["Location"])
    assert b"inactive for 30 minutes" in page.content
    assert client.get(reverse("home")).status_code == 302  # signed out for real


def test_active_within_thirty_minutes_stays_signed_in(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    _age_session(client, idle_for=settings.SESSION_IDLE_TIMEOUT_SECONDS - 60)
    assert client.get(reverse("home")).status_code in (200, 302)
    assert "_auth_user_id" in client.session


def test_twelve_hours_signs_out_even_when_active(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    _age_session(client, idle_for=5, signed_in_for=settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 1)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("signed-out") + "?reason=expired"


def test_background_refresh_does_not_count_as_activity(client):
    client.force_login(UserFactory())
    client.get(reverse("home"))
    _age_session(client, idle_for=600)
    before = client.session[SESSION_LAST_SEEN]
    client.get(reverse("home"), headers={"X-Background-Refresh": "1"})
    assert client.session[SESSION_LAST_SEEN] == before


def test_pages_carry_csp_with_a_nonce_and_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.content
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_govuk_fonts_are_served_where_the_stylesheet_expects_them(client):
    css = (settings.BASE_DIR / "static/vendor/govuk-frontend/govuk-frontend.min.css").read_text()
    font_url = css.split("url(/assets/fonts/")[1].split(")")[0]
    response = client.get(f"/assets/fonts/{font_url}")
    assert response.status_code == 200


def test_behind_a_proxy_the_lockout_is_on_the_real_address(client, settings):
    """With AXES_PROXY_COUNT=1 every request arrives from the proxy: locking by
    REMOTE_ADDR would let anyone lock anyone out. The address the proxy saw is used,
    and a client cannot forge it by adding its own X-Forwarded-For entries."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    victim = UserFactory()
    proxy = {"REMOTE_ADDR": "10.0.0.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            client,
            victim.email,
            "wrong",
            HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.66",  # forged, then the real one
            **proxy,
        )
    attacker = sign_in(client, victim.email, HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    assert attacker.status_code == 429
    # The victim, from their own address through the same proxy, still signs in.
    assert (
        sign_in(client, victim.email, HTTP_X_FORWARDED_FOR="192.0.2.10", **proxy).status_code == 302
    )


def test_many_wrong_passwords_from_many_addresses_slow_the_account_not_lock_it(client, settings):

    settings.ACCOUNT_BACKOFF_FREE = 3
    victim = UserFactory()
    for n in range(4):  # four addresses, one failure each: no address is locked
        sign_in(client, victim.email, "wrong", REMOTE_ADDR=f"198.51.100.{n}")
    waiting = sign_in(client, victim.email, REMOTE_ADDR="192.0.2.10")
    assert waiting.status_code == 429

    assert re.search(r"Wait [12] seconds? and try again", waiting.content.decode())
    assert "_auth_user_id" not in client.session
    # A couple of seconds on, the owner signs in: slowed, never locked out.

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3), tick=False):
        assert sign_in(client, victim.email, REMOTE_ADDR="192.0.2.10").status_code == 302
