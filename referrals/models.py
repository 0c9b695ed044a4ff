import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from placements.models import Team
from providers.models import Category, Provider


class PlacementType(models.Model):
    """What is sought (in-house foster, residential...): an administrator-managed list."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The provider category searched for this type.",
    )
    is_in_house = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "name"]

    def __str__(self):
        return self.name


class Referral(models.Model):
    """A social worker's request for a placement, for one child or a sibling group."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for team manager"
        ENDORSED = "endorsed", "Waiting for service lead"
        RETURNED = "returned", "Returned to social worker"
        APPROVED = "approved", "Waiting for brokerage QA"
        QA_RETURNED = "qa_returned", "Returned by brokerage"
        ACCEPTED = "accepted", "On the action list"
        PLACED = "placed", "Placed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Stage(models.TextChoices):
        """Where the search stands once brokerage has accepted the referral: set by the
        step that moves it (referrals.workflow.stage_move), never worked out afresh."""

        NONE = "", "Not searching yet"
        SEARCHING = "searching", "Searching"
        OPTIONS = "options", "Options with the social worker"
        COST_APPROVAL = "cost_approval", "Awaiting cost approval"
        COST_RETURNED = "cost_returned", "Cost returned: negotiate"
        CONFIRMING = "confirming", "Cost approved: confirm the move"
        AGREEMENT = "agreement", "Agreement out for signature"
        PLACED = "placed", "Placed"

    class Kind(models.TextChoices):
        PLANNED = "planned", "Planned move"
        EMERGENCY = "emergency", "Emergency"
        NEW_INTO_CARE = "new_into_care", "New into care"

    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        NORMAL = 2, "Normal"
        LOW = 3, "Low"

    class Siblings(models.TextChoices):
        TOGETHER = "together", "All together"
        APART = "apart", "Not all together"

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    stage = models.CharField(max_length=20, choices=Stage.choices, default="", blank=True)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")

    # What is sought
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    is_urgent = models.BooleanField(default=False)
    placement_type = models.ForeignKey(
        PlacementType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_needed = models.DateField(null=True, blank=True)
    expected_duration = models.CharField(max_length=200, blank=True)
    location_preferences = models.TextField(blank=True)
    location_restrictions = models.TextField(blank=True)
    education_needed = models.BooleanField(null=True)
    therapy_needed = models.BooleanField(null=True)
    education_therapy_details = models.TextField(blank=True)
    weekly_budget = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    siblings = models.CharField(max_length=20, choices=Siblings.choices, blank=True)
    sibling_arrangement = models.TextField(blank=True)
    getting_to_know_me = models.TextField(blank=True)
    no_people_to_add = models.BooleanField(default=False)

    # Brokerage's handling
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    next_action = models.CharField(max_length=300, blank=True)
    next_action_due = models.DateField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    search_approved_at = models.DateTimeField(null=True, blank=True)
    # Stamped by the approvals app when a funding approval is recorded: external
    # search rounds need one.
    funding_approved_at = models.DateTimeField(null=True, blank=True)
    # Emergencies: the duty lead accepts at once and the approvals follow, due by then.
    emergency_accepted_at = models.DateTimeField(null=True, blank=True)
    approvals_due_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "date_needed"]),
            models.Index(fields=["assigned_officer", "status"]),
            models.Index(fields=["status", "next_action_due"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["social_worker", "status"]),
        ]

    def __str__(self):
        return self.reference or f"Draft referral {self.pk}"

    @property
    def is_emergency(self) -> bool:
        return self.kind == self.Kind.EMERGENCY

    @property
    def is_sibling_group(self) -> bool:
        return len(self.children.all()) > 1

    @property
    def approvals_outstanding(self) -> bool:
        """Accepted as an emergency and still missing an endorsement or an approval,
        while the referral is open: a withdrawn or placed one owes nothing."""
        if self.status in (self.Status.WITHDRAWN, self.Status.PLACED):
            return False
        return bool(self.emergency_accepted_at) and not (
            self.endorsed_at and self.search_approved_at
        )

    @property
    def approvals_overdue(self) -> bool:
        return self.approvals_outstanding and timezone.now() > self.approvals_due_at

    @property
    def days_open(self) -> int | None:
        """Whole days since it was first submitted."""
        if not self.submitted_at:
            return None
        return (timezone.localdate() - timezone.localdate(self.submitted_at)).days

    @property
    def who(self) -> str:
        """The children as initials and ages, the way the action list shows them."""
        shown = ", ".join(f"{c.initials} ({c.age_text})" for c in self.children.all())
        return shown or "\N{EN DASH}"


class Child(models.Model):
    """A child the referral is for. A draft keeps a child from their first name on;
    the other answers may wait, and are asked for before it is submitted
    (`completeness.CHILD_ANSWERS`)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=60, blank=True)
    ethnicity = models.CharField(max_length=100, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    legal_status = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    school = models.CharField(max_length=200, blank=True)
    sen_disability = models.TextField("SEN or disability (diagnoses)", blank=True)
    health = models.TextField(blank=True)
    behaviours = models.TextField("behaviours that challenge", blank=True)
    risks = models.TextField(blank=True)
    interests = models.TextField("interests and what works for them", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [models.F("date_of_birth").asc(nulls_last=True), "pk"]
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(first_name=""), name="child_has_a_first_name"
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(filter(None, [self.first_name, self.middle_names, self.last_name]))

    @property
    def initials(self) -> str:
        return "".join(part[0].upper() for part in [self.first_name, self.last_name] if part)

    def age_on(self, day: dt.date) -> tuple[int, int]:
        """Whole years and months on `day` (a submitted referral's children all have
        a date of birth; a draft's may not yet)."""
        months = (day.year - self.date_of_birth.year) * 12 + day.month - self.date_of_birth.month
        if day.day < self.date_of_birth.day:
            months -= 1
        return divmod(max(months, 0), 12)

    @property
    def age_text(self) -> str:
        """Years, or months under two: how ages are told to providers too."""
        if self.date_of_birth is None:
            return "age not given"
        years, months = self.age_on(timezone.localdate())
        if years < 2:
            total = years * 12 + months
            return f"{total} month{'s' if total != 1 else ''}"
        return f"{years}"

    @property
    def age_words(self) -> str:
        """ "11 years" or "7 months": the age as the pack tells providers."""
        text = self.age_text
        return text if not text.isdigit() else f"{text} years"


class PersonAroundChild(models.Model):
    """Family and others in the child's life; their names are what anonymisation removes.
    A draft keeps a person from their name on; the relationship may wait until submit."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="people")
    full_name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(full_name=""), name="person_has_a_full_name"
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.relationship})" if self.relationship else self.full_name


class DesiredOutcome(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "position"], name="unique_outcome_position"
            ),
        ]

    def __str__(self):
        return self.text[:60]


class ProviderExclusion(models.Model):
    """A provider the social worker asks brokerage not to approach, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="exclusions")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "provider"], name="unique_exclusion"),
        ]

    def __str__(self):
        return f"{self.provider}: {self.reason[:40]}"


class QARound(models.Model):
    """One round of brokerage's quality check that went back to the social worker:
    exactly what was asked, and what they said they changed. Every round is kept."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="qa_rounds")
    requests = models.JSONField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return f"QA round {self.pk} on {self.referral}"


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
