from django.db import migrations, models


def from_providers(apps, schema_editor):
    """Placements made before this field: the provider's kind of setting."""
    Placement = apps.get_model("approvals", "Placement")
    Provider = apps.get_model("providers", "Provider")
    labels = dict(Provider._meta.get_field("provider_type").choices)
    for placement in Placement.objects.select_related("provider"):
        placement.placement_type = labels.get(
            placement.provider.provider_type, placement.provider.provider_type
        )
        placement.save(update_fields=["placement_type"])


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0003_offers_to_placement"),
        ("providers", "0002_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="placement",
            name="placement_type",
            field=models.CharField(default="", max_length=100, verbose_name="type of placement"),
            preserve_default=False,
        ),
        migrations.RunPython(from_providers, migrations.RunPython.noop),
    ]
