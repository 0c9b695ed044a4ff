"""Siblings who cannot all be placed together: why, and the social worker's and team
manager's decision about who stays with whom."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referrals.models.referral import Referral


class SiblingSplit(models.Model):
    """Raised by whoever finds the children cannot all be placed together (brokerage,
    the fostering service, or the social worker), with why. The social worker then says
    who should stay with whom (each child in one group, two groups at least) and why; a
    team manager of the referral's team agrees it or sends it back with a comment. One
    is open at a time; the latest agreed stands."""

    class Status(models.TextChoices):
        RAISED = "raised", "Waiting for the social worker's plan"
        PROPOSED = "proposed", "Waiting for a team manager"
        AGREED = "agreed", "Agreed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="sibling_splits")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RAISED)
    reason = models.TextField("why they cannot all be placed together")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    # Lists of the referral's Child ids, one list per home.
    groups = models.JSONField(default=list, blank=True)
    plan_note = models.TextField("why these groups", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status__in=["raised", "proposed"]),
                name="one_open_sibling_split",
            )
        ]

    def __str__(self):
        return f"Siblings apart for {self.referral}"
