from django.db import migrations

# (name, slug, provider category slug, in-house)
PLACEMENT_TYPES = [
    ("In-house foster care", "in-house-foster", "fostering", True),
    ("External foster care (IFA)", "external-foster", "fostering", False),
    ("Residential care", "residential", "residential", False),
    ("Parent and child", "parent-and-child", "parent-and-child", False),
    ("Supported accommodation (16+)", "supported-accommodation", "supported-accommodation", False),
    ("Short breaks", "short-breaks", "short-breaks", False),
    ("Home care", "home-care", "home-care", False),
]

# Row-level: UPDATE and DELETE are refused. (No "%" here: Django passes migration SQL
# through the driver's placeholder parsing.) TRUNCATE is left to the database owner
# (and to the test runner, which empties tables that way between tests).
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION referrals_chronology_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'The chronology is append-only: ' || TG_OP
                  || ' is not allowed. Add a correcting entry instead.',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER referrals_chronology_append_only
    BEFORE UPDATE OR DELETE ON referrals_chronologyentry
    FOR EACH ROW EXECUTE FUNCTION referrals_chronology_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS referrals_chronology_append_only ON referrals_chronologyentry;
DROP FUNCTION IF EXISTS referrals_chronology_append_only();
"""


def add_placement_types(apps, schema_editor):
    PlacementType = apps.get_model("referrals", "PlacementType")
    Category = apps.get_model("providers", "Category")
    for ordering, (name, slug, category_slug, in_house) in enumerate(PLACEMENT_TYPES):
        PlacementType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "ordering": ordering,
                "is_in_house": in_house,
                "category": Category.objects.filter(slug=category_slug).first(),
            },
        )


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("providers", "0002_categories"),
    ]

    operations = [
        migrations.RunPython(add_placement_types, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]
