"""The referral itself: the child or children, the people around them, the needs and
outcomes, the providers not to approach, and the kinds of placement asked for."""

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
    """A social worker's request for a placement, or for a package of support at home
    (short breaks, home care or both), for one child or several."""

    class Service(models.TextChoices):
        """What is asked for. A package of support at home (Part A of the seeds' short
        breaks and home care form) goes through the same permission, check, pack,
        rounds and agreement as a placement; its details are on `package`."""

        PLACEMENT = "placement", "A placement"
        SHORT_BREAK = "short_break", "Short breaks (specialist play and leisure, Lot 1)"
        HOME_CARE = "home_care", "Home care (domiciliary care)"
        SHORT_BREAK_AND_HOME_CARE = "short_break_home_care", "Short breaks and home care"

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
    service = models.CharField(
        "what is asked for", max_length=30, choices=Service.choices, default=Service.PLACEMENT
    )

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
    def is_package(self) -> bool:
        """Support at home (short breaks, home care or both), not a placement."""
        return self.service != self.Service.PLACEMENT

    @property
    def wants_short_break(self) -> bool:
        return self.service in (self.Service.SHORT_BREAK, self.Service.SHORT_BREAK_AND_HOME_CARE)

    @property
    def wants_home_care(self) -> bool:
        return self.service in (self.Service.HOME_CARE, self.Service.SHORT_BREAK_AND_HOME_CARE)

    @property
    def status_label(self) -> str:
        """Its status as people read it: a package is "in place", not "placed"."""
        if self.is_package and self.status == self.Status.PLACED:
            return "In place"
        return self.get_status_display()

    @property
    def stage_label(self) -> str:
        """Its stage as people read it, in a package's words where they differ."""
        if self.is_package:
            words: dict[str, str] = {
                self.Stage.CONFIRMING: "Cost approved: confirm the start",
                self.Stage.PLACED: "In place",
            }
            if self.stage in words:
                return words[self.stage]
        return self.get_stage_display()

    @property
    def services_asked(self) -> list[str]:
        """A package's services, as `package.Service` values, in the form's order."""
        return [
            service
            for service, wanted in (
                ("short_break", self.wants_short_break),
                ("home_care", self.wants_home_care),
            )
            if wanted
        ]

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
        # The deadline is set with the emergency acceptance (and cleared with it).
        return (
            self.approvals_outstanding
            and self.approvals_due_at is not None
            and timezone.now() > self.approvals_due_at
        )

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
    # Asked for a package of support at home: mobility (the problems themselves belong
    # under SEN and disability), and the school's own holiday dates.
    mobility_issues = models.BooleanField(null=True, blank=True)
    mobility_equipment = models.TextField("mobility equipment and when it is used", blank=True)
    school_holidays = models.TextField("the school's holiday dates", blank=True)
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
        born = self.date_of_birth
        if born is None:
            raise ValueError(f"{self} has no date of birth to count an age from")
        months = (day.year - born.year) * 12 + day.month - born.month
        if day.day < born.day:
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
    # A package's principal contact: the one name besides the child's a package referral
    # may hold, and the one person the awarded provider is given a way to reach. Never
    # in anything a provider reads before the award.
    is_principal_contact = models.BooleanField("principal contact", default=False)
    phone = models.CharField("contact phone number", max_length=40, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(full_name=""), name="person_has_a_full_name"
            ),
            models.UniqueConstraint(
                fields=["referral"],
                condition=models.Q(is_principal_contact=True),
                name="one_principal_contact",
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
