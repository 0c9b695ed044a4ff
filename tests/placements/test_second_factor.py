"""A second factor for password sign-in: administrators and approvers set up an app at
their next sign-in (QR code and secret), codes computed here as a phone would; recovery
codes work once; wrong codes are rate-limited; another administrator resets a lost
device; every event is in the security log; nobody is signed in before the code."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from placements.models import CouncilSettings, SecurityEvent
from placements.roles import Role
from placements.second_factor import has_app
from tests.placements.factories import TEST_PASSWORD, totp_code

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def password(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})


def signed_in(client) -> int | None:
    return int(client.session["_auth_user_id"]) if "_auth_user_id" in client.session else None


def kinds(user):
    return list(
        SecurityEvent.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def set_up(client, user):
    """Password, then the app set up with its first code; returns the recovery codes."""
    assert password(client, user)["Location"] == reverse("sign-in-set-up")
    client.get(reverse("sign-in-set-up"))
    done = client.post(reverse("sign-in-set-up"), {"code": totp_code(user)})
    assert done["Location"] == reverse("recovery-codes")
    page = client.get(reverse("recovery-codes")).content.decode()
    return re.findall(r"<li><code>([^<]+)</code></li>", page)


def test_an_administrator_sets_up_an_app_at_their_next_sign_in(make_user):
    admin = make_user(Role.ADMINISTRATOR, team=None)
    client = Client()
    assert password(client, admin)["Location"] == reverse("sign-in-set-up")
    assert signed_in(client) is None
    # Nothing else is open yet.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    page = client.get(reverse("sign-in-set-up")).content.decode()
    assert "<svg" in page and 'id="secret"' in page
    wrong = client.post(reverse("sign-in-set-up"), {"code": "000000"}).content.decode()
    assert "The code is not right" in wrong and "Error: " in wrong
    assert signed_in(client) is None and not has_app(admin)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        assert client.post(reverse("sign-in-set-up"), {"code": totp_code(admin)}).status_code == 302
    assert signed_in(client) == admin.pk and has_app(admin)
    codes = re.findall(
        r"<li><code>([^<]+)</code></li>", client.get(reverse("recovery-codes")).content.decode()
    )
    assert len(codes) == 10
    # Shown once.
    assert "<code>" not in client.get(reverse("recovery-codes")).content.decode()
    assert kinds(admin) == [Kind.FAILED, Kind.SET_UP]


def test_the_next_sign_in_asks_for_a_code_and_a_recovery_code_works_once(make_user):
    approver = make_user(Role.HEAD_OF_SERVICE, team=None)
    codes = set_up(Client(), approver)
    client = Client()
    assert password(client, approver)["Location"] == reverse("sign-in-code")
    assert signed_in(client) is None
    response = client.post(reverse("sign-in-code"), {"code": totp_code(approver)})
    assert response["Location"] == reverse("home") and signed_in(client) == approver.pk

    again = Client()
    password(again, approver)
    again.post(reverse("sign-in-code"), {"code": codes[0]})
    assert signed_in(again) == approver.pk
    reused = Client()
    password(reused, approver)
    refused = reused.post(reverse("sign-in-code"), {"code": codes[0]}).content.decode()
    assert "The code is not right" in refused and signed_in(reused) is None
    assert kinds(approver) == [Kind.SET_UP, Kind.PASSED, Kind.RECOVERY_USED, Kind.FAILED]
    assert SecurityEvent.objects.get(user=approver, kind=Kind.RECOVERY_USED).detail == "9 left"


def test_wrong_codes_are_rate_limited(make_user):
    admin = make_user(Role.ADMINISTRATOR, team=None)
    set_up(Client(), admin)
    client = Client()
    password(client, admin)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=40), tick=False):
        for _ in range(2):
            client.post(reverse("sign-in-code"), {"code": "123456"})
        # The right code now is not even checked: they must wait.
        right = client.post(reverse("sign-in-code"), {"code": totp_code(admin)}).content.decode()
        assert "Too many wrong codes: wait 1 second and" in right and signed_in(client) is None
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=75), tick=False):
        client.post(reverse("sign-in-code"), {"code": totp_code(admin)})
        assert signed_in(client) == admin.pk
    # The second wrong code came before its wait was over, as did the right one.
    assert kinds(admin) == [Kind.SET_UP, Kind.FAILED, Kind.THROTTLED, Kind.THROTTLED, Kind.PASSED]


def test_who_needs_a_second_factor(make_user):
    worker = make_user(Role.SOCIAL_WORKER)
    client = Client()
    assert password(client, worker)["Location"] == reverse("home")
    assert signed_in(client) == worker.pk
    council = CouncilSettings.load()
    council.second_factor_for_everyone = True
    council.save()
    later = Client()
    assert password(later, worker)["Location"] == reverse("sign-in-set-up")
    assert signed_in(later) is None


def test_a_waiting_sign_in_expires(make_user):
    admin = make_user(Role.ADMINISTRATOR, team=None)
    client = Client()
    password(client, admin)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert client.get(reverse("sign-in-set-up"))["Location"] == reverse("login")
        assert client.post(reverse("sign-in-code"), {"code": "1"})["Location"] == reverse("login")
    assert Client().get(reverse("sign-in-code"))["Location"] == reverse("login")


def test_another_administrator_resets_a_lost_device(make_user):
    alex = make_user(Role.ADMINISTRATOR, team=None)
    sasha = make_user(Role.ADMINISTRATOR, team=None, full_name="Sasha Patel")
    set_up(Client(), sasha)
    own = Client()
    own.force_login(sasha)
    own.post(reverse("accounts:user-second-factor-reset", args=[sasha.pk]))
    assert has_app(sasha)
    client = Client()
    client.force_login(alex)
    page = reverse("accounts:user-detail", args=[sasha.pk])
    assert "Reset their second factor" in client.get(page).content.decode()
    client.post(reverse("accounts:user-second-factor-reset", args=[sasha.pk]))
    assert not has_app(sasha)
    reset = SecurityEvent.objects.get(user=sasha, kind=Kind.RESET)
    assert reset.actor == alex
    from placements.models import OutboxMessage

    told = OutboxMessage.objects.get(key__startswith=f"second_factor_reset:{sasha.pk}:")
    assert told.to == [sasha.email] and alex.full_name in told.body_text
    assert password(Client(), sasha)["Location"] == reverse("sign-in-set-up")
    log = client.get(reverse("accounts:security-log"), {"user": sasha.pk}).content.decode()
    assert "Second factor reset by an administrator (" in log
    worker = Client()
    worker.force_login(make_user(Role.SOCIAL_WORKER))
    assert worker.get(reverse("accounts:security-log")).status_code == 403
    assert (
        worker.post(reverse("accounts:user-second-factor-reset", args=[sasha.pk])).status_code
        == 403
    )


def test_new_recovery_codes_replace_the_old(make_user):
    admin = make_user(Role.ADMINISTRATOR, team=None)
    old = set_up(Client(), admin)
    client = Client()
    client.force_login(admin)
    client.post(reverse("recovery-codes"))
    new = re.findall(
        r"<li><code>([^<]+)</code></li>", client.get(reverse("recovery-codes")).content.decode()
    )
    assert len(new) == 10 and not set(new) & set(old)
    later = Client()
    password(later, admin)
    later.post(reverse("sign-in-code"), {"code": old[1]})
    assert signed_in(later) is None
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=2)):
        later.post(reverse("sign-in-code"), {"code": new[1]})
    assert signed_in(later) == admin.pk


def test_each_sign_in_gets_its_own_secret(make_user):
    admin = make_user(Role.ADMINISTRATOR, team=None)
    first, second = Client(), Client()
    password(first, admin)
    one = re.search(
        r'id="secret"><code>([^<]+)<', first.get(reverse("sign-in-set-up")).content.decode()
    )
    password(second, admin)
    two = re.search(
        r'id="secret"><code>([^<]+)<', second.get(reverse("sign-in-set-up")).content.decode()
    )
    assert one and two and one[1] != two[1]
    # The first attempt's secret is gone: nobody else can finish with it.
    assert first.post(reverse("sign-in-set-up"), {"code": "123456"}).status_code == 200


def test_wrong_codes_wait_at_most_minutes_and_the_person_is_told(make_user):
    from placements.models import OutboxMessage

    admin = make_user(Role.ADMINISTRATOR, team=None)
    codes = set_up(Client(), admin)
    client = Client()
    moment = timezone.now()
    for _ in range(14):
        moment += dt.timedelta(hours=1)  # each wrong code after the wait is over
        with time_machine.travel(moment, tick=False):
            password(client, admin)
            client.post(reverse("sign-in-code"), {"code": "123456"})
    # However many wrong codes, the wait stops growing at 2 ** 9 seconds.
    with time_machine.travel(moment + dt.timedelta(seconds=2), tick=False):
        password(client, admin)
        waiting = client.post(reverse("sign-in-code"), {"code": "123456"}).content.decode()
        assert "wait 510 seconds" in waiting
    told = OutboxMessage.objects.filter(key__startswith=f"second_factor_failures:{admin.pk}:")
    assert told.count() == 1 and admin.email in told.get().to
    with time_machine.travel(moment + dt.timedelta(seconds=2**9 + 1), tick=False):
        # A recovery code, typed in capitals, within minutes, not days.
        client.post(reverse("sign-in-code"), {"code": codes[0].upper()})
    assert signed_in(client) == admin.pk
