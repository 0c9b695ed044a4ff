"""The audit tables (the chronology, field history, link openings) are append-only: on
Postgres their triggers refuse UPDATE, DELETE and TRUNCATE, while the app keeps adding
rows; and an opened link cannot be deleted from under its openings."""

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from placements import database_role
from placements import services as core
from placements.calendar import LONDON
from placements.models import FieldChange
from placements.roles import Role
from referrals.models import ChronologyEntry, LinkOpening, ProviderLink
from tests.journeys import sent_round
from tests.referrals.conftest import links_in_outbox

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 23, 9, tzinfo=LONDON)
AUDIT_MODELS = [ChronologyEntry, FieldChange, LinkOpening]
# pg_trigger.tgtype bits
ROW, BEFORE, DELETE, UPDATE, TRUNCATE = 1, 2, 8, 16, 32


@pytest.fixture
def opened(ready, officer):
    """A round sent and one provider's link opened, through the pages, as it happens."""
    with time_machine.travel(MONDAY, tick=False):
        search_round = sent_round(ready, officer)
        token = next(iter(links_in_outbox("provider_request").values()))
        response = Client().get(reverse("respond:page", kwargs={"token": token}))
    assert response.status_code == 200
    return search_round


@pytest.fixture
def audit_rows(opened, make_user, officer):
    """One row of each audit table, each written by the app's own services."""
    administrator = make_user(Role.ADMINISTRATOR)
    core.user_update(
        user=officer,
        full_name="Bola Adeyemi-Grant",
        email=officer.email,
        job_title="",
        team=None,
        roles=[Role.BROKERAGE_OFFICER],
        actor=administrator,
    )
    return {
        ChronologyEntry: ChronologyEntry.objects.filter(referral=opened.referral).latest("pk"),
        FieldChange: FieldChange.objects.get(new_value="Bola Adeyemi-Grant"),
        LinkOpening: LinkOpening.objects.get(),
    }


def test_the_app_adds_rows_to_every_audit_table(audit_rows):
    assert set(audit_rows) == set(AUDIT_MODELS)
    assert all(row.pk for row in audit_rows.values())


def test_the_audit_models_are_the_ones_marked_append_only():
    assert database_role.append_only_tables() == sorted(
        model._meta.db_table for model in AUDIT_MODELS
    )


REWRITES = {
    ChronologyEntry: {"text": "rewritten"},
    FieldChange: {"new_value": "rewritten"},
    LinkOpening: {"opened_at": MONDAY - dt.timedelta(days=1)},
}


def _truncate(model, row):
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred: fire the checks the inserts left pending,
        # or Postgres refuses the TRUNCATE for that reason alone.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(model._meta.db_table)}")


ATTEMPTS = {
    "UPDATE": lambda model, row: model.objects.filter(pk=row.pk).update(**REWRITES[model]),
    "DELETE": lambda model, row: model.objects.filter(pk=row.pk).delete(),
    "TRUNCATE": _truncate,
}


@pytest.mark.postgres
@pytest.mark.parametrize("operation", ATTEMPTS)
@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda model: model.__name__)
def test_postgres_refuses_to_change_remove_or_empty_audit_rows(audit_rows, model, operation):
    row = audit_rows[model]
    before = model.objects.values().get(pk=row.pk)
    refused = f"append-only: {operation} is not allowed"
    with pytest.raises(DatabaseError, match=refused), transaction.atomic():
        ATTEMPTS[operation](model, row)
    assert model.objects.values().get(pk=row.pk) == before
    assert model.objects.count() >= 1


@pytest.mark.postgres
def test_every_append_only_table_has_its_triggers(db):
    """A table marked append-only without the triggers (or with them disabled) is caught."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND t.tgenabled = 'O' AND c.relname = ANY(%s)
            """,
            [database_role.append_only_tables()],
        )
        found = cursor.fetchall()
    for table in database_role.append_only_tables():
        kinds = [tgtype for name, tgtype in found if name == table]
        assert any(k & ROW and k & BEFORE and k & UPDATE and k & DELETE for k in kinds), table
        assert any(k & BEFORE and k & TRUNCATE for k in kinds), table


def test_an_opened_link_cannot_be_deleted(opened):
    opening = LinkOpening.objects.get()
    with pytest.raises(ProtectedError):
        ProviderLink.objects.filter(pk=opening.link_id).delete()
    with pytest.raises(ProtectedError):
        opening.request.delete()
    assert LinkOpening.objects.filter(pk=opening.pk).exists()
