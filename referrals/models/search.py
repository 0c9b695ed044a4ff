"""The search: rounds of requests to providers, each provider's secret link and when
it was opened, and providers' questions."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models import Category, Provider
from referrals.models.pack import ResourceRequest
from referrals.models.package import Service
from referrals.models.referral import Referral

if TYPE_CHECKING:
    from referrals.models.answers import ProviderAnswer


class SearchRound(models.Model):
    """One round of the search: the released pack sent at once to a set of providers,
    with a deadline in working days (working hours for an emergency), a chaser before
    it and a close at it."""

    class Kind(models.TextChoices):
        IN_HOUSE = "in_house", "In-house fostering"
        FRAMEWORK = "framework", "Framework providers"
        OFF_FRAMEWORK = "off_framework", "Off-framework and spot providers"

    class Status(models.TextChoices):
        DRAFT = "draft", "Choosing providers"
        OPEN = "open", "Waiting for answers"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="search_rounds")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Started together with an in-house round because the child's needs call for both.
    is_dual = models.BooleanField(default=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For a package of support at home: the service this round asks for (its lot is the
    # round's category); blank for a placement.
    service = models.CharField(max_length=20, choices=Service.choices, blank=True)
    # Only these rows of the service's tables (slot ids), when a package's part is
    # brokered again after its award; empty: every row.
    rows = models.JSONField(default=list, blank=True)
    # The officer's filters, and providers added or taken out by hand (provider ids).
    criteria = models.JSONField(default=dict)
    added = models.JSONField(default=list)
    removed = models.JSONField(default=list)
    # A wider search than the referral asks for needs the social worker's agreement.
    widened = models.TextField(blank=True)
    social_worker_agreement = models.TextField(blank=True)
    resource_request = models.ForeignKey(
        ResourceRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An emergency round's answers are due in working hours: the duty lead's choice for
    # this round, or the council's setting when blank.
    response_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    chase_at = models.DateTimeField(null=True, blank=True)
    # Claimed by the chaser scan with a conditional update; cleared when the deadline moves.
    chasers_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["referral", "number"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "number"], name="unique_round_number"),
        ]
        indexes = [
            models.Index(fields=["status", "deadline_at"]),
            # The chaser scan: open rounds whose chasers have not gone.
            models.Index(
                fields=["chase_at"],
                name="round_to_chase",
                condition=models.Q(status="open", chasers_sent_at=None),
            ),
        ]

    def __str__(self):
        return f"Round {self.number} ({self.get_kind_display()}) for {self.referral}"

    @property
    def is_external(self) -> bool:
        return self.kind != self.Kind.IN_HOUSE


class ProviderRequest(models.Model):
    """One provider asked in one round, and where their answer stands."""

    class Answer(models.TextChoices):
        AWAITING = "awaiting", "Not answered"
        OFFER = "offer", "Offer made"
        NO_OPTION = "no_option", "No option"
        WITHDRAWN = "withdrawn", "Offer withdrawn"

    round = models.ForeignKey(SearchRound, on_delete=models.PROTECT, related_name="requests")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="requests")
    answer = models.CharField(max_length=20, choices=Answer.choices, default=Answer.AWAITING)
    answered_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(
        "placements.OutboxMessage", on_delete=models.PROTECT, null=True, related_name="+"
    )
    first_opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    # Claimed by the chaser scan with a conditional update: set once, never twice.
    chased_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    # Sent to the social worker as an option: from then on the provider may withdraw the
    # offer but not change it, so what is chosen and approved is what was offered.
    offer_locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Not columns: set by the round page's read (search.selectors.round_requests) on the
    # requests it returns, every version of the answer (oldest first) and the latest.
    versions: "list[ProviderAnswer]"
    current: "ProviderAnswer | None"

    class Meta:
        ordering = ["round", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "provider"], name="unique_round_provider"),
        ]
        indexes = [
            # The chaser scan: requests still waiting for an answer and not yet chased.
            models.Index(
                fields=["round"],
                name="request_to_chase",
                condition=models.Q(answer="awaiting", chased_at=None, revoked_at=None),
            ),
        ]

    def __str__(self):
        return f"{self.provider} in {self.round}"


class ProviderLink(models.Model):
    """A secret link to one provider request. Only the token's SHA-256 is kept; the
    link expires with the round (deadline plus the council's grace) and is revoked
    with the request. A chaser carries a fresh link, so a request may have several."""

    request = models.ForeignKey(ProviderRequest, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Link {self.pk} for {self.request}"


class LinkOpening(models.Model):
    """Each time a provider opened their link. Append-only: on Postgres triggers refuse
    UPDATE, DELETE and TRUNCATE, and an opened link or request cannot be deleted."""

    append_only = True

    request = models.ForeignKey(ProviderRequest, on_delete=models.PROTECT, related_name="openings")
    link = models.ForeignKey(ProviderLink, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["opened_at", "pk"]

    def __str__(self):
        return f"Opened {self.opened_at:%Y-%m-%d %H:%M}"


class RoundQuestion(models.Model):
    """A provider's question about a round; the answer goes to every provider in it."""

    round = models.ForeignKey(SearchRound, on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(ProviderRequest, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return self.question[:60]
