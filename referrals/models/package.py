"""A package of support at home, as Part A of the short breaks and home care form asks
for it: the dates, the change it makes to what the council gives now and its approval,
bank holidays, a provider asked for by name, and for each service its weekly pattern
(`ScheduleSlot`: for home care, separate tables for term time and school holidays)."""

from django.db import models
from django.db.models import F, Q

from providers.models import Provider
from referrals.models.referral import Referral


class Service(models.TextChoices):
    """The services a package may ask for: one weekly table each (home care two)."""

    SHORT_BREAK = "short_break", "Short breaks"
    HOME_CARE = "home_care", "Home care"


class SupportPackage(models.Model):
    """What a package referral asks for beyond the child: one per referral, kept from
    the first answer saved."""

    class Change(models.TextChoices):
        NEW = "new", "New support"
        INCREASE = "increase", "An increase in support"
        CHANGE = "change", "A change to current support, with no more hours"

    class Funding(models.TextChoices):
        DIRECT_PAYMENT = "direct_payment", "Direct payment"
        COMMISSIONED = "commissioned", "Commissioned service"
        BOTH = "both", "Both"

    class ApprovalBasis(models.TextChoices):
        PANEL = "panel", "Resource Allocation Panel"
        PLAN = "plan", "Child protection or child in need plan (an emergency package)"

    class Travel(models.TextChoices):
        NONE = "none", "No restriction"
        WITHIN_MILES = "within_miles", "Within a number of miles of home"
        PUBLIC_TRANSPORT = "public_transport", "Reachable by public transport"
        SHORT_DRIVE = "short_drive", "Within a 20-minute drive of home"

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="package")
    worker_phone = models.CharField("allocated worker's phone number", max_length=40, blank=True)
    start_date = models.DateField("start of the service", null=True, blank=True)
    end_date = models.DateField("end of the service", null=True, blank=True)
    family_unavailable = models.TextField("dates the family is not available", blank=True)
    change = models.CharField(
        "new or changed support", max_length=20, choices=Change.choices, blank=True
    )
    current_support = models.TextField("current support from the council", blank=True)
    current_support_funding = models.CharField(
        "how current support is funded", max_length=20, choices=Funding.choices, blank=True
    )
    approval_basis = models.CharField(
        "approved by", max_length=20, choices=ApprovalBasis.choices, blank=True
    )
    approval_date = models.DateField("approval date", null=True, blank=True)
    bank_holidays_needed = models.BooleanField("bank holidays covered", default=False)
    bank_holiday_reason = models.TextField("why bank holidays are needed", blank=True)
    travel = models.CharField(
        "travel restrictions", max_length=20, choices=Travel.choices, blank=True
    )
    travel_miles = models.PositiveSmallIntegerField("within how many miles", null=True, blank=True)
    short_break_notes = models.TextField("short break additional notes", blank=True)
    home_care_activities = models.TextField("what the carer will do", blank=True)
    home_care_notes = models.TextField("home care additional notes", blank=True)
    requested_provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="provider asked for",
    )
    requested_reason = models.TextField("why only this provider", blank=True)
    # Rows (slot ids) a provider can no longer cover after the award, to broker again:
    # set by brokerage's record of the change, cleared by the next award.
    to_rebroker = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="package_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"Package for {self.referral}"


def package_of(referral: Referral) -> SupportPackage:
    """The referral's package details: a blank one, unsaved, until the first answer."""
    try:
        return referral.package
    except SupportPackage.DoesNotExist:
        return SupportPackage(referral=referral)


class ScheduleSlot(models.Model):
    """One row of a weekly table: a day, when (set times, a time window the hours fall
    in, or a part of the day) and how many hours. The rules for a row and a table
    (`referrals.packages.schedule`) refuse overlaps and hours that do not fit."""

    class Period(models.TextChoices):
        ALL_YEAR = "all_year", "All year"
        TERM = "term", "Term time"
        HOLIDAY = "holiday", "School holidays"

    class Day(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    class PartOfDay(models.TextChoices):
        MORNING = "morning", "Morning"
        AFTERNOON = "afternoon", "Afternoon"
        EVENING = "evening", "Evening"
        OVERNIGHT = "overnight", "Overnight"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="schedule")
    service = models.CharField(max_length=20, choices=Service.choices)
    period = models.CharField(max_length=20, choices=Period.choices)
    day = models.PositiveSmallIntegerField(choices=Day.choices)
    part_of_day = models.CharField(max_length=20, choices=PartOfDay.choices, blank=True)
    starts = models.TimeField(null=True, blank=True)
    ends = models.TimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["service", "period", "day", "starts", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="slot_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=(Q(starts__isnull=True) & Q(ends__isnull=True))
                | (Q(starts__isnull=False) & Q(ends__gt=F("starts"))),
                name="slot_times_in_order",
            ),
            models.CheckConstraint(
                condition=Q(starts__isnull=False) | ~Q(part_of_day=""),
                name="slot_says_when",
            ),
        ]
        indexes = [models.Index(fields=["referral", "service", "period"])]

    def __str__(self):
        return f"{self.get_day_display()} {self.hours} hours"


class SummerSchemeRequest(models.Model):
    """Annex 1: a place at a summer play scheme for one child, asked for on a short
    breaks referral. The annex stands alone (it is separated from the form early on),
    so it carries the child's details itself; the council's rules on days and dates are
    in `referrals.packages.summer`."""

    class Case(models.TextChoices):
        OPEN = "open", "Already open to the service"
        NEW = "new", "A new case (approved by the panel)"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="summer_requests")
    child = models.ForeignKey(
        "referrals.Child", on_delete=models.CASCADE, related_name="summer_requests"
    )
    year = models.PositiveSmallIntegerField("summer of")
    case = models.CharField(max_length=10, choices=Case.choices)
    days = models.PositiveSmallIntegerField("days asked for")
    more_days_reason = models.TextField("the assessed need for more days", blank=True)
    preferred_dates = models.TextField(blank=True)
    unavailable_dates = models.TextField("dates the child cannot attend", blank=True)
    parents_told = models.BooleanField(
        "the parents have been told their responsibilities", default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "child", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "child", "year"], name="one_summer_request_a_child_a_year"
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="summer_days_at_least_one"),
        ]

    def __str__(self):
        return f"Summer {self.year} for {self.child}"
