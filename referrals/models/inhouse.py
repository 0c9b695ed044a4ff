"""The in-house round as the fostering service works it: which of the council's own
carers its duty worker asked, and what they said."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models import FosterCarer
from referrals.models.search import SearchRound


class CarerEnquiry(models.Model):
    class Answer(models.TextChoices):
        WAITING = "waiting", "Waiting for their answer"
        YES = "yes", "Could offer a home"
        # An emergency carer's home for up to 72 hours while a longer-term carer is found.
        EMERGENCY = "emergency", "Could offer an emergency home for up to 72 hours"
        NO = "no", "Cannot offer a home"

    search_round = models.ForeignKey(
        SearchRound, on_delete=models.PROTECT, related_name="carer_enquiries"
    )
    carer = models.ForeignKey(FosterCarer, on_delete=models.PROTECT, related_name="enquiries")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.WAITING)
    note = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["search_round", "asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["search_round", "carer"], name="one_enquiry_per_carer_per_round"
            )
        ]
        verbose_name_plural = "carer enquiries"

    def __str__(self):
        return f"{self.carer} asked in {self.search_round}"
