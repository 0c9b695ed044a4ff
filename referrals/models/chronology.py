"""The referral's chronology: append-only, one line per thing that happened."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.models.referral import Referral


class ChronologyEntry(models.Model):
    """The case record. Append-only: a correction is a new entry. On Postgres triggers
    refuse UPDATE, DELETE and TRUNCATE on this table (docs/database-roles.md)."""

    append_only = True

    class Kind(models.TextChoices):
        TRANSITION = "transition", "Status change"
        NOTE = "note", "Note"
        CALL = "call", "Call"
        COMMENT = "comment", "Comment"
        EDIT = "edit", "Referral changed"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="chronology")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"])]
        verbose_name_plural = "chronology entries"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
