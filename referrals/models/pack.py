"""The anonymised pack sent to providers (a resource request), its flags and the
words the team allows."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.models.referral import Referral


class ResourceRequest(models.Model):
    """The anonymised pack for providers, as prepared, checked and released by an officer."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        RELEASED = "released", "Released"
        SUPERSEDED = "superseded", "Superseded"

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="resource_requests"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    content = models.JSONField()
    # What the pack was built from; a different fingerprint means the referral changed.
    source_fingerprint = models.CharField(max_length=64)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["referral", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "version"], name="unique_pack_version"),
        ]

    def __str__(self):
        return f"Pack v{self.version} for {self.referral}"


class PackFlag(models.Model):
    """A word in the pack that still looked like a name or a place."""

    class Resolution(models.TextChoices):
        OPEN = "open", "To check"
        CHANGED = "changed", "Changed"
        ACCEPTED = "accepted", "Accepted"

    resource_request = models.ForeignKey(
        ResourceRequest, on_delete=models.CASCADE, related_name="flags"
    )
    # Every passage the word is in ("Getting to know me; JO: health"): one flag a word.
    label = models.CharField(max_length=500)
    word = models.CharField(max_length=200)
    looks_like = models.CharField(max_length=100, blank=True)
    resolution = models.CharField(
        max_length=20, choices=Resolution.choices, default=Resolution.OPEN
    )
    reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.word} in {self.label}"


class AllowedWord(models.Model):
    """A word or phrase the council allows in what providers read (a place it allows, a
    brand, a service), so the check does not flag it again. Added when an officer
    accepts a flag and says so, or on the allowed words page; removed there too."""

    word = models.CharField(max_length=200)
    folded = models.CharField(max_length=200, unique=True, editable=False)
    reason = models.TextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["folded"]

    def __str__(self):
        return self.word

    @classmethod
    def words(cls) -> list[str]:
        return list(cls.objects.values_list("word", flat=True))
