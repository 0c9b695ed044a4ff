"""The search's forms: the officer's (a round started, filtered, extended, a question
answered) and the provider's through the secret link (an offer, no option, a
withdrawal, a question)."""

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import cast

from crispy_forms_gds.layout import Layout
from django import forms
from django.utils import timezone

from placements.fields import GovDateField, MoneyField
from placements.forms import GDSForm, TextLimits
from providers.models import Category, Provider, Specialism, Tier
from referrals.models import CoveredSlot, SearchRound, Service
from referrals.packages.schedule import row_label

# GOV.UK asks for text inputs, not type=number, for amounts of money.
MONEY_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})


class RoundStartForm(GDSForm, forms.Form):
    kind = forms.ChoiceField(
        label="Who should this round go to?",
        choices=SearchRound.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the round should go to"},
    )
    dual = forms.BooleanField(
        label="Start a dual search: in-house and framework providers at the same time",
        required=False,
    )
    category = forms.ModelChoiceField(
        label="Category of placement (external rounds)",
        queryset=Category.objects.all(),
        required=False,
        help_text="Leave it as the referral asks unless the social worker agrees to widen it.",
    )
    social_worker_agreement = forms.CharField(
        label="Social worker's agreement to a wider search (if widening)",
        help_text="Who agreed, when and how, for example “Sam Social, by phone, 23 November”.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    service = forms.ChoiceField(
        label="Which service?",
        widget=forms.RadioSelect,
        required=False,
        help_text="Each service goes to the providers on its own lot.",
    )

    def __init__(self, *args, dual_reasons=(), services: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if not dual_reasons or services:
            del self.fields["dual"]
        if not services:
            del self.fields["service"]
            return
        # A package: framework providers first, then off-framework, on each service's lot.
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [
            (k, label) for k, label in SearchRound.Kind.choices if k != SearchRound.Kind.IN_HOUSE
        ]
        del self.fields["category"]
        if len(services) < 2:
            del self.fields["service"]
            return
        service = cast(forms.ChoiceField, self.fields["service"])
        service.choices = [
            ("", "Both services"),
            *[(s, Service(s).label) for s in services],
        ]


class RoundFilterForm(GDSForm, forms.Form):
    tier = forms.ChoiceField(
        label="Tier",
        choices=[("", "Any tier"), *[(str(v), label) for v, label in Tier.choices]],
        widget=forms.RadioSelect,
        required=False,
    )
    specialisms = forms.ModelMultipleChoiceField(
        label="Specialisms (all selected must be offered)",
        queryset=Specialism.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    age_fits = forms.BooleanField(
        label="The children's ages are in the provider's range", required=False
    )
    has_vacancy = forms.BooleanField(label="Has a vacancy (the directory's count)", required=False)
    vacancy_fits = forms.BooleanField(
        label="Has declared a vacancy that fits: the kind of place, the children's ages, "
        "enough places, free by the date needed",
        required=False,
    )
    covers_area = forms.BooleanField(label="Covers the child's area", required=False)
    cleared = forms.BooleanField(label="Cleared to place", required=False)
    agreement = forms.CharField(
        label="Social worker's agreement to search outside the council's boundary",
        help_text="Needed for tier 2 or any tier. Who agreed, when and how.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, package: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if package:
            del self.fields["tier"]
            del self.fields["agreement"]
        else:
            del self.fields["covers_area"]

    def criteria(self) -> dict:
        data = self.cleaned_data
        # A package's round reaches by area, a placement's by tier.
        reach = "covers_area" if "covers_area" in self.fields else "tier"
        return {
            reach: data[reach],
            "specialisms": [s.pk for s in data["specialisms"]],
            "age_fits": data["age_fits"],
            "has_vacancy": data["has_vacancy"],
            "vacancy_fits": data["vacancy_fits"],
            "cleared": data["cleared"],
        }

    @classmethod
    def initial_from(cls, criteria: dict) -> dict:
        return {**criteria, "specialisms": criteria.get("specialisms") or []}


class RoundAddProviderForm(TextLimits, forms.Form):
    provider = forms.ModelChoiceField(
        label="Add a provider by hand",
        queryset=Provider.objects.active().order_by("name"),
        error_messages={
            "required": "Select a provider to add",
            "invalid_choice": "Select a provider from the list",
        },
    )


TIME_PATTERN = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


class TimeOfDayField(forms.Field):
    """A time typed as 14:30 (or 14.30), 24-hour clock, UK time."""

    widget = forms.TextInput(attrs={"class": "govuk-input--width-4", "spellcheck": "false"})

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        match = TIME_PATTERN.match(text[:20])
        if not match:
            raise forms.ValidationError("Enter a time using the 24-hour clock, like 14:30")
        return dt.time(int(match[1]), int(match[2]))


class RoundExtendForm(GDSForm, forms.Form):
    day = GovDateField(label_text="New deadline", required=True, what="the new deadline")
    at = TimeOfDayField(
        label="Time (optional)",
        required=False,
        help_text="On the 24-hour clock, like 14:30. Leave it blank for the usual end of the "
        "working day.",
    )
    reason = forms.CharField(
        label="Why is it being extended?",
        help_text="Providers are told the new deadline, not the reason.",
        max_length=500,
        error_messages={"required": "Say why the deadline is being extended"},
    )


class RoundHoursForm(GDSForm, forms.Form):
    response_hours = forms.IntegerField(
        label="Providers answer within (working hours)",
        required=False,
        min_value=1,
        max_value=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the number of working hours as a whole number, like 4",
            "min_value": "Enter at least 1 working hour",
            "max_value": "Enter 40 working hours or fewer",
        },
    )


class QuestionAnswerForm(TextLimits, forms.Form):
    answer = forms.CharField(
        label="Your answer (every provider in the round will read it)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        error_messages={"required": "Enter your answer"},
    )


OFSTED_URN = re.compile(r"^(SC)?\d{6,7}$", re.IGNORECASE)


class ResponderForm(GDSForm, forms.Form):
    responder_name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class OfferForm(ResponderForm):
    carer_reference = forms.CharField(
        label="Carer's or home's reference",
        help_text="Your own reference for the carers or the home: not their names.",
        max_length=100,
        error_messages={"required": "Enter the carer's or home's reference"},
    )
    weekly_fee = MoneyField(label="Weekly fee", what="the weekly fee")
    education_weekly = MoneyField(
        label="Education, a week (optional)", what="the weekly cost of education", required=False
    )
    therapy_weekly = MoneyField(
        label="Therapy, a week (optional)", what="the weekly cost of therapy", required=False
    )
    wraparound_weekly = MoneyField(
        label="Wraparound support, a week (optional)",
        what="the weekly cost of wraparound support",
        required=False,
    )
    transport_weekly = MoneyField(
        label="Transport, a week (optional)", what="the weekly cost of transport", required=False
    )
    one_off_costs = MoneyField(
        label="One-off costs (optional)", what="the one-off costs", required=False
    )
    one_off_details = forms.CharField(
        label="What the one-off costs are for (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    available_from = GovDateField(label_text="Available from", required=True)
    needs_met = forms.CharField(
        label="How will you meet the child's needs and outcomes?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Say how you will meet the child's needs"},
    )
    ofsted_urn = forms.CharField(
        label="Ofsted URN of the setting",
        help_text="For example SC123456 or 1234567.",
        max_length=20,
        error_messages={"required": "Enter the setting's Ofsted URN"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["available_from"].error_messages["required"] = (
            "Enter the date the placement is available from"
        )

    def clean_weekly_fee(self):
        fee = self.cleaned_data["weekly_fee"]
        if fee is not None and fee <= 0:
            raise forms.ValidationError("The weekly fee must be more than £0")
        return fee

    def clean_available_from(self):
        day = self.cleaned_data["available_from"]
        if day and day < timezone.localdate():
            raise forms.ValidationError("Available from must be today or in the future")
        return day

    def clean_ofsted_urn(self):
        urn = "".join(self.cleaned_data["ofsted_urn"].split()).upper()
        if not OFSTED_URN.match(urn):
            raise forms.ValidationError(
                "Enter the Ofsted URN as 6 or 7 digits, with SC in front for a children's home"
            )
        return urn

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for name in (
            "education_weekly",
            "therapy_weekly",
            "wraparound_weekly",
            "transport_weekly",
            "one_off_costs",
        ):
            if data.get(name) is None and name not in self.errors:
                data[name] = Decimal("0")
        if data.get("one_off_costs") and not data.get("one_off_details", "").strip():
            self.add_error("one_off_details", "Say what the one-off costs are for")
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "responder_name"}


class PackageOfferForm(ResponderForm):
    """Part B: which rows of the weekly tables the provider covers, and at what rates."""

    carer_reference = forms.CharField(
        label="Staff reference",
        help_text="Your own reference for the staff who would give the support: not their names.",
        max_length=100,
        error_messages={"required": "Enter your staff reference"},
    )
    hourly_rate = MoneyField(label="Hourly rate", what="your hourly rate")
    unsocial_hourly_rate = MoneyField(
        label="Hourly rate for unsocial hours (optional)",
        what="your hourly rate for unsocial hours",
        required=False,
    )
    two_carer_hourly_rate = MoneyField(
        label="Hourly rate for two carers (optional)",
        what="your hourly rate for two carers",
        required=False,
    )
    available_from = GovDateField(
        label_text="Date you can start", required=True, what="the date you can start"
    )
    needs_met = forms.CharField(
        label="How will you meet the child's needs and the outcomes?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Say how you will meet the child's needs and the outcomes"},
    )

    RATES = [("", "Cannot cover"), *CoveredSlot.Rate.choices]

    def __init__(self, *args, rows, **kwargs):
        """`rows`: the tables' rows asked for (each a `TableRow`), in the tables' order."""
        super().__init__(*args, **kwargs)
        # The rows are drawn as their own table of choices, after the rest.
        self.helper.layout = Layout(*self.fields)
        self.rows = rows
        for row in rows:
            self.fields[self.row_field(row.pk)] = forms.ChoiceField(
                label=row_label(row.slot, hours=True),
                choices=self.RATES,
                required=False,
            )

    @staticmethod
    def row_field(pk: int) -> str:
        return f"row_{pk}"

    def bound_rows(self):
        """Each row with its choice, for the table on the page."""
        return [(row, self[self.row_field(row.pk)]) for row in self.rows]

    def clean_available_from(self):
        day = self.cleaned_data["available_from"]
        if day and day < timezone.localdate():
            raise forms.ValidationError("The date you can start must be today or in the future")
        return day

    def clean(self):
        super().clean()
        data = self.cleaned_data
        covered = self.covered()
        if not covered and self.rows:
            self.add_error(
                self.row_field(self.rows[0].pk),
                "Choose at least one day and time you can cover, or say you have no option",
            )
        fields = {"unsocial": "unsocial_hourly_rate", "two_carers": "two_carer_hourly_rate"}
        for rate, field in fields.items():
            if rate in covered.values() and not data.get(field) and field not in self.errors:
                self.add_error(field, f"Enter your {CoveredSlot.Rate(rate).label.lower()} an hour")
        for field in ("hourly_rate", *fields.values()):
            if data.get(field) is not None and data[field] <= 0:
                self.add_error(field, "An hourly rate must be more than £0")
        return data

    def covered(self) -> dict[int, str]:
        """Slot id → the rate it is covered at."""
        data = self.cleaned_data
        return {
            row.pk: data[self.row_field(row.pk)]
            for row in self.rows
            if data.get(self.row_field(row.pk))
        }

    def values(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "carer_reference",
                "hourly_rate",
                "unsocial_hourly_rate",
                "two_carer_hourly_rate",
                "available_from",
                "needs_met",
            )
        }


class NoOptionForm(ResponderForm):
    reason = forms.CharField(
        label="Why can you not offer a placement?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why you have no option for this child"},
    )


class WithdrawOfferForm(ResponderForm):
    reason = forms.CharField(
        label="Why are you withdrawing the offer?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why you are withdrawing the offer"},
    )


class QuestionForm(GDSForm, forms.Form):
    question = forms.CharField(
        label="Your question",
        help_text="The answer goes to every provider asked, so everyone has the same information.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter your question"},
    )
