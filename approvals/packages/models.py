"""A change to a package after its award: more or fewer hours, a new end date, the
family no longer needing it, or the provider no longer able to meet all or part of it.
Each makes a new version of that provider's agreement."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..placement.models import Placement, PlacementAgreement


class PackageVariation(models.Model):
    class Kind(models.TextChoices):
        MORE_HOURS = "more_hours", "More hours (approved by the panel)"
        FEWER_HOURS = "fewer_hours", "Fewer hours"
        END_DATE = "end_date", "A new end date"
        NOT_NEEDED = "not_needed", "The family no longer needs it"
        CANNOT_MEET = "cannot_meet", "The provider can no longer meet all or part of it"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="variations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    effective_from = models.DateField()
    panel_date = models.DateField("panel approval date", null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # What changed: rows (slot id) and their hours before and after; rows dropped.
    changes = models.JSONField(default=dict)
    # The package's terms (`Placement.package_terms`) before and after: what an invoice
    # for a day is checked against once the new agreement is countersigned.
    terms_before = models.JSONField(default=dict, blank=True)
    terms_after = models.JSONField(default=dict, blank=True)
    agreement = models.ForeignKey(
        PlacementAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["placement", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.effective_from:%Y-%m-%d}"
