from django.db import migrations

CATEGORIES = [
    ("Fostering", "fostering"),
    ("Residential care", "residential"),
    ("Parent and child", "parent-and-child"),
    ("Supported accommodation (16+)", "supported-accommodation"),
    ("Short breaks", "short-breaks"),
    ("Home care", "home-care"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("providers", "Category")
    for ordering, (name, slug) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "ordering": ordering})


class Migration(migrations.Migration):
    dependencies = [("providers", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
