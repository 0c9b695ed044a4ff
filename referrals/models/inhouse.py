"""The in-house round as the fostering service works it: which of the council's own
carers its duty worker asked, and what they said."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from providers.models import FosterCarer
from referrals.models.search import SearchRound


class CarerEnquiry(models.Model):
    class Answer(models.TextChoices):
        WAITING = "waiting", "Waiting for their answer"
        YES = "yes", "Could offer a home"
        # An emergency carer's home for up to 72 hours while a longer-term carer is found.
        EMERGENCY = "emergency", "Could offer an emergency home for up to 72 hours"
        NO = "no", "Cannot offer a home"

    search_round = models.ForeignKey(
        SearchRound, on_delete=models.PROTECT, related_name="carer_enquiries"
    )
    carer = models.ForeignKey(FosterCarer, on_delete=models.PROTECT, related_name="enquiries")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.WAITING)
    note = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["search_round", "asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["search_round", "carer"], name="one_enquiry_per_carer_per_round"
            )
        ]
        verbose_name_plural = "carer enquiries"

    def __str__(self):
        return f"{self.carer} asked in {self.search_round}"


class CarerMatch(models.Model):
    """Matching, once carers say they could offer a home: their profile shared with the
    child's social worker, who talks to them and says whether they are happy; the
    social workers and IROs of children already living with them asked for any concerns;
    the matching form (the child's needs, the carers' skills to meet them, the support
    they will need) completed by the duty worker and signed off by a team manager of
    the referral's team. It ends early, with a reason, when the match does not go ahead."""

    class View(models.TextChoices):
        WAITING = "waiting", "Waiting for the social worker"
        HAPPY = "happy", "Happy with the match"
        NOT_HAPPY = "not_happy", "Not happy with the match"

    # A match that did not go ahead may be tried again with the same carers.
    enquiry = models.ForeignKey(CarerEnquiry, on_delete=models.PROTECT, related_name="matches")
    # Which of the referral's children it is for (Child ids): all of them, or one group
    # where siblings are to be placed apart. An emergency home (the enquiry's answer)
    # stands beside a longer-term one.
    children = models.JSONField(default=list)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    profile_shared_at = models.DateTimeField(null=True, blank=True)
    social_worker_view = models.CharField(max_length=10, choices=View.choices, default=View.WAITING)
    social_worker_note = models.TextField(blank=True)
    social_worker_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    social_worker_at = models.DateTimeField(null=True, blank=True)
    # The matching form.
    needs = models.TextField("the child's needs", blank=True)
    skills = models.TextField("the carers' skills and experience to meet them", blank=True)
    support = models.TextField("support the carers will need", blank=True)
    form_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name_plural = "carer matches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signed_off_at__isnull=True) | models.Q(ended_at__isnull=True),
                name="match_signed_off_or_ended",
            ),
            models.UniqueConstraint(
                fields=["enquiry"],
                condition=models.Q(ended_at__isnull=True),
                name="one_match_going_ahead_per_enquiry",
            ),
        ]

    def __str__(self):
        return f"Matching {self.enquiry.carer} for {self.enquiry.search_round.referral}"

    @property
    def is_open(self) -> bool:
        return self.signed_off_at is None and self.ended_at is None

    @property
    def status_label(self) -> str:
        if self.ended_at:
            return "Not going ahead"
        if self.signed_off_at:
            return "Signed off"
        return "In progress"


class MatchConsultation(models.Model):
    """The social worker or IRO of a child already living with the carers, asked whether
    they have concerns about another child joining them; the duty worker records the
    answer. Their name and address are kept as asked."""

    class Asked(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        IRO = "iro", "Independent reviewing officer"

    class Answer(models.TextChoices):
        WAITING = "waiting", "Waiting for their answer"
        NO_CONCERNS = "no_concerns", "No concerns"
        CONCERNS = "concerns", "Has concerns"

    match = models.ForeignKey(CarerMatch, on_delete=models.CASCADE, related_name="consultations")
    child = models.ForeignKey("providers.CarerChild", on_delete=models.PROTECT, related_name="+")
    asked = models.CharField(max_length=20, choices=Asked.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    answer = models.CharField(max_length=20, choices=Answer.choices, default=Answer.WAITING)
    note = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["match", "child", "asked"]
        constraints = [
            models.UniqueConstraint(
                fields=["match", "child", "asked"], name="one_consultation_per_child_and_role"
            )
        ]

    def __str__(self):
        return f"{self.get_asked_display()} of {self.child.initials}"
