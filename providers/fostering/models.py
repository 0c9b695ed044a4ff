import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone


class CareType(models.TextChoices):
    EMERGENCY = "emergency", "Emergency (up to 72 hours)"
    SHORT_TERM = "short_term", "Short term"
    LONG_TERM = "long_term", "Long term"
    RESPITE = "respite", "Respite"
    PARENT_AND_CHILD = "parent_and_child", "Parent and child"


class FosterCarer(models.Model):
    """A household of the council's own foster carers and what it is approved for."""

    reference = models.CharField(max_length=40, unique=True)
    # Who the carers are: the fostering service's and brokerage's own record, never sent.
    names = models.CharField("carers' names", max_length=200)
    postcode_district = models.CharField(max_length=8, blank=True)
    approved_age_from = models.PositiveSmallIntegerField()
    approved_age_to = models.PositiveSmallIntegerField()
    approved_children = models.PositiveSmallIntegerField("how many children at once")
    care_types = models.JSONField(default=list)  # CareType values
    supervising_social_worker = models.CharField(max_length=200, blank=True)
    skills = models.TextField("training and experience", blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_age_from__lte=models.F("approved_age_to")),
                name="carer_ages_ordered",
            ),
            models.CheckConstraint(
                condition=Q(approved_children__gte=1), name="carer_approved_for_a_child"
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def care_type_labels(self) -> list[str]:
        return [str(CareType(value).label) for value in self.care_types]


class CarerChild(models.Model):
    """A child living with the carers now: what matching needs to ask their social worker
    and IRO before another child joins them."""

    carer = models.ForeignKey(FosterCarer, on_delete=models.CASCADE, related_name="children")
    initials = models.CharField(max_length=10)
    date_of_birth = models.DateField()
    placed_on = models.DateField()
    social_worker = models.CharField(max_length=200)
    social_worker_email = models.EmailField()
    iro = models.CharField("independent reviewing officer", max_length=200)
    iro_email = models.EmailField("IRO's email")
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["carer", "placed_on", "pk"]

    def __str__(self):
        return f"{self.initials} with {self.carer}"

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class CarerVacancy(models.Model):
    """Room the fostering service says the carers have: places, from when (now when
    blank), for which kinds of care."""

    carer = models.ForeignKey(FosterCarer, on_delete=models.CASCADE, related_name="vacancies")
    places = models.PositiveSmallIntegerField()
    available_from = models.DateField(null=True, blank=True)
    care_types = models.JSONField(default=list)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["carer", "available_from", "pk"]
        verbose_name_plural = "carer vacancies"
        constraints = [models.CheckConstraint(condition=Q(places__gte=1), name="carer_room")]

    def __str__(self):
        return f"{self.places} with {self.carer}"

    @property
    def care_type_labels(self) -> list[str]:
        return [str(CareType(value).label) for value in self.care_types]
