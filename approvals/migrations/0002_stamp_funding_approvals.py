from django.db import migrations
from django.db.models import Min


def stamp(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    FundingApproval = apps.get_model("approvals", "FundingApproval")
    firsts = FundingApproval.objects.values("referral_id").annotate(first=Min("recorded_at"))
    for row in firsts:
        Referral.objects.filter(pk=row["referral_id"]).update(funding_approved_at=row["first"])


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("referrals", "0007_search_rounds"),
    ]

    operations = [migrations.RunPython(stamp, migrations.RunPython.noop)]
