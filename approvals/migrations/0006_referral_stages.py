"""Each referral being searched gets the stage its options, cost approvals, placement
and agreement show it is at; from now on the step that moves it sets it."""

from django.db import migrations


def stages(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Shortlist = apps.get_model("approvals", "Shortlist")
    CostApproval = apps.get_model("approvals", "CostApproval")
    Placement = apps.get_model("approvals", "Placement")
    PlacementAgreement = apps.get_model("approvals", "PlacementAgreement")
    Referral.objects.filter(status="placed").update(stage="placed")
    for referral in Referral.objects.filter(status__in=["accepted", "withdrawn"]).iterator():
        placement = Placement.objects.filter(referral_id=referral.pk).first()
        latest = CostApproval.objects.filter(referral_id=referral.pk).order_by(
            "-requested_at", "-pk"
        )
        approval = latest.first()
        if placement is not None:
            issued = PlacementAgreement.objects.filter(placement_id=placement.pk).exists()
            stage = "agreement" if issued else "confirming"
        elif Shortlist.objects.filter(referral_id=referral.pk, status="awaiting").exists():
            stage = "options"
        elif approval is not None and approval.status == "pending":
            stage = "cost_approval"
        elif approval is not None and approval.status == "approved":
            stage = "confirming"
        elif approval is not None and approval.status == "returned":
            stage = "cost_returned"
        elif referral.accepted_at is not None:
            stage = "searching"
        else:
            stage = ""
        Referral.objects.filter(pk=referral.pk).update(stage=stage)


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0005_agreement_countersignature"),
        ("referrals", "0014_referral_stage"),
    ]

    operations = [migrations.RunPython(stages, migrations.RunPython.noop)]
