"""Permission to search: the decisions, evidence, funding and comments that let a
referral's search begin. They change the referral's own status, so they live with it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.models.referral import Referral


class SearchDecision(models.Model):
    """A team manager's endorsement or a service lead's approval to search, or a return."""

    class Step(models.TextChoices):
        ENDORSEMENT = "endorsement", "Team manager endorsement"
        APPROVAL = "approval", "Service lead approval"

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        RETURNED = "returned", "Returned to the social worker"

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="search_decisions"
    )
    step = models.CharField(max_length=20, choices=Step.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    comments = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "approvals_searchdecision"  # kept from when these lived in approvals
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.get_step_display()}: {self.get_outcome_display()}"


class AgreementEvidence(models.Model):
    """Evidence that education or therapy in the placement has been agreed."""

    class Source(models.TextChoices):
        HEALTH = "health", "Health"
        SEND = "send", "SEND or Virtual School"
        SENIOR_MANAGER = "senior_manager", "Children's Social Care senior manager"

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="agreement_evidence"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    agreed_by = models.CharField(max_length=200)
    agreed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "approvals_agreementevidence"  # kept from when these lived in approvals
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "agreement evidence"

    def __str__(self):
        return f"{self.agreed_by} ({self.get_source_display()}) on {self.agreed_on}"


class FundingApproval(models.Model):
    """The funding approval (FA) an external search needs."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="funding_approvals"
    )
    approved_by = models.CharField(max_length=200)
    weekly_amount = models.DecimalField(max_digits=9, decimal_places=2)
    approved_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "approvals_fundingapproval"  # kept from when these lived in approvals
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"£{self.weekly_amount} a week, {self.approved_by}"


class ExternalComment(models.Model):
    """A comment asked of the independent reviewing officer or the Virtual School."""

    class Source(models.TextChoices):
        IRO = "iro", "Independent reviewing officer"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual School"

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="external_comments"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    name = models.CharField(max_length=200)
    comment = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "approvals_externalcomment"  # kept from when these lived in approvals
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_source_display()}: {self.name}"
