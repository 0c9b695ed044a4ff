"""A provider's sign-in: links emailed to an organisation's registered address (their
tokens kept only as hashes), and the log of every sign-in."""

from django.db import models
from django.utils import timezone

from providers.models import Organisation


class SignInLink(models.Model):
    """A one-time link to sign in, emailed to one of the organisation's addresses."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self):
        return f"Sign-in link for {self.email}"


class SignIn(models.Model):
    """Every sign-in to a provider's account: who, when, from where."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sign_ins"
    )
    email = models.EmailField()
    at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.email} signed in {self.at:%Y-%m-%d %H:%M}"
