from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ..placement.models import Placement


class Invoice(models.Model):
    """A provider's invoice for a placement over a period, with its lines."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Waiting for a check"
        APPROVED = "approved", "Approved"
        QUERIED = "queried", "Queried with the provider"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        OFFICER = "officer", "Recorded by an officer"
        PROVIDER = "provider", "Sent by the provider"
        IMPORT = "import", "Imported from a spreadsheet"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="invoices")
    provider_reference = models.CharField("the provider's invoice number", max_length=60)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.OFFICER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Who sent it through the provider's account (the address they signed in with).
    sent_by = models.EmailField(blank=True)
    # Days in the period the child was not there (ISO dates), as the officer records them.
    absent_days = models.JSONField(default=list, blank=True)
    claimed = models.DecimalField(max_digits=11, decimal_places=2)
    # What the agreement allows for the period (as last checked), and what was approved.
    allowed = models.DecimalField(max_digits=11, decimal_places=2)
    approved = models.DecimalField(max_digits=11, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # Each query answered by the provider with corrected lines: the query, and what was
    # claimed before (newest last).
    corrections = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        indexes = [models.Index(fields=["status", "period_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="invoice_period_ordered"
            ),
            models.UniqueConstraint(
                fields=["placement", "provider_reference"], name="one_invoice_number_a_placement"
            ),
        ]

    def __str__(self):
        return f"Invoice {self.provider_reference} for {self.placement}"

    @property
    def saved(self):
        """What checking saved: claimed less approved (once approved)."""
        return self.claimed - self.approved if self.approved is not None else None


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        WEEKLY = "weekly", "Weekly fee"
        ADDITIONAL = "additional", "Additional weekly costs"
        ONE_OFF = "one_off", "One-off costs"
        HOURS = "hours", "Hours of support"  # a package's: hours at an hourly rate

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=11, decimal_places=2)
    # Hours of support: which of the agreed rates (RATES), how many hours, at what rate.
    rate_kind = models.CharField(max_length=12, blank=True)
    hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["invoice", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="line_not_negative")]

    def __str__(self):
        return f"{self.get_kind_display()}: £{self.amount}"
