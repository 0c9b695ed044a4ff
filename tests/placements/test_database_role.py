"""The app's own database role (`manage.py app_database_role`): connected as it, the app
adds to the chronology and works on its ordinary tables, but cannot change, empty or
unprotect the chronology."""

import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from placements.roles import Role
from referrals.drafting import services as drafting
from referrals.models import ChronologyEntry, Referral

pytestmark = pytest.mark.postgres
PASSWORD = uuid.uuid4().hex


@pytest.fixture
def app_role(transactional_db):
    """A fresh login role, dropped (with its grants) afterwards. Roles belong to the whole
    server, so the name is unique to this run. It has a password, for a server that
    trusts only `postgres` on 127.0.0.1 and asks everyone else for one."""
    name = f"placements_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


def connect_as(role: str) -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        dbname=database["NAME"],
        user=role,
        password=PASSWORD,
        autocommit=True,
    )


REFUSED = {
    "UPDATE": "UPDATE referrals_chronologyentry SET text = 'rewritten'",
    "DELETE": "DELETE FROM referrals_chronologyentry",
    "TRUNCATE": "TRUNCATE referrals_chronologyentry",
    "DROP TRIGGER": "DROP TRIGGER referrals_chronology_append_only ON referrals_chronologyentry",
    "DISABLE TRIGGER": "ALTER TABLE referrals_chronologyentry DISABLE TRIGGER ALL",
    "ALTER TABLE": "ALTER TABLE referrals_chronologyentry DROP COLUMN text",
    "DROP TABLE": "DROP TABLE referrals_chronologyentry CASCADE",
    "CREATE TRIGGER": (
        "CREATE TRIGGER sneaky BEFORE INSERT ON referrals_chronologyentry "
        "FOR EACH ROW EXECUTE FUNCTION referrals_chronology_append_only()"
    ),
    "skip triggers": "SET session_replication_role = replica",
    "UPDATE field history": "UPDATE placements_fieldchange SET new_value = 'rewritten'",
    "DELETE link openings": "DELETE FROM referrals_linkopening",
}


def refused(app: psycopg.Connection, sql: str) -> bool:
    """Refused for want of a right, before any trigger had to."""
    try:
        app.execute(sql)
    except psycopg.errors.InsufficientPrivilege as error:
        return "append-only" not in str(error)
    return False


def test_the_app_role_appends_to_the_chronology_and_cannot_alter_it(app_role, make_user):
    social_worker = make_user(Role.SOCIAL_WORKER)
    referral = drafting.referral_start(social_worker=social_worker)
    call_command("app_database_role", role=app_role, apply=True)
    with connect_as(app_role) as app:
        app.execute(
            "INSERT INTO referrals_chronologyentry "
            "(referral_id, at, actor_id, kind, from_status, to_status, text) "
            "VALUES (%s, now(), %s, 'note', '', '', 'Called the carer')",
            [referral.pk, social_worker.pk],
        )
        allowed = [what for what, sql in REFUSED.items() if not refused(app, sql)]
        assert allowed == []
        # An ordinary table: read, change, add and remove.
        app.execute(
            "UPDATE referrals_referral SET priority = %s WHERE id = %s",
            [Referral.Priority.HIGH, referral.pk],
        )
        app.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) "
            "VALUES ('app-role-test', '', now())"
        )
        assert app.execute("SELECT count(*) FROM django_session").fetchone() == (1,)
        app.execute("DELETE FROM django_session WHERE session_key = 'app-role-test'")
    texts = list(referral.chronology.values_list("text", flat=True))
    assert texts == ["Draft referral started: a placement", "Called the carer"]
    referral.refresh_from_db()
    assert referral.priority == Referral.Priority.HIGH
    assert ChronologyEntry.objects.count() == 2


def test_the_owner_or_a_superuser_is_refused_as_the_app_role(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(CommandError, match=r"superuser|owns"):
        call_command("app_database_role", role=owner, apply=True)
    with pytest.raises(CommandError, match="may not SELECT"):
        call_command("app_database_role", role=app_role, check=True)
    call_command("app_database_role", role=app_role, apply=True)
    call_command("app_database_role", role=app_role, check=True)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE ON referrals_linkopening TO {app_role}")
    with pytest.raises(CommandError, match="may TRUNCATE on referrals_linkopening"):
        call_command("app_database_role", role=app_role, check=True)


def test_the_grants_print_as_sql_for_a_review(db, capsys):
    call_command("app_database_role", role="placements_app")
    sql = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON TABLE "referrals_chronologyentry" TO "placements_app";' in sql
    assert 'GRANT SELECT, INSERT ON TABLE "placements_fieldchange" TO "placements_app";' in sql
    assert 'GRANT SELECT, INSERT ON TABLE "referrals_linkopening" TO "placements_app";' in sql
    assert (
        'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "referrals_referral" TO "placements_app";'
        in sql
    )
    with pytest.raises(CommandError, match="lower-case"):
        call_command("app_database_role", role='x"; DROP TABLE referrals_referral; --')
