from django.conf import settings
from django.db import models
from django.utils import timezone

from placements.roles import Role
from providers.models import Provider
from referrals.models import ProviderAnswer, ProviderRequest, Referral

# --- Cost bands -----------------------------------------------------------------------


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


# --- Offers checked, options to the social worker -------------------------------------


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

    class Meta:
        ordering = ["shortlist", "position"]

    def __str__(self):
        return f"Option {self.position}: {self.response.request.provider}"

    @property
    def annual(self):
        return self.total_weekly * 52


# --- Cost approval --------------------------------------------------------------------


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


# --- The placement and its agreement --------------------------------------------------


class Placement(models.Model):
    """The child placed: who with, from when, at what agreed cost, for what outcomes."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Move date confirmed"
        AGREEMENT_SENT = "agreement_sent", "Agreement with the provider"
        SIGNED = "signed", "Signed by the provider"
        PLACED = "placed", "Placed"

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="placement")
    approval = models.OneToOneField(
        CostApproval, on_delete=models.PROTECT, related_name="placement"
    )
    response = models.ForeignKey(ProviderAnswer, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    is_in_house = models.BooleanField()
    # What was placed: the provider's kind of setting, whatever the referral asked for.
    placement_type = models.CharField("type of placement", max_length=100)
    setting = models.CharField("carer or home reference", max_length=100, blank=True)
    start_date = models.DateField()
    weekly_fee = models.DecimalField(max_digits=9, decimal_places=2)
    education_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    therapy_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    wraparound_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    transport_weekly = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    total_weekly = models.DecimalField(max_digits=9, decimal_places=2)
    one_off_costs = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    one_off_details = models.TextField(blank=True)
    outcomes = models.JSONField(default=list)
    review_arrangements = models.TextField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["status", "start_date"])]

    def __str__(self):
        return f"{self.referral} with {self.provider} from {self.start_date}"

    @property
    def annual(self):
        return self.total_weekly * 52

    @property
    def services(self) -> list[tuple[str, object]]:
        """Every additional weekly service with its cost."""
        named = [
            ("Education", self.education_weekly),
            ("Therapy", self.therapy_weekly),
            ("Wraparound support", self.wraparound_weekly),
            ("Transport", self.transport_weekly),
        ]
        return [(name, cost) for name, cost in named if cost]


def agreement_path(agreement, filename: str) -> str:
    return f"agreements/{agreement.placement_id}/{filename}"


class PlacementAgreement(models.Model):
    """One version of the individual placement agreement (IPA): issued as a PDF, signed
    by the provider through a secret link (or a signed copy uploaded), countersigned by
    the officer. Every version and file is kept."""

    class Status(models.TextChoices):
        SENT = "sent", "Waiting for the provider's signature"
        SIGNED = "signed", "Signed by the provider"
        COUNTERSIGNED = "countersigned", "Countersigned"
        SUPERSEDED = "superseded", "Replaced by a later version"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="agreements")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    issued_pdf = models.FileField(upload_to=agreement_path)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    signed_name = models.CharField(max_length=200, blank=True)
    signed_role = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_copy = models.FileField(upload_to=agreement_path, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    # As the countersigner gave them, and the declaration they made (word for word).
    countersigned_name = models.CharField(max_length=200, blank=True)
    countersigned_role = models.CharField(max_length=200, blank=True)
    countersign_declaration = models.TextField(blank=True)
    final_pdf = models.FileField(upload_to=agreement_path, blank=True)

    class Meta:
        ordering = ["placement", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "version"], name="unique_agreement_version"
            ),
        ]

    def __str__(self):
        return f"IPA v{self.version} for {self.placement}"


class AgreementLink(models.Model):
    """The provider's secret link to sign one agreement; only its SHA-256 is kept."""

    agreement = models.ForeignKey(
        PlacementAgreement, on_delete=models.CASCADE, related_name="links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Link to {self.agreement}"


# --- Feedback and no suitable options -------------------------------------------------


class ProviderFeedback(models.Model):
    """Why a provider's offer was not taken, sent to them."""

    class Reason(models.TextChoices):
        COST = "cost", "Cost"
        LOCATION = "location", "Location"
        MATCHING = "matching", "Matching with the child's needs"
        AVAILABILITY = "availability", "Available date"
        EDUCATION = "education", "Education arrangements"
        QUALITY = "quality", "Ofsted rating or quality assurance"
        CHOICE = "choice", "The social worker chose another option"
        IN_HOUSE = "in_house", "An in-house placement was found"

    request = models.OneToOneField(
        ProviderRequest, on_delete=models.PROTECT, related_name="feedback"
    )
    reasons = models.JSONField(default=list)
    note = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self):
        return f"Feedback to {self.request.provider}"

    def reason_labels(self) -> list[str]:
        return [self.Reason(code).label for code in self.reasons if code in self.Reason.values]


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
