"""An alert about a referral that brokerage must look at, raised by something outside
the referral: today, Ofsted's news of a provider with a child placed or an offer open (its
rating fell to requires improvement or inadequate, or its registration was suspended or
closed)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models import Provider
from referrals.models.referral import Referral


class ReferralAlert(models.Model):
    class Kind(models.TextChoices):
        RATING_FELL = "rating_fell", "Ofsted rating fell"
        REGISTRATION_STOPPED = "registration_stopped", "Ofsted registration suspended or closed"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="alerts")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What brokerage reads on the action list and the referral's page; no personal data.
    text = models.CharField(max_length=500)
    # The same news raised twice (an import run again) is one alert.
    key = models.CharField(max_length=200)
    raised_at = models.DateTimeField(default=timezone.now)
    dealt_with_at = models.DateTimeField(null=True, blank=True)
    dealt_with_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dealt_with_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "key"], name="unique_referral_alert"),
        ]
        indexes = [
            models.Index(
                fields=["-raised_at"],
                name="referral_alert_open",
                condition=models.Q(dealt_with_at=None),
            ),
        ]

    def __str__(self):
        return self.text
