"""What providers answer: each version of an answer (an offer, no option, or the offer
withdrawn) and the fees the officer negotiated on an offer."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.models.package import ScheduleSlot
from referrals.models.search import ProviderRequest


class ProviderAnswer(models.Model):
    """One version of a provider's answer to a request: an offer, no option, or the offer
    withdrawn. Every version is kept and the latest counts; `ProviderRequest.answer` holds
    the latest kind. The officer's side of an offer (negotiating, flags, options) lives in
    `approvals.offers`."""

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer"
        NO_OPTION = "no_option", "No option"
        WITHDRAWN = "withdrawn", "Offer withdrawn"

    request = models.ForeignKey(ProviderRequest, on_delete=models.PROTECT, related_name="answers")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(blank=True)
    responder_name = models.CharField(max_length=200)
    carer_reference = models.CharField("carer or home reference", max_length=100, blank=True)
    weekly_fee = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    education_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    therapy_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    wraparound_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    transport_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    one_off_costs = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    one_off_details = models.TextField(blank=True)
    available_from = models.DateField(null=True, blank=True)
    needs_met = models.TextField("how the needs will be met", blank=True)
    ofsted_urn = models.CharField("Ofsted URN", max_length=20, blank=True)
    # Part B of a package of support at home: hourly rates, and the rows of the weekly
    # tables covered (`covered`, each at one of the rates). `weekly_fee` then holds the
    # dearest week's cost (term time or the holidays), which cost approval reads.
    hourly_rate = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    unsocial_hourly_rate = models.DecimalField(
        "hourly rate for unsocial hours", max_digits=7, decimal_places=2, null=True, blank=True
    )
    two_carer_hourly_rate = models.DecimalField(
        "hourly rate for two carers", max_digits=7, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table keeps the model's earlier name (ProviderResponse), so no data moved.
        db_table = "referrals_providerresponse"
        ordering = ["request", "version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="unique_response_version"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} from {self.request.provider}"

    @property
    def additional_weekly(self):
        return (
            self.education_weekly
            + self.therapy_weekly
            + self.wraparound_weekly
            + self.transport_weekly
        )

    @property
    def total_weekly(self):
        """The provider's quote: fee plus additional weekly costs."""
        return (self.weekly_fee or 0) + self.additional_weekly

    # Negotiation: read through `revisions` (prefetch it for lists).

    @property
    def latest_revision(self) -> "FeeRevision | None":
        revisions = list(self.revisions.all())
        return revisions[-1] if revisions else None

    @property
    def agreed_fee(self):
        revision = self.latest_revision
        return revision.weekly_fee if revision else (self.weekly_fee or 0)

    @property
    def agreed_total_weekly(self):
        return self.agreed_fee + self.additional_weekly

    @property
    def saving_weekly(self):
        return self.total_weekly - self.agreed_total_weekly

    @property
    def saving_annual(self):
        return self.saving_weekly * 52

    @property
    def agreed_annual(self):
        return self.agreed_total_weekly * 52


class CoveredSlot(models.Model):
    """A row of a package's weekly table that a provider's answer covers, and at which
    of its hourly rates."""

    class Rate(models.TextChoices):
        STANDARD = "standard", "Standard rate"
        UNSOCIAL = "unsocial", "Unsocial hours rate"
        TWO_CARERS = "two_carers", "Two carers rate"

    answer = models.ForeignKey(ProviderAnswer, on_delete=models.CASCADE, related_name="covered")
    slot = models.ForeignKey(ScheduleSlot, on_delete=models.PROTECT, related_name="+")
    rate = models.CharField(max_length=20, choices=Rate.choices, default=Rate.STANDARD)

    class Meta:
        ordering = ["answer", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "slot"], name="unique_covered_slot"),
        ]

    def __str__(self):
        return f"{self.slot} at the {self.get_rate_display().lower()}"


class FeeRevision(models.Model):
    """A fee the officer negotiated on one version of an offer. The provider's first
    quote stays on the response; the latest revision is the fee that counts."""

    response = models.ForeignKey(ProviderAnswer, on_delete=models.PROTECT, related_name="revisions")
    weekly_fee = models.DecimalField(max_digits=9, decimal_places=2)
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["response", "recorded_at", "pk"]

    def __str__(self):
        return f"£{self.weekly_fee} a week on {self.response}"
