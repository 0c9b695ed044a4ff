"""What brokerage makes of the offers and puts to the social worker: flags overridden,
the options sent and the choice made, and the flexibility asked for when nothing suits."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.models import ProviderAnswer, ProviderRequest, Referral


class FlagOverride(models.Model):
    """A rule flag on one version of an offer, overridden with a reason."""

    response = models.ForeignKey(
        ProviderAnswer, on_delete=models.PROTECT, related_name="flag_overrides"
    )
    flag = models.CharField(max_length=30)
    reason = models.TextField()
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["overridden_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "flag"], name="unique_flag_override"),
        ]

    def __str__(self):
        return f"{self.flag} overridden on {self.response_id}"


class Shortlist(models.Model):
    """The options the officer sent to the social worker, and what they decided."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Waiting for the social worker"
        CHOSEN = "chosen", "Option chosen"
        DECLINED = "declined", "All declined"
        WITHDRAWN = "withdrawn", "Replaced or withdrawn"
        # A package of support at home is awarded by brokerage, not chosen by the social
        # worker: its one option is the award.
        AWARDED = "awarded", "Awarded by brokerage"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="shortlists")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    note = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    # Claimed by the reminder scan with a conditional update: one reminder.
    reminded_at = models.DateTimeField(null=True, blank=True)
    chosen = models.ForeignKey(
        "ShortlistOption", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField(blank=True)
    in_house_reason = models.TextField(blank=True)
    declined_reason = models.TextField(blank=True)
    # Why the social worker chose an option that scored lower than another sent.
    ranking_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["referral", "sent_at", "pk"]
        indexes = [
            models.Index(
                fields=["sent_at"],
                name="shortlist_to_remind",
                condition=models.Q(status="awaiting", reminded_at=None),
            ),
        ]

    def __str__(self):
        return f"Options for {self.referral} sent {self.sent_at:%Y-%m-%d}"


class ShortlistOption(models.Model):
    """One offer put to the social worker, with the costs as they stood when sent."""

    shortlist = models.ForeignKey(Shortlist, on_delete=models.PROTECT, related_name="options")
    response = models.ForeignKey(ProviderAnswer, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    is_in_house = models.BooleanField()
    weekly_fee = models.DecimalField(max_digits=9, decimal_places=2)
    additional_weekly = models.DecimalField(max_digits=9, decimal_places=2)
    total_weekly = models.DecimalField(max_digits=9, decimal_places=2)
    # An award of a package: the service awarded, and the part of the year if it is
    # split (term time to one provider, the holidays to another); blank for a placement.
    service = models.CharField(max_length=20, blank=True)
    period = models.CharField(max_length=20, blank=True)
    # Its score on quality and cost as the officer's comparison gave it when it was sent
    # (`ranking.OfferScore.to_json`): what the social worker is shown. Empty for awards.
    score = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["shortlist", "position"]

    def __str__(self):
        return f"Option {self.position}: {self.response.request.provider}"

    @property
    def annual(self):
        return self.total_weekly * 52


class FlexibilityRequest(models.Model):
    """No suitable options: the social worker is asked where there is flexibility."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="flexibility_requests"
    )
    why = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return f"Flexibility asked on {self.referral}"


class NeedsMatch(models.Model):
    """The officer's score of how well a provider's offer meets the child's needs (0 to
    4, `ranking.NEEDS_MATCH`), part of the offer's quality score. Kept for every score
    given; the latest counts."""

    request = models.ForeignKey(
        ProviderRequest, on_delete=models.PROTECT, related_name="needs_matches"
    )
    score = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "scored_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=4), name="needs_match_0_to_4"),
        ]

    def __str__(self):
        return f"{self.request}: {self.score}"
