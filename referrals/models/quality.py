"""Brokerage's quality check of a submitted referral, round by round."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.models.referral import Referral


class QARound(models.Model):
    """One round of brokerage's quality check that went back to the social worker:
    exactly what was asked, and what they said they changed. Every round is kept."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="qa_rounds")
    requests = models.JSONField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return f"QA round {self.pk} on {self.referral}"
