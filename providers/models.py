import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ProviderType(models.TextChoices):
    IN_HOUSE_FOSTERING = "in_house_fostering", "In-house fostering service"
    INDEPENDENT_FOSTERING = "independent_fostering", "Independent fostering agency"
    RESIDENTIAL = "residential", "Residential home"
    SHORT_BREAKS = "short_breaks", "Short-break provider"
    HOME_CARE = "home_care", "Home-care agency"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"


class Tier(models.IntegerChoices):
    INSIDE = 1, "Tier 1 (inside the boundary)"
    OUTSIDE = 2, "Tier 2 (outside the boundary)"


class FrameworkStatus(models.TextChoices):
    FRAMEWORK = "framework", "Framework"
    OFF_FRAMEWORK = "off_framework", "Off-framework"
    SPOT = "spot", "Spot"


class OfstedRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_YET_INSPECTED = "not_yet_inspected", "Not yet inspected"


GOOD_ENOUGH_RATINGS = (OfstedRating.OUTSTANDING, OfstedRating.GOOD)
# Worst last: a rating falls when it moves down this list.
RATING_ORDER = (
    OfstedRating.OUTSTANDING,
    OfstedRating.GOOD,
    OfstedRating.REQUIRES_IMPROVEMENT,
    OfstedRating.INADEQUATE,
)
POOR_RATINGS = (OfstedRating.REQUIRES_IMPROVEMENT, OfstedRating.INADEQUATE)


def rating_fell(before: str, after: str) -> bool:
    """To Requires improvement or Inadequate from anything better (or from no rating)."""
    if after not in POOR_RATINGS:
        return False
    if before not in RATING_ORDER:
        return True
    return RATING_ORDER.index(after) > RATING_ORDER.index(before)


class RegistrationStatus(models.TextChoices):
    """A setting's registration with Ofsted, as Ofsted's data gives it."""

    UNKNOWN = "", "Not known"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed (resigned or cancelled)"


NOT_OPERATING = (RegistrationStatus.SUSPENDED, RegistrationStatus.CLOSED)


class Genders(models.TextChoices):
    ANY = "any", "Any gender"
    MALE = "male", "Boys and young men only"
    FEMALE = "female", "Girls and young women only"


class Category(models.Model):
    """A kind of placement a provider can be asked for (fostering, residential...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Specialism(models.Model):
    """Administrator-managed list (for example 'Autism', 'Child sexual exploitation')."""

    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Area(models.Model):
    """An area or zone of the council that providers of support at home cover, known by
    the postcode districts in it (the part of a postcode before the space: LE1, LE67)."""

    name = models.CharField(max_length=100, unique=True)
    districts = models.JSONField(default=list, help_text="Postcode districts, like LE1.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PostcodeDistrict(models.Model):
    """The centre of a postcode district (LE1), from the open postcode-districts data an
    administrator loads (`manage.py load_postcode_districts`), to measure how far from
    home a child is placed."""

    code = models.CharField(max_length=4, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="district_centre_on_earth",
            )
        ]

    def __str__(self):
        return self.code


def postcode_district(postcode: str) -> str:
    """ "LE1 6ZG" → "LE1": the outward code, which areas are made of."""
    compact = "".join(postcode.upper().split())
    return compact[:-3] if len(compact) > 4 else compact


def areas_covering(postcodes: list[str]) -> list[Area]:
    """The active areas that hold any of these postcodes' districts."""
    districts = {postcode_district(p) for p in postcodes if p.strip()}
    return [a for a in Area.objects.filter(is_active=True) if districts & set(a.districts)]


class Organisation(models.Model):
    """A provider organisation: the one account its people sign in to (by a link emailed
    to one of its registered addresses; never a council login), to keep its settings'
    vacancies, profiles and documents and see its requests and agreements. Each setting
    (a `Provider` row: a home, an agency) belongs to at most one organisation."""

    name = models.CharField(max_length=200, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the organisation was last asked to confirm its vacancies.
    vacancies_asked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationEmail(models.Model):
    """An address that may sign in to an organisation's account (one organisation each)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="emails")
    email = models.EmailField(unique=True)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email


class ProviderQuerySet(models.QuerySet["Provider"]):
    def active(self):
        return self.filter(is_archived=False)

    def cleared_to_place(self, *, on: dt.date | None = None, valid_months: int = 12):
        return self.filter(cleared_to_place_q(on=on, valid_months=valid_months))

    def not_cleared_to_place(self, *, on: dt.date | None = None, valid_months: int = 12):
        return self.exclude(cleared_to_place_q(on=on, valid_months=valid_months))


def qa_cutoff(on: dt.date | None, valid_months: int) -> dt.date:
    on = on or timezone.localdate()
    return on - relativedelta(months=valid_months)


def cleared_to_place_q(*, on: dt.date | None = None, valid_months: int = 12) -> Q:
    """The database form of `Provider.clearance()`; the two are tested to agree."""
    cutoff = qa_cutoff(on, valid_months)
    ofsted_ok = Q(ofsted_rating__in=GOOD_ENOUGH_RATINGS) | Q(ri_exception_agreed_on__isnull=False)
    qa_ok = Q(qa_initial_visit_date__isnull=False) & (
        Q(qa_initial_visit_date__gte=cutoff) | Q(qa_latest_annual_visit_date__gte=cutoff)
    )
    registered = ~Q(ofsted_registration_status__in=NOT_OPERATING)
    return ofsted_ok & qa_ok & registered


class Provider(models.Model):
    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=40, unique=True)
    provider_type = models.CharField("type", max_length=40, choices=ProviderType.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    is_in_house = models.BooleanField("in-house", default=False)
    categories: "models.ManyToManyField[Category, ProviderCategory]" = models.ManyToManyField(
        Category, through="ProviderCategory", blank=True
    )
    ofsted_urn = models.CharField("Ofsted URN", max_length=20, blank=True)
    # Where the setting is, for the children looked after return (PL_POST).
    postcode_district = models.CharField("postcode district", max_length=8, blank=True)
    ofsted_rating = models.CharField(
        max_length=30, choices=OfstedRating.choices, default=OfstedRating.NOT_YET_INSPECTED
    )
    ofsted_inspection_date = models.DateField(null=True, blank=True)
    ofsted_registration_status = models.CharField(
        "Ofsted registration",
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.UNKNOWN,
        blank=True,
    )
    qa_initial_visit_date = models.DateField("initial QA visit", null=True, blank=True)
    qa_latest_annual_visit_date = models.DateField("latest annual QA visit", null=True, blank=True)
    ri_exception_agreed_by = models.CharField("RI exception agreed by", max_length=200, blank=True)
    ri_exception_agreed_on = models.DateField("RI exception agreed on", null=True, blank=True)
    specialisms = models.ManyToManyField(Specialism, blank=True, related_name="providers")
    # Where a provider of support at home (short breaks, home care) works.
    areas = models.ManyToManyField(
        Area, blank=True, related_name="providers", verbose_name="areas covered"
    )
    age_from = models.PositiveSmallIntegerField(default=0)
    age_to = models.PositiveSmallIntegerField(default=17)
    genders = models.CharField(max_length=10, choices=Genders.choices, default=Genders.ANY)
    capacity = models.PositiveSmallIntegerField(default=0)
    vacancies = models.PositiveSmallIntegerField(default=0)
    vacancy_available_from = models.DateField(null=True, blank=True)
    referral_emails = models.JSONField(default=list)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="settings"
    )
    # When the provider last said its declared vacancies (`Vacancy`) are right.
    vacancies_confirmed_at = models.DateTimeField(null=True, blank=True)
    is_archived = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ofsted_urn"], condition=~Q(ofsted_urn=""), name="unique_ofsted_urn"
            ),
            models.CheckConstraint(
                condition=Q(age_from__lte=models.F("age_to")), name="age_range_ordered"
            ),
            models.CheckConstraint(
                condition=Q(vacancies__lte=models.F("capacity")), name="vacancies_within_capacity"
            ),
        ]
        indexes = [
            models.Index(fields=["is_archived", "name"]),
            models.Index(fields=["provider_type"]),
            models.Index(fields=["tier"]),
        ]

    def __str__(self):
        return self.name

    def clearance(self, *, on: dt.date | None = None, valid_months: int = 12) -> "Clearance":
        """Cleared to place: Ofsted Good or Outstanding (or a recorded RI-process
        exception), a QA visit inside `valid_months` (an initial visit first), and a
        registration Ofsted has not suspended or closed."""
        reasons = []
        if self.ofsted_registration_status in NOT_OPERATING:
            status = self.get_ofsted_registration_status_display().lower()
            reasons.append(f"Ofsted registration is {status}")
        if self.ofsted_rating not in GOOD_ENOUGH_RATINGS and not self.ri_exception_agreed_on:
            reasons.append(
                f"Ofsted rating is {self.get_ofsted_rating_display().lower()} "
                "and no RI-process exception is recorded"
            )
        cutoff = qa_cutoff(on, valid_months)
        if not self.qa_initial_visit_date:
            reasons.append("No initial QA visit recorded")
        else:
            latest = max(
                filter(None, [self.qa_initial_visit_date, self.qa_latest_annual_visit_date])
            )
            if latest < cutoff:
                reasons.append(f"QA visit out of date (last visit {latest:%-d %B %Y})")
        return Clearance(cleared=not reasons, reasons=tuple(reasons))

    @property
    def has_vacancy(self) -> bool:
        return self.vacancies > 0

    def vacancies_stale(self, days: int, now: dt.datetime | None = None) -> bool:
        """Its declared vacancies were not confirmed in the last `days` (or ever)."""
        confirmed = self.vacancies_confirmed_at
        return confirmed is None or confirmed < vacancies_stale_before(days, now)


class Clearance:
    __slots__ = ("cleared", "reasons")

    def __init__(self, *, cleared: bool, reasons: tuple[str, ...]):
        self.cleared = cleared
        self.reasons = reasons

    def __bool__(self):
        return self.cleared

    def __repr__(self):
        return f"Clearance(cleared={self.cleared}, reasons={self.reasons})"


class Vacancy(models.Model):
    """Places a provider declares free in one of its settings, through its account: of a
    kind (a category it serves), for an age range, from a date (now when blank)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="declared")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    places = models.PositiveSmallIntegerField()
    age_from = models.PositiveSmallIntegerField()
    age_to = models.PositiveSmallIntegerField()
    available_from = models.DateField(null=True, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)
    declared_by = models.EmailField()

    class Meta:
        ordering = ["provider", "category__ordering", "available_from", "pk"]
        verbose_name_plural = "vacancies"
        constraints = [
            models.CheckConstraint(
                condition=Q(age_from__lte=models.F("age_to")), name="vacancy_ages_ordered"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="vacancy_has_places"),
        ]

    def __str__(self):
        return f"{self.places} {self.category} from {self.available_from or 'now'}"


def vacancies_stale_before(days: int, now: dt.datetime | None = None) -> dt.datetime:
    """Vacancies last confirmed before this are stale."""
    return (now or timezone.now()) - dt.timedelta(days=days)


class ProviderDocument(models.Model):
    """A document a provider keeps on file for a setting, with when it expires."""

    class Kind(models.TextChoices):
        STATEMENT_OF_PURPOSE = "statement_of_purpose", "Statement of purpose"
        OFSTED_REPORT = "ofsted_report", "Latest Ofsted report"
        INSURANCE = "insurance", "Insurance certificate"
        OTHER = "other", "Other document"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="provider-documents/%Y/%m/")
    size = models.PositiveIntegerField(default=0)
    expires_on = models.DateField(null=True, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.EmailField()
    # A newer document of the same kind replaces it; the old one is kept.
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["provider", "kind", "-uploaded_at"]

    def __str__(self):
        return self.title or self.get_kind_display()

    def expired(self, today: dt.date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())


class ProviderChangeRequest(models.Model):
    """A change a provider asked for, through its account, to what decides whether it may
    be asked at all (its Ofsted URN, tier, categories): it waits for an administrator."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an administrator"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        REPLACED = "replaced", "Replaced by a later request"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="change_requests")
    # {"ofsted_urn": "SC1", "tier": 1, "categories": ["fostering"]}: the values asked for.
    values = models.JSONField()
    # [[what, now, asked for], ...] as the administrator reads it.
    shown = models.JSONField(default=list)
    requested_by = models.EmailField()
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider"],
                condition=Q(status="pending"),
                name="one_pending_change_per_provider",
            ),
        ]

    def __str__(self):
        return f"Change to {self.provider} asked by {self.requested_by}"


class ProviderCategory(models.Model):
    """A category a provider serves, with its framework status for that category."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="provider_categories"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    framework_status = models.CharField(max_length=20, choices=FrameworkStatus.choices)

    class Meta:
        ordering = ["category__ordering", "category__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "category"], name="unique_provider_category"
            ),
        ]

    def __str__(self):
        return f"{self.category}: {self.get_framework_status_display()}"


class ProviderImport(models.Model):
    """An uploaded spreadsheet: what it held (read once, at upload) and what became of it.

    Of two kinds: the directory's own spreadsheet (`importing`), or Ofsted's published
    data on children's social care providers (`ofsted`), which updates the ratings of
    the settings the directory knows by URN. Both take the same steps as a job.

    The file itself is not kept: `table` holds its headings and rows as read
    (`importing.spreadsheet.table_to_json`). Nothing touches the directory until the uploader
    confirms; a spreadsheet of more than PROVIDER_IMPORT_BACKGROUND_ROWS rows is then
    imported by a background task (queued, running, then applied or failed), the rest
    at once."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"

    class Kind(models.TextChoices):
        DIRECTORY = "directory", "Provider spreadsheet"
        OFSTED = "ofsted", "Ofsted data"

    IN_PROGRESS = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DIRECTORY)
    # None: imported from the server's command line (`manage.py import_ofsted`).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=255)
    table = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    # What the uploader chose for each new specialism, for a background import:
    # {key: {"name": ..., "existing": specialism pk or null}}.
    specialism_decisions = models.JSONField(default=dict, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    # What an applied Ofsted import did, for its page: {"falls": n, "flagged": n, ...}.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.filename

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def progress_key(self) -> str:
        """Where a background import's progress is kept in the cache. The upload time
        keeps two databases sharing one Redis (a test run beside a demo) apart."""
        return f"providers:import-progress:{self.pk}:{self.uploaded_at.timestamp():.6f}"


class OfstedSetting(models.Model):
    """Ofsted's latest published record of one registered setting, kept from every
    Ofsted import whether or not the directory knows the setting, so that settings the
    directory does not know can be added (or ignored) later, and a provider's page can
    show what Ofsted says of it."""

    urn = models.CharField("URN", max_length=20, unique=True)
    name = models.CharField(max_length=300, blank=True)
    provision_type = models.CharField(max_length=200, blank=True)
    registration_status = models.CharField(
        max_length=20, choices=RegistrationStatus.choices, blank=True
    )
    local_authority = models.CharField(max_length=200, blank=True)
    places = models.PositiveIntegerField(null=True, blank=True)
    owner = models.CharField("organisation which owns it", max_length=300, blank=True)
    inspection_date = models.DateField(null=True, blank=True)
    publication_date = models.DateField(null=True, blank=True)
    rating = models.CharField(max_length=30, choices=OfstedRating.choices, blank=True)
    last_import = models.ForeignKey(
        ProviderImport, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    seen_at = models.DateTimeField(default=timezone.now)
    ignored_at = models.DateTimeField(null=True, blank=True)
    ignored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name", "urn"]
        indexes = [models.Index(fields=["local_authority", "name"])]

    def __str__(self):
        return f"{self.name} ({self.urn})"

    def provider_values(self) -> dict[str, object]:
        """What a new provider in the directory starts from when it is this setting."""
        values: dict[str, object] = {
            "name": self.name,
            "ofsted_urn": self.urn,
            "ofsted_inspection_date": self.inspection_date,
            "ofsted_registration_status": self.registration_status,
        }
        if self.rating:
            values["ofsted_rating"] = self.rating
        kind = OFSTED_PROVISION_TYPES.get(self.provision_type.strip().lower())
        if kind:
            values["provider_type"] = kind
        if self.places is not None:
            values["capacity"] = self.places
        return values


# Ofsted's provision types that are one of the directory's types of provider.
OFSTED_PROVISION_TYPES = {
    "children's home": ProviderType.RESIDENTIAL,
    "secure children's home": ProviderType.RESIDENTIAL,
    "independent fostering agency": ProviderType.INDEPENDENT_FOSTERING,
    "residential holiday scheme for disabled children": ProviderType.SHORT_BREAKS,
    "supported accommodation": ProviderType.SUPPORTED_ACCOMMODATION,
}


# The one read of the directory's rows with what lists, exports and imports show; here,
# below the selectors and the importer that both use it.
def provider_list_queryset() -> models.QuerySet[Provider]:
    """Every provider with what the list and export show, in a fixed number of queries."""
    # order_by before prefetch_related: django-stubs 5.2 loses Prefetch's types when
    # prefetch_related is called on a manager made by as_manager() (django-stubs #3263).
    return Provider.objects.order_by("name", "pk").prefetch_related(
        models.Prefetch(
            "provider_categories",
            queryset=ProviderCategory.objects.select_related("category"),
        ),
        "specialisms",
    )


# The council's own foster carers: models of the directory, in a package of their own.
from .fostering.models import CarerChild, CarerVacancy, CareType, FosterCarer  # noqa: E402, F401
