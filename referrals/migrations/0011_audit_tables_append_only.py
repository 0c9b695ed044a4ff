import django.db.models.deletion
from django.db import migrations, models

# The chronology's row trigger (migration 0002) gains a TRUNCATE trigger, and link
# openings get both. (No percent sign here: Django passes migration SQL through the
# driver's placeholder parsing.) Only a superuser, through session_replication_role =
# replica, gets past them; the test runner does that to empty the database between tests
# (docs/database-roles.md).
APPEND_ONLY = """
CREATE TRIGGER referrals_chronology_no_truncate
    BEFORE TRUNCATE ON referrals_chronologyentry
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_chronology_append_only();

CREATE OR REPLACE FUNCTION referrals_link_opening_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'Link openings are append-only: ' || TG_OP || ' is not allowed.',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referrals_link_opening_append_only
    BEFORE UPDATE OR DELETE ON referrals_linkopening
    FOR EACH ROW EXECUTE FUNCTION referrals_link_opening_append_only();

CREATE TRIGGER referrals_link_opening_no_truncate
    BEFORE TRUNCATE ON referrals_linkopening
    FOR EACH STATEMENT EXECUTE FUNCTION referrals_link_opening_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS referrals_link_opening_no_truncate ON referrals_linkopening;
DROP TRIGGER IF EXISTS referrals_link_opening_append_only ON referrals_linkopening;
DROP FUNCTION IF EXISTS referrals_link_opening_append_only();
DROP TRIGGER IF EXISTS referrals_chronology_no_truncate ON referrals_chronologyentry;
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0010_allowed_words_and_flag_reasons"),
    ]

    operations = [
        # An opening outlives its link and request: deleting an opened one is refused
        # by Django (ProtectedError) before the database trigger would refuse it.
        migrations.AlterField(
            model_name="linkopening",
            name="request",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="openings",
                to="referrals.providerrequest",
            ),
        ),
        migrations.AlterField(
            model_name="linkopening",
            name="link",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="referrals.providerlink",
            ),
        ),
        migrations.RunPython(append_only, drop_append_only),
    ]
