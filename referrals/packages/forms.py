"""Part A of a package referral, as the social worker fills it in: what is asked for,
the dates, current support and approval, each service's section and a row of a weekly
table."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from placements.fields import GovDateField
from placements.forms import GDSForm
from providers.models import Provider
from referrals.drafting.forms import YES_NO, DraftAnswers, answer_text
from referrals.models import Child, Referral, ScheduleSlot, SummerSchemeRequest, SupportPackage
from referrals.packages.rules import requested_reason_problem
from referrals.packages.schedule import SERVICE_PERIODS, Given, row_problems


class ServiceForm(GDSForm, forms.Form):
    service = forms.ChoiceField(
        label="What are you asking for?",
        choices=Referral.Service.choices,
        widget=forms.RadioSelect,
        help_text=(
            "A package of support is for a disabled child living at home. Short breaks "
            "(specialist play and leisure) and home care may be asked for on one referral."
        ),
        error_messages={"required": "Choose what the referral asks for"},
    )


class TickField(forms.TypedChoiceField):
    """A yes or no whose unanswered value is No (a tick box on the paper form)."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(
            label=label,
            choices=YES_NO,
            coerce=lambda v: v in (True, "True"),
            widget=forms.RadioSelect,
            **kwargs,
        )

    def clean(self, value):
        return bool(super().clean(value))


class PackageForm(DraftAnswers, GDSForm, forms.ModelForm):
    """Dates, the change to current support, the approval, bank holidays and a provider
    asked for by name."""

    start_date = GovDateField(label_text="Start of the service")
    end_date = GovDateField(label_text="End of the service")
    family_unavailable = answer_text(
        "Dates the family is not available",
        hint="For example family holidays. Write the dates, or “None”.",
        rows=3,
    )
    is_urgent = TickField(
        label="Is this urgent?",
        help_text=(
            "Urgent packages go to providers with 2 working days to answer instead of 5. "
            "Call the brokerage duty line before you submit an urgent referral."
        ),
    )
    change = forms.ChoiceField(
        label="Is this new support, more support, or a change to current support?",
        choices=SupportPackage.Change.choices,
        widget=forms.RadioSelect,
    )
    current_support = forms.CharField(
        label="Support the council gives now that this amends or replaces",
        help_text="Only if the support is more, or a change. What it is and how often.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    current_support_funding = forms.ChoiceField(
        label="How is the current support funded?",
        choices=SupportPackage.Funding.choices,
        widget=forms.RadioSelect,
    )
    approval_basis = forms.ChoiceField(
        label="What approved this support?",
        choices=SupportPackage.ApprovalBasis.choices,
        widget=forms.RadioSelect,
        help_text=(
            "New or increased support must be approved by the Resource Allocation Panel "
            "before it is sent to brokerage. An emergency package rests on the child "
            "protection or child in need plan."
        ),
    )
    approval_date = GovDateField(
        label_text="Approval date",
        help_text="The date of the panel's approval, or of the plan for an emergency package.",
    )
    bank_holidays_needed = TickField(
        label="Is support needed on bank holidays?",
        help_text="Support is not given on bank holidays unless the assessment says it is needed.",
    )
    bank_holiday_reason = forms.CharField(
        label="Why is support needed on bank holidays?",
        help_text="Only if it is needed: what the assessment says.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    requested_provider = forms.ModelChoiceField(
        label="A provider this package must go to (optional)",
        queryset=Provider.objects.filter(is_archived=False),
        help_text="Only if no other provider could meet the child's needs.",
    )
    requested_reason = forms.CharField(
        label="Why only this provider?",
        help_text=(
            "The impact on the child of another provider. That a provider knows the child "
            "or family, or that support works well, is not a reason."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = SupportPackage
        fields = [
            "worker_phone",
            "start_date",
            "end_date",
            "family_unavailable",
            "change",
            "current_support",
            "current_support_funding",
            "approval_basis",
            "approval_date",
            "bank_holidays_needed",
            "bank_holiday_reason",
            "requested_provider",
            "requested_reason",
        ]
        labels = {"worker_phone": "Your phone number"}
        help_texts = {"worker_phone": "So brokerage can reach you about this referral."}

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["is_urgent"] = referral.is_urgent
        self.helper.layout = Layout(
            Fieldset(
                Field.text("worker_phone", field_width=20), legend="You", legend_size=Size.MEDIUM
            ),
            Fieldset(
                Field("start_date"),
                Field("end_date"),
                Field.textarea("family_unavailable"),
                Field.radios("is_urgent", inline=True),
                legend="When the support is needed",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("change"),
                Field.textarea("current_support"),
                Field.radios("current_support_funding"),
                legend="Current support",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("approval_basis"),
                Field("approval_date"),
                legend="Approval",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("bank_holidays_needed", inline=True),
                Field.textarea("bank_holiday_reason"),
                legend="Bank holidays",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("requested_provider"),
                Field.textarea("requested_reason"),
                legend="A provider asked for by name",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean_approval_date(self):
        approved = self.cleaned_data["approval_date"]
        if approved and approved > timezone.localdate():
            raise forms.ValidationError("The approval date must be today or in the past")
        return approved

    def clean_start_date(self):
        starts = self.cleaned_data["start_date"]
        if starts and starts < timezone.localdate() - dt.timedelta(days=31):
            raise forms.ValidationError("The start of the service cannot be over a month ago")
        return starts

    def clean(self):
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("start_date"), data.get("end_date")
        if starts and ends and ends < starts:
            self.add_error("end_date", "The end of the service must be after its start")
        problem = requested_reason_problem(data.get("requested_reason", ""))
        if data.get("requested_provider") and problem:
            self.add_error("requested_reason", problem)
            self.add_error("requested_provider", "Give a reason about the impact on the child")
        return data


class ShortBreakForm(DraftAnswers, GDSForm, forms.ModelForm):
    travel = forms.ChoiceField(
        label="Are there travel restrictions to a provider's setting?",
        choices=SupportPackage.Travel.choices,
        widget=forms.RadioSelect,
        help_text="Transport itself is not part of the framework: arrange it separately.",
    )
    travel_miles = forms.IntegerField(
        label="Within how many miles of home?",
        min_value=1,
        max_value=100,
        help_text="Only if within a number of miles, for example because there is no car.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": "Give at least 1 mile",
            "max_value": "Give no more than 100 miles",
        },
    )
    short_break_notes = answer_text(
        "Additional notes",
        hint=(
            "Anything else about the short breaks: what the time is for (the park, the "
            "cinema), flexibility on times, bank holidays if the assessment says so."
        ),
    )

    class Meta:
        model = SupportPackage
        fields = ["travel", "travel_miles", "short_break_notes"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if (
            data.get("travel") == SupportPackage.Travel.WITHIN_MILES
            and not data.get("travel_miles")
            and "travel_miles" not in self.errors
        ):
            self.add_error("travel_miles", "Give the number of miles")
        return data


class HomeCareForm(DraftAnswers, GDSForm, forms.ModelForm):
    home_care_activities = answer_text(
        "What will the carer do?",
        hint="For example getting ready for school, personal care, tea and bedtime.",
    )
    home_care_notes = answer_text(
        "Additional notes",
        hint=(
            "For a time window, say it here too: for example 1 hour between 07:00 and "
            "08:30 to get ready for school."
        ),
    )

    class Meta:
        model = SupportPackage
        fields = ["home_care_activities", "home_care_notes"]


CLOCK = re.compile(r"(?P<h>[01]?\d|2[0-3])(?:[:.]?(?P<m>[0-5]\d))?")


class ClockField(forms.Field):
    """A time on the 24-hour clock as people type it: 07:00, 7:00, 7.30, 0730 or 7."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(
            label=label,
            required=False,
            widget=forms.TextInput(
                attrs={"inputmode": "numeric", "spellcheck": "false", "maxlength": 5}
            ),
            **kwargs,
        )
        self.error_messages["invalid"] = (
            f"{label} must be a time on the 24-hour clock, like 07:00 or 15:30"
        )

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        match = CLOCK.fullmatch(text) if len(text) <= 5 else None
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.time(int(match["h"]), int(match["m"] or 0))

    def prepare_value(self, value):
        return f"{value:%H:%M}" if isinstance(value, dt.time) else value


class SlotForm(GDSForm, forms.Form):
    """One row of a weekly table."""

    period = forms.ChoiceField(
        label="Which table is this row for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which table this row is for"},
    )
    day = forms.TypedChoiceField(
        label="Day",
        choices=ScheduleSlot.Day.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the day"},
    )
    starts = ClockField(label="Start time")
    ends = ClockField(label="End time")
    part_of_day = forms.ChoiceField(
        label="If no set times, what part of the day?",
        required=False,
        choices=[("", "Set times (given above)"), *ScheduleSlot.PartOfDay.choices],
        widget=forms.RadioSelect,
    )
    hours = forms.CharField(
        label="Hours",
        max_length=6,
        help_text=(
            "For a window, fewer hours than the times span: 1 hour between 07:00 and 08:30."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": "Enter the hours"},
    )

    def __init__(self, *args, service: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        periods = SERVICE_PERIODS[service]
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = [(p, ScheduleSlot.Period(p).label) for p in periods]
        self.helper.layout = Layout(
            Field.radios("period"),
            Field.radios("day"),
            Fieldset(
                Field.text("starts", field_width=5),
                Field.text("ends", field_width=5),
                Field.radios("part_of_day"),
                legend="When",
                legend_size=Size.SMALL,
            ),
            Field.text("hours", field_width=5),
        )

    def clean_hours(self):
        text = self.cleaned_data["hours"].strip()
        try:
            hours = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Hours must be a number, like 1.5") from None
        if not hours.is_finite():
            raise forms.ValidationError("Hours must be a number, like 1.5")
        return hours

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        # Set times win over a part of the day left chosen.
        data["part_of_day"] = "" if data.get("starts") else data.get("part_of_day", "")
        row = Given(
            service=self.service,
            period=data["period"],
            day=data["day"],
            part_of_day=data["part_of_day"],
            starts=data.get("starts"),
            ends=data.get("ends"),
            hours=data["hours"],
        )
        for field, problem in row_problems(row).items():
            self.add_error(field, problem)
        return data


PARENTS_RESPONSIBILITIES = [
    "bring the child to the scheme and collect them at the times agreed",
    "send what the child needs for the day: food and drink, medication, spare clothes",
    "give the scheme the child's care, medical and emergency contact information",
    "tell the scheme at once if the child will not be attending",
]


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class SummerSchemeForm(GDSForm, forms.Form):
    """Annex 1 for one child."""

    child = ChildChoiceField(
        label="Which child?",
        queryset=Child.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child"},
    )
    year = forms.IntegerField(
        label="For the summer of",
        min_value=2000,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": "Enter the year of the summer scheme, like 2027"},
    )
    case = forms.ChoiceField(
        label="Is the child already open to the service?",
        choices=SummerSchemeRequest.Case.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the child is already open to the service"},
    )
    days = forms.IntegerField(
        label="How many days?",
        min_value=1,
        max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the number of days",
            "min_value": "Ask for at least 1 day",
            "max_value": "Ask for no more than 60 days",
        },
    )
    more_days_reason = forms.CharField(
        label="If more days than the council gives, the assessed need for them (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    preferred_dates = forms.CharField(
        label="Preferred dates (optional)",
        required=False,
        help_text="If there is no preference, give the dates the child cannot attend instead.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unavailable_dates = forms.CharField(
        label="Dates the child cannot attend (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parents_told = forms.BooleanField(
        label="I have told the parents their responsibilities: to "
        + "; to ".join(PARENTS_RESPONSIBILITIES),
        required=False,
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        child = self.fields["child"]
        assert isinstance(child, ChildChoiceField)
        child.queryset = referral.children.all()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not (
            data.get("preferred_dates", "").strip() or data.get("unavailable_dates", "").strip()
        ):
            self.add_error(
                "preferred_dates", "Give the preferred dates, or the dates the child cannot attend"
            )
        if not data.get("parents_told"):
            self.add_error("parents_told", "Tell the parents their responsibilities, then say so")
        return data
