from django.db import migrations

# Field history is append-only on PostgreSQL: a row trigger refuses UPDATE and DELETE, a
# statement trigger refuses TRUNCATE. (No percent sign here: Django passes migration SQL
# through the driver's placeholder parsing.) Only a superuser, through
# session_replication_role = replica, gets past them; the test runner does that to empty
# the database between tests (docs/database-roles.md).
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION placements_field_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'Field history is append-only: ' || TG_OP || ' is not allowed.',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER placements_field_history_append_only
    BEFORE UPDATE OR DELETE ON placements_fieldchange
    FOR EACH ROW EXECUTE FUNCTION placements_field_history_append_only();

CREATE TRIGGER placements_field_history_no_truncate
    BEFORE TRUNCATE ON placements_fieldchange
    FOR EACH STATEMENT EXECUTE FUNCTION placements_field_history_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS placements_field_history_no_truncate ON placements_fieldchange;
DROP TRIGGER IF EXISTS placements_field_history_append_only ON placements_fieldchange;
DROP FUNCTION IF EXISTS placements_field_history_append_only();
"""


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0004_agreement_settings"),
    ]

    operations = [
        migrations.RunPython(append_only, drop_append_only),
    ]
