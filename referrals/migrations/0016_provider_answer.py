"""ProviderResponse is renamed ProviderAnswer (it holds offers, "no option" answers and
withdrawals). State only: the table keeps its name, so no data moves."""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    """Keep the content type's row (and anything pointing at it) under the new name."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="referrals", model="providerresponse")
    if not ContentType.objects.filter(app_label="referrals", model="provideranswer").exists():
        old.update(model="provideranswer")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="referrals", model="provideranswer").update(
        model="providerresponse"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0006_referral_stages"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("referrals", "0015_draft_children_and_people_may_wait_for_answers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameModel("ProviderResponse", "ProviderAnswer"),
                migrations.AlterModelTable("provideranswer", "referrals_providerresponse"),
                migrations.AlterField(
                    model_name="provideranswer",
                    name="request",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="answers",
                        to="referrals.providerrequest",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
