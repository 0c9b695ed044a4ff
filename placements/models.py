from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .roles import Role


class Service(models.Model):
    """A part of children's services (a service lead looks after one)."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A council member of staff. Signs in with their work email address.

    Users are deactivated, never deleted: the case record refers to them.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # The council directory's stable identifier for this person (the ID token's `sub`),
    # kept at their first single sign-on: later sign-ins match on it, not the email.
    sso_subject = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # Made at a first single sign-on from the council's directory groups (placements.sso):
    # its roles follow the groups' mapping at each sign-in.
    created_from_directory = models.BooleanField(default=False)
    # An administrator who may still sign in with a password when the council has turned
    # password sign-in off for staff (for when the directory is down).
    break_glass = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_set(self) -> frozenset[str]:
        # Cached per instance: request.user is one instance per request.
        if not hasattr(self, "_role_set"):
            self._role_set = frozenset(self.role_assignments.values_list("role", flat=True))
        return self._role_set

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.role_set]


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_user_role"),
        ]

    def __str__(self):
        return f"{self.user} as {self.get_role_display()}"


class SecurityEvent(models.Model):
    """The security log: second-factor events and single sign-on, with who, when and
    from where (never a code, a secret or a token)."""

    class Kind(models.TextChoices):
        SET_UP = "factor_set_up", "Second factor set up"
        PASSED = "factor_passed", "Signed in with a second factor"
        FAILED = "factor_failed", "Wrong second-factor code"
        THROTTLED = "factor_throttled", "Second-factor code refused: too many wrong codes"
        RECOVERY_USED = "recovery_used", "Signed in with a recovery code"
        RECOVERY_NEW = "recovery_new", "New recovery codes made"
        RESET = "factor_reset", "Second factor reset by an administrator"
        SSO_SIGN_IN = "sso_sign_in", "Signed in with the council's directory"
        SSO_REFUSED = "sso_refused", "Refused at single sign-on"

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="security_events"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class DirectoryGroupRole(models.Model):
    """A group in the council's directory whose members get a role here when single
    sign-on makes or signs in their account (if the council makes accounts). An
    approving or Administrator role is only asked for, for a second administrator to
    approve, unless the administrator who mapped it said it applies at once."""

    group = models.CharField("the group's id in the directory", max_length=200)
    name = models.CharField("what the group is", max_length=200)
    role = models.CharField(max_length=40, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at_once = models.BooleanField(default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["group", "role"], name="one_mapping_a_group_role")
        ]

    def __str__(self):
        return f"{self.name} as {self.get_role_display()}"


class RoleGrantRequest(models.Model):
    """An administrator asked for someone to have an approving role or Administrator.
    The role applies only once a second administrator (neither the one who asked nor
    the person receiving it) approves; the row records who asked, who decided and why."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grant_requests")
    role = models.CharField(max_length=40, choices=Role.choices)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(decided_at=None),
                name="one_waiting_grant_per_user_role",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(decided_at=None, decided_by=None, decision="")
                    | (
                        ~models.Q(decided_at=None)
                        & ~models.Q(decided_by=None)
                        & models.Q(decision__in=["approved", "refused"])
                    )
                ),
                name="role_grant_decided_whole",
            ),
            # Two people, always: nobody asks for their own role or decides their own ask.
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("user")),
                name="role_grant_not_asked_for_oneself",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by=None)
                | (
                    ~models.Q(decided_by=models.F("requested_by"))
                    & ~models.Q(decided_by=models.F("user"))
                ),
                name="role_grant_decided_by_another",
            ),
        ]

    def __str__(self):
        return f"{self.user} as {self.get_role_display()} ({self.decision or 'waiting'})"

    @property
    def is_waiting(self) -> bool:
        return self.decided_at is None


class PeopleInPack(models.TextChoices):
    RELATIONSHIP = "relationship", "Relationship words (for example Mum, Sibling 1)"
    INITIALS = "initials", "Initials"


IN_HOUSE_APPROVERS = (
    Role.TEAM_MANAGER,
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.DIRECTOR,
)


class PackageCostApproval(models.TextChoices):
    BANDS = "bands", "Cost bands, on the weekly cost"
    PANEL = "panel", "The Resource Allocation Panel's approval alone"


class CouncilSettings(models.Model):
    """The council's own settings: one row, edited by administrators."""

    council_name = models.CharField(max_length=200, default="Northshire County Council")
    service_name = models.CharField(max_length=200, default="Placements brokerage")
    boundary_description = models.CharField(
        max_length=500,
        blank=True,
        default="Inside the Northshire county boundary",
        help_text="What tier 1 (inside the council's boundary) means here.",
    )
    contact_email = models.EmailField(default="placements@council.example")
    bank_holiday_subdivision = models.CharField(
        max_length=3,
        default="ENG",
        help_text="UK subdivision whose bank holidays are not working days: ENG, WLS, SCT or NIR.",
    )
    response_working_days_standard = models.PositiveSmallIntegerField(default=5)
    response_working_days_urgent = models.PositiveSmallIntegerField(default=2)
    response_deadline_hour = models.PositiveSmallIntegerField(
        default=17, help_text="Hour of the day (Europe/London) when a deadline falls."
    )
    chaser_working_days_before = models.PositiveSmallIntegerField(default=1)
    # Emergencies are answered in working hours, not days; chased at half-time.
    emergency_response_working_hours = models.PositiveSmallIntegerField(
        default=4,
        help_text="Working hours providers have to answer an emergency (the duty lead can "
        "change it for a round); they are chased at half-time.",
    )
    working_day_start_hour = models.PositiveSmallIntegerField(
        default=9,
        help_text="Hour of the day (Europe/London) when working hours start; they end at the "
        "hour deadlines fall.",
    )
    options_reminder_working_days = models.PositiveSmallIntegerField(default=1)
    qa_visit_valid_months = models.PositiveSmallIntegerField(default=12)
    link_grace_hours = models.PositiveSmallIntegerField(
        default=72,
        help_text="How long after the deadline a provider can still open their link to read "
        "the pack and their answer (answers close at the deadline).",
    )
    dual_search_from_age = models.PositiveSmallIntegerField(
        default=10,
        help_text="From this age a single child is searched for in-house and externally at once.",
    )
    people_in_pack = models.CharField(
        max_length=20, choices=PeopleInPack.choices, default=PeopleInPack.RELATIONSHIP
    )
    in_house_approval_role = models.CharField(
        max_length=30,
        choices=[(r.value, r.label) for r in IN_HOUSE_APPROVERS],
        default="team_manager",
        help_text="Who signs off an in-house placement (the referral's team manager by default).",
    )
    agreement_review_arrangements = models.TextField(
        default=(
            "The placement is reviewed at the child's first looked-after review, within 20 "
            "working days of the start, and at every review after that. The provider sends "
            "a written report to the social worker before each review."
        ),
        help_text="The review arrangements written into every placement agreement.",
    )
    agreement_link_days = models.PositiveSmallIntegerField(
        default=14, help_text="How long a provider's link to sign a placement agreement works."
    )
    countersign_by_another_person = models.BooleanField(
        default=True,
        help_text="The officer who issued a placement agreement cannot countersign it.",
    )
    package_review_arrangements = models.TextField(
        default=(
            "The support is reviewed with the family at the child's plan reviews, at least "
            "every six months, and whenever the child's needs change. The provider reports on "
            "progress towards the outcomes to the social worker before each review."
        ),
        help_text="The review arrangements written into every agreement for short breaks or "
        "home care.",
    )
    package_cost_approval = models.CharField(
        "how packages of support at home are approved",
        max_length=20,
        choices=PackageCostApproval.choices,
        default=PackageCostApproval.BANDS,
        help_text="Short breaks and home care: by cost band on the weekly cost, or by the "
        "Resource Allocation Panel's approval date alone.",
    )
    package_split_allowed = models.BooleanField(
        "home care may be split between two providers",
        default=False,
        help_text="Term time awarded to one provider and the school holidays to another.",
    )
    # Summer play schemes (Annex 1 of a short breaks referral).
    summer_scheme_max_days = models.PositiveSmallIntegerField(
        "summer play scheme: most days a child may have",
        default=5,
        help_text="More only where the assessed need says so.",
    )
    summer_window_opens_month = models.PositiveSmallIntegerField(
        "summer play scheme: requests are brokered from the 1st of this month",
        default=1,
        help_text="A request made before then is kept on file until it opens; any other "
        "support on the same referral goes ahead at once.",
    )
    summer_open_cases_close_month = models.PositiveSmallIntegerField(default=3)
    summer_open_cases_close_day = models.PositiveSmallIntegerField(
        default=1, help_text="The closing date for children already open to the service."
    )
    summer_new_cases_until_month = models.PositiveSmallIntegerField(default=6)
    summer_new_cases_until_day = models.PositiveSmallIntegerField(
        default=15,
        help_text="New children's requests are processed until this date, while places remain.",
    )
    # Single sign-on (placements.sso): whether someone the directory vouches for, with no
    # account yet, gets one from the mapping of their groups to roles.
    sso_create_accounts = models.BooleanField(
        "single sign-on makes accounts for people in mapped directory groups",
        default=False,
        help_text="Off: only people who already have an account can sign in with the "
        "council's directory.",
    )
    second_factor_for_everyone = models.BooleanField(
        "everyone who signs in with a password uses a second factor",
        default=False,
        help_text="Administrators and every approving role always do. Signing in with the "
        "council's directory follows the directory's own rules.",
    )
    staff_password_sign_in = models.BooleanField(
        "staff may sign in with a password",
        default=True,
        help_text="Untick, once single sign-on is set up (by the council's IT, in the "
        "server's settings), to have staff sign in with the council's directory only; "
        "break-glass administrators still may use a password.",
    )
    vacancy_confirm_days = models.PositiveSmallIntegerField(
        "providers confirm their vacancies every this many days",
        default=14,
        help_text="They are asked by email; vacancies not confirmed for longer show as stale.",
    )
    # A placement's reviews (approvals.placement.services.reviews).
    review_first_working_days = models.PositiveSmallIntegerField(
        "a placement's first review, this many working days after it starts",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(130)],
    )
    review_every_months = models.PositiveSmallIntegerField(
        "then a review every this many months",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    # Offers ranked on quality and cost (approvals.offers.ranking).
    ranking_quality_percent = models.PositiveSmallIntegerField(
        "ranking: quality's share of an offer's score (per cent)",
        default=60,
        help_text="Cost has the rest. 60 is common: 60% quality, 40% cost.",
    )
    ranking_ofsted_points = models.PositiveSmallIntegerField(
        "quality: the Ofsted rating's share", default=30
    )
    ranking_needs_points = models.PositiveSmallIntegerField(
        "quality: the match to the child's needs (scored by the officer)", default=40
    )
    ranking_locality_points = models.PositiveSmallIntegerField(
        "quality: locality (inside the council's boundary)", default=15
    )
    ranking_response_points = models.PositiveSmallIntegerField(
        "quality: how quickly the provider answered",
        default=15,
        help_text="The four quality shares add up to 100.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "council settings"

    def __str__(self):
        return self.council_name

    @classmethod
    def load(cls) -> "CouncilSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    @classmethod
    def for_request(cls, request) -> "CouncilSettings":
        """Loaded once per request however many templates and views ask."""
        if not hasattr(request, "_council_settings"):
            request._council_settings = cls.load()
        return request._council_settings


class FieldChange(models.Model):
    """Field-level history of a record: who changed what, from what, to what, when.
    Append-only: on Postgres triggers refuse UPDATE, DELETE and TRUNCATE."""

    # Models marked append_only have those triggers, and the app's database role may only
    # read and insert their rows (docs/database-roles.md, `manage.py app_database_role`).
    append_only = True

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=100)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    source = models.CharField(max_length=120, default="edit")
    is_creation = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-changed_at"])]

    def __str__(self):
        return f"{self.field}: {self.old_value!r} → {self.new_value!r}"


class OutboxMessage(models.Model):
    """An email waiting to go, written in the same transaction as the change
    that caused it, and sent once by a task that stamps it."""

    key = models.CharField(max_length=200, unique=True)
    to = models.JSONField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The body holds a secret (a provider's link): it is blanked once the message is sent.
    sensitive = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_unsent", condition=models.Q(sent_at=None)
            )
        ]

    def __str__(self):
        return self.key
