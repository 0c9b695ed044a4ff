"""Shared fixtures: a signed-in client per role, and the rule that in CI a test
needing Postgres, Redis or Chromium fails rather than skips when it is missing."""

import os
import shutil

import pytest
from django.db import connection

from placements.roles import Role
from tests.placements.factories import TeamFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} not available here (it is required in CI)")


def redis_available() -> bool:
    import redis
    from django.conf import settings

    url = settings.CELERY_BROKER_URL or os.environ.get("REDIS_URL", "")
    if not url.startswith("redis"):
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis") and not redis_available():
        _missing("Redis (set CELERY_BROKER_URL)")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _missing(f"Chromium at {CHROMIUM}")


# What the test runner wraps Django's flush in: the TRUNCATE that empties the database
# after each transactional (and live-server) test. The append-only tables refuse TRUNCATE
# through triggers, which session_replication_role = replica skips; setting it needs a
# superuser (or, from PostgreSQL 15, GRANT SET ON PARAMETER session_replication_role),
# and SET LOCAL ends with the flush's own transaction, so the triggers hold for every
# test, and nothing of this reaches the app (docs/database-roles.md).
FLUSH_PAST_APPEND_ONLY_TRIGGERS = (
    "SET LOCAL session_replication_role = replica",
    "SET LOCAL session_replication_role = DEFAULT",
)


@pytest.fixture(scope="session", autouse=True)
def _flush_past_append_only_triggers():
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush_sql = DatabaseOperations.sql_flush
    before, after = FLUSH_PAST_APPEND_ONLY_TRIGGERS

    def sql_flush(self, style, tables, **options):
        statements = flush_sql(self, style, tables, **options)
        return [before, *statements, after] if statements else statements

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _fresh_caches():
    from placements.calendar import _bank_holidays

    _bank_holidays.cache_clear()
    yield


@pytest.fixture
def team(db):
    """A team as it normally is: with a team manager to endorse its referrals."""
    team = TeamFactory(name="Children in Care North")
    UserFactory(roles=[Role.TEAM_MANAGER], team=team, full_name="Tamsin North-Manager")
    return team


@pytest.fixture
def other_team(db):
    team = TeamFactory(name="Children in Care South")
    UserFactory(roles=[Role.TEAM_MANAGER], team=team, full_name="Toby South-Manager")
    return team


@pytest.fixture
def make_user(db, team):
    def make(*roles, **kwargs):
        kwargs.setdefault("team", team)
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def client_for(client, make_user):
    """`client_for(Role.ADMINISTRATOR)` returns a client signed in with that role."""

    def signed_in(*roles, **kwargs):
        from django.test import Client

        user = make_user(*roles, **kwargs)
        new_client = Client()
        new_client.force_login(user)
        new_client.user = user
        return new_client

    return signed_in


@pytest.fixture
def administrator_client(client_for):
    return client_for(Role.ADMINISTRATOR)


@pytest.fixture
def officer_client(client_for):
    return client_for(Role.BROKERAGE_OFFICER)


@pytest.fixture
def duty_lead_client(client_for):
    return client_for(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD)


@pytest.fixture
def social_worker_client(client_for):
    return client_for(Role.SOCIAL_WORKER)


@pytest.fixture
def team_manager_client(client_for):
    return client_for(Role.TEAM_MANAGER)
