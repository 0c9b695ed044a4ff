"""The placement made, its individual placement agreement (every version, its files and
the provider's secret links to sign it), and the feedback to providers not chosen."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models import Provider
from referrals.models import ProviderAnswer, ProviderRequest, Referral

from ..costs.models import CostApproval


class EndReason(models.TextChoices):
    """Why a placement ended, in the children looked after return's REASON_PLACE_CHANGE
    codes."""

    ALLEG = "ALLEG", "Allegation (section 47)"
    APPRR = "APPRR", "The carer's approval was removed"
    CARPL = "CARPL", "A change to the care plan, or carrying it out"
    CHILD = "CHILD", "The child asked for the placement to end"
    CLOSE = "CLOSE", "The carer resigned or the provision closed"
    CREQB = "CREQB", "The carer asked for it to end because of the child's behaviour"
    CREQO = "CREQO", "The carer asked for it to end for another reason"
    CUSTOD = "CUSTOD", "The child went into custody"
    LAREQ = "LAREQ", "The council asked for it to end for another reason"
    OTHER = "OTHER", "Another reason"
    PLACE = "PLACE", "Only the placement's status changed"
    STAND = "STAND", "Concerns about the standard of care"


class Placement(models.Model):
    """The child placed: who with, from when, at what agreed cost, for what outcomes."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Move date confirmed"
        AGREEMENT_SENT = "agreement_sent", "Agreement with the provider"
        SIGNED = "signed", "Signed by the provider"
        PLACED = "placed", "Placed"

    # A placement is one per referral; a package of support has one per provider awarded
    # a part of it (a service, or term time or the holidays of one), under one approval.
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="placements")
    approval = models.ForeignKey(CostApproval, on_delete=models.PROTECT, related_name="placements")
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
    # A package of support at home: the service, and the terms Part C sets out (the
    # weekly tables covered, the hourly rates and each kind of week's hours and cost).
    service = models.CharField(max_length=20, blank=True)
    period = models.CharField(max_length=20, blank=True)
    package_terms = models.JSONField(default=dict, blank=True)
    # A package's changes since the award (`packages.PackageVariation`): rows' hours as
    # varied (slot id → hours), rows the provider no longer covers, and its end.
    varied_hours = models.JSONField(default=dict, blank=True)
    dropped_slots = models.JSONField(default=list, blank=True)
    end_date = models.DateField(null=True, blank=True)
    review_arrangements = models.TextField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True, blank=True)
    # Its ending: the day, why (REASON_PLACE_CHANGE), planned or not, and the referral
    # started for the child's next home when one was.
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=6, choices=EndReason.choices, blank=True)
    end_planned = models.BooleanField(null=True, blank=True)
    end_note = models.TextField(blank=True)
    end_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_recorded_at = models.DateTimeField(null=True, blank=True)
    next_referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["status", "start_date"])]
        constraints = [
            # Each part once an award (a part brokered again is a later award's).
            models.UniqueConstraint(
                fields=["approval", "service", "period"], name="one_placement_a_part"
            ),
            models.CheckConstraint(
                condition=(models.Q(ended_on__isnull=True) & models.Q(end_reason=""))
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="placement_ended_with_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.referral} with {self.provider} from {self.start_date}"

    @property
    def annual(self):
        return self.total_weekly * 52

    @property
    def status_label(self) -> str:
        """Its status as people read it, in a package's words where they differ."""
        if self.ended_on:
            if self.ended_on <= timezone.localdate():
                return f"Ended {self.ended_on:%-d %B %Y}"
            return f"Ending {self.ended_on:%-d %B %Y}"
        if not self.service and self.placed_at and self.status != self.Status.PLACED:
            return "Placed: a changed agreement to sign"
        if self.service:
            words: dict[str, str] = {
                self.Status.CONFIRMED: "Start date confirmed",
                self.Status.PLACED: "In place",
            }
            if self.placed_at and self.status != self.Status.PLACED:
                return "In place: a changed agreement to sign"
            if self.status in words:
                return words[self.status]
        return self.get_status_display()

    @property
    def kind(self) -> str:
        """ "Placement", "Short breaks" or "Home care"."""
        return {"short_break": "Short breaks", "home_care": "Home care"}.get(
            self.service, "Placement"
        )

    @property
    def weekly_hours(self) -> Decimal | None:
        """A package's hours in its busiest week (None for a placement)."""
        weeks = (self.package_terms or {}).get("weeks", [])
        return max((Decimal(week["hours"]) for week in weeks), default=None)

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


class PlacementReview(models.Model):
    """A review of the placement: due on a day (the first so many working days after the
    start, then every so many months, or when someone asks for one), and once held, how
    the child is getting on with each outcome in the agreement, the IRO's comments and
    whether the placement meets the child's needs."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        REQUESTED = "requested", "Asked for"

    class Progress(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PROGRESSING = "progressing", "Progressing"
        NOT_PROGRESSING = "not_progressing", "Not progressing"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCHEDULED)
    due_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_reason = models.TextField(blank=True)
    held_on = models.DateField(null=True, blank=True)
    # One per outcome in the agreement: {"outcome", "progress", "note"}.
    progress = models.JSONField(default=list, blank=True)
    iro_comments = models.TextField("the IRO's comments", blank=True)
    meets_needs = models.BooleanField(null=True, blank=True)
    needs_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["held_on", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=models.Q(held_on__isnull=True, kind="scheduled"),
                name="one_scheduled_review_waiting",
            )
        ]

    def __str__(self):
        return f"Review of {self.placement} due {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.held_on is None and self.due_on < timezone.localdate()


class PlacementChange(models.Model):
    """A change to a placement after it is in place: its fees (an uplift, a change in
    the child's needs, a reduction negotiated) or its end date (an extension or an
    earlier end), from a date, with why. One that moves the total weekly cost into
    another cost band waits for the approver that band names; then (or at once) a new
    version of the agreement goes to the provider to sign, and the countersigned version
    stands until the new one is countersigned."""

    class Kind(models.TextChoices):
        UPLIFT = "uplift", "An uplift (a rise in the fees)"
        NEEDS = "needs", "The child's needs changed"
        REDUCTION = "reduction", "A reduction negotiated"
        END_DATE = "end_date", "A new end date (an extension, or an earlier end)"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for cost approval"
        AGREEMENT = "agreement", "New agreement with the provider"
        REJECTED = "rejected", "Rejected"

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    effective_from = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    # The fees and end date before and after: {"weekly_fee": "4100.00", ...}.
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    total_before = models.DecimalField(max_digits=9, decimal_places=2)
    total_after = models.DecimalField(max_digits=9, decimal_places=2)
    # Cost approval, when the total moves into another band: the role the band names.
    required_role = models.CharField(max_length=30, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True)
    agreement = models.ForeignKey(
        PlacementAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["placement", "recorded_at", "pk"]
        indexes = [models.Index(fields=["status", "required_role"])]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.effective_from:%Y-%m-%d}"

    @property
    def in_force(self) -> bool:
        """Its agreement countersigned (and perhaps since replaced by a later one)."""
        return self.agreement is not None and self.agreement.countersigned_at is not None


class PlaceCode(models.TextChoices):
    """The children looked after return's placement types (PLACE)."""

    A3 = "A3", "A3: placed for adoption with consent, with current foster carer"
    A4 = "A4", "A4: placed for adoption with consent, not with current foster carer"
    A5 = "A5", "A5: placed for adoption with a placement order, with current foster carer"
    A6 = "A6", "A6: placed for adoption with a placement order, not with current foster carer"
    H5 = "H5", "H5: supported accommodation (semi-independent living)"
    K1 = "K1", "K1: secure children's home"
    K2 = "K2", "K2: children's home"
    P1 = "P1", "P1: placed with own parents or a person with parental responsibility"
    P2 = "P2", "P2: independent living"
    P3 = "P3", "P3: residential employment"
    R1 = "R1", "R1: residential care home"
    R2 = "R2", "R2: NHS or health trust establishment"
    R3 = "R3", "R3: family centre or mother and baby unit"
    R5 = "R5", "R5: young offender institution or prison"
    S1 = "S1", "S1: residential school"
    U1 = "U1", "U1: foster placement with a relative or friend, long term"
    U2 = "U2", "U2: foster placement with a relative or friend who is an approved adopter"
    U3 = "U3", "U3: foster placement with a relative or friend, not long term"
    U4 = "U4", "U4: foster placement with another foster carer, long term"
    U5 = "U5", "U5: foster placement with another foster carer who is an approved adopter"
    U6 = "U6", "U6: foster placement with another foster carer, not long term"
    Z1 = "Z1", "Z1: other placement"


class PlaceProviderCode(models.TextChoices):
    """Who provides it (PLACE_PROVIDER); the council's own placements are PR1."""

    PR0 = "PR0", "PR0: a parent or other person with parental responsibility"
    PR1 = "PR1", "PR1: the council's own provision"
    PR2 = "PR2", "PR2: another council's provision"
    PR3 = "PR3", "PR3: other public provision"
    PR4 = "PR4", "PR4: private provision"
    PR5 = "PR5", "PR5: voluntary or third sector provision"


class ReturnCode(models.Model):
    """The administrator's mapping of a directory type of provider to the return's codes."""

    provider_type = models.CharField(max_length=40, unique=True)
    place = models.CharField(max_length=2, choices=PlaceCode.choices)
    place_provider = models.CharField(max_length=3, choices=PlaceProviderCode.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider_type"]

    def __str__(self):
        return f"{self.provider_type}: {self.place} {self.place_provider}"
