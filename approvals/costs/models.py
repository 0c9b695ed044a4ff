"""Cost bands (who approves what a placement costs) and the cost approvals asked of
them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from placements.roles import Role
from referrals.models import Referral

from ..offers.models import ShortlistOption


class CostBandVersion(models.Model):
    """A set of cost bands, in force from a moment until the next version. A cost
    approval keeps the version in force when it was asked."""

    in_force_from = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-in_force_from", "-pk"]
        get_latest_by = "in_force_from"

    def __str__(self):
        return f"Cost bands from {timezone.localtime(self.in_force_from):%d %B %Y}"


class CostBand(models.Model):
    """From this total weekly cost upwards (to the next band), this role approves."""

    version = models.ForeignKey(CostBandVersion, on_delete=models.PROTECT, related_name="bands")
    from_weekly = models.DecimalField(max_digits=9, decimal_places=2)
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["version", "from_weekly"]
        constraints = [
            models.UniqueConstraint(fields=["version", "from_weekly"], name="unique_band_start"),
        ]

    def __str__(self):
        return f"From £{self.from_weekly:,}: {self.get_role_display()}"


class CostApproval(models.Model):
    """The chosen option's cost, waiting for (or decided by) the role its band names."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        RETURNED = "returned", "Returned with comments"
        CANCELLED = "cancelled", "Cancelled"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="cost_approvals")
    option = models.ForeignKey(ShortlistOption, on_delete=models.PROTECT, related_name="approvals")
    total_weekly = models.DecimalField(max_digits=9, decimal_places=2)
    band_version = models.ForeignKey(
        CostBandVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    required_role = models.CharField(max_length=30, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True)
    # A package the council approves by the panel alone: the panel's approval date.
    panel_approved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["status", "required_role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(status="pending"),
                name="one_pending_cost_approval",
            ),
        ]

    def __str__(self):
        return f"£{self.total_weekly:,} a week for {self.referral}: {self.get_status_display()}"

    @property
    def annual(self):
        return self.total_weekly * 52
