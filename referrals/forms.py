import datetime as dt
import re
from decimal import Decimal

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone

from placements.fields import GovDateField, MoneyField
from placements.forms import GDSForm, TextLimits
from providers.models import Category, Provider, Specialism, Tier

from .models import Child, PersonAroundChild, PlacementType, Referral, SearchRound
from .services import NEEDS_FIELDS

# GOV.UK asks for text inputs, not type=number, for amounts of money.
MONEY_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
NONE_HINT = "Write “None” or “N/A” if there is nothing to say."


def answer_text(label: str, *, hint: str = "", rows: int = 4) -> forms.CharField:
    """A box that must be answered before the referral is submitted: “None” or “N/A”
    is an answer."""
    return forms.CharField(
        label=label,
        help_text=f"{hint} {NONE_HINT}".strip(),
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DraftAnswers:
    """Mix in to a form for a section of a referral the social worker is drafting.

    A draft keeps what it is given. An answer left blank is not an error here: it is
    still to complete, and the referral cannot be submitted until it is given
    (`completeness`). An answer given but wrong (a date that is not real, a number that
    is not a number, text over its limit, a date of birth in the future) is an error,
    and is not saved; `answers_to_save()` gives every answer that passed, to save even
    when others did not.

    `kept_from` names the answers without which there is nothing to keep (a child
    without a first name): those stay required."""

    kept_from: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in self.kept_from:
                field.required = False

    @property
    def refused(self) -> bool:
        """An answer without which nothing can be kept is missing or wrong."""
        return any(name in self.errors for name in self.kept_from)

    def answers_to_save(self) -> dict:
        """The answers that passed their checks, by field name."""
        self.is_valid()
        model = self._meta.model if isinstance(self, forms.ModelForm) else None
        answers = {}
        for name in self.fields:
            if name in self.errors or name not in self.cleaned_data:
                continue
            value = self.cleaned_data[name]
            if value is None and model is not None and not model._meta.get_field(name).null:
                continue  # a yes or no that has a default: unanswered, it stays as it was
            answers[name] = value
        return answers


UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
POSTCODE_MESSAGE = "Enter a real postcode, like LE1 6ZG"


class ChildForm(DraftAnswers, GDSForm, forms.ModelForm):
    kept_from = ("first_name",)

    postcode = forms.CharField(
        label="Postcode", max_length=10, error_messages={"max_length": POSTCODE_MESSAGE}
    )
    date_of_birth = GovDateField(label_text="Date of birth")
    address = answer_text("Home address", rows=3)
    sen_disability = answer_text(
        "Special educational needs or disability",
        hint="Include any diagnoses.",
    )
    health = answer_text("Health")
    behaviours = answer_text("Behaviours that challenge")
    risks = answer_text("Risks")
    interests = answer_text("Interests and what works for them")

    class Meta:
        model = Child
        fields = [
            "first_name",
            "middle_names",
            "last_name",
            "known_as",
            "date_of_birth",
            "gender",
            "ethnicity",
            "religion",
            "first_language",
            "legal_status",
            "address",
            "postcode",
            "school",
            "sen_disability",
            "health",
            "behaviours",
            "risks",
            "interests",
        ]
        labels = {
            "first_name": "First name",
            "middle_names": "Middle names (optional)",
            "last_name": "Last name",
            "known_as": "Known as (optional)",
            "first_language": "First language",
            "legal_status": "Legal status",
            "school": "School or nursery",
        }
        help_texts = {
            "legal_status": "For example section 20, interim care order, care order.",
            "school": "Write “None” if the child is not in school.",
        }
        error_messages = {"first_name": {"required": "Enter the child's first name"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Fieldset(
                Field.text("first_name"),
                Field.text("middle_names"),
                Field.text("last_name"),
                Field.text("known_as", field_width=20),
                Field("date_of_birth"),
                Field.text("gender", field_width=20),
                legend="Who the child is",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("ethnicity"),
                Field.text("religion", field_width=20),
                Field.text("first_language", field_width=20),
                Field.text("legal_status"),
                legend="Identity and legal status",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("address"),
                Field.text("postcode", field_width=10),
                Field.text("school"),
                legend="Home and school",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("sen_disability"),
                Field.textarea("health"),
                Field.textarea("behaviours"),
                Field.textarea("risks"),
                Field.textarea("interests"),
                legend="Needs",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born is None:
            return None
        if born > today:
            raise forms.ValidationError("Date of birth must be in the past")
        if born < today - relativedelta(years=26):
            raise forms.ValidationError("Check the date of birth: the child would be over 25")
        return born

    def clean_postcode(self):
        compact = "".join(self.cleaned_data["postcode"].upper().split())
        if not compact:
            return ""
        if not UK_POSTCODE.fullmatch(compact):
            raise forms.ValidationError(POSTCODE_MESSAGE)
        return f"{compact[:-3]} {compact[-3:]}"


class PersonForm(DraftAnswers, GDSForm, forms.ModelForm):
    kept_from = ("full_name",)

    class Meta:
        model = PersonAroundChild
        fields = ["full_name", "relationship", "notes"]
        labels = {
            "full_name": "Full name",
            "relationship": "Relationship to the child",
            "notes": "Notes (optional)",
        }
        help_texts = {
            "full_name": "Names listed here are taken out of what providers see.",
            "relationship": "For example Mum, Dad, Grandmother, Sibling, Foster carer.",
        }
        error_messages = {"full_name": {"required": "Enter the person's full name"}}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


YES_NO = [(True, "Yes"), (False, "No")]


class NeedsForm(DraftAnswers, GDSForm, forms.ModelForm):
    kind = forms.ChoiceField(
        label="What kind of move is this?",
        choices=Referral.Kind.choices,
        widget=forms.RadioSelect,
    )
    is_urgent = forms.TypedChoiceField(
        label="Is this urgent?",
        choices=YES_NO,
        coerce=lambda v: v in (True, "True"),
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="Urgent requests get a shorter provider deadline.",
    )
    placement_type = forms.ModelChoiceField(
        label="Type of placement",
        queryset=PlacementType.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    date_needed = GovDateField(label_text="Date needed")
    expected_duration = forms.CharField(
        label="Expected duration",
        help_text="For example 6 months, long term, until 18.",
    )
    location_preferences = answer_text(
        "Location preferences",
        hint="For example near school, family time, or a named area.",
        rows=3,
    )
    location_restrictions = answer_text(
        "Location restrictions",
        hint="Areas the child must not be placed in, and why.",
        rows=3,
    )
    education_needed = forms.TypedChoiceField(
        label="Is education needed as part of the placement?",
        choices=YES_NO,
        coerce=lambda v: v in (True, "True"),
        empty_value=None,
        widget=forms.RadioSelect,
    )
    therapy_needed = forms.TypedChoiceField(
        label="Is therapy needed as part of the placement?",
        choices=YES_NO,
        coerce=lambda v: v in (True, "True"),
        empty_value=None,
        widget=forms.RadioSelect,
    )
    education_therapy_details = forms.CharField(
        label="Education or therapy needed (if any)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weekly_budget = forms.DecimalField(
        label="Estimated weekly budget in pounds (optional)",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        widget=MONEY_INPUT,
        error_messages={
            "invalid": "Enter the weekly budget as a number, like 4500 or 4500.50",
            "min_value": "The weekly budget cannot be negative",
            "max_decimal_places": "Enter the weekly budget in pounds and pence, like 4500.50",
        },
    )
    siblings = forms.ChoiceField(
        label="Must the children be placed together?",
        required=False,
        choices=Referral.Siblings.choices,
        widget=forms.RadioSelect,
    )
    sibling_arrangement = forms.CharField(
        label="If not all together, who should be placed with whom?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Referral
        fields = NEEDS_FIELDS

    def __init__(self, *args, sibling_group: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sibling_group = sibling_group
        if not sibling_group:
            del self.fields["siblings"]
            del self.fields["sibling_arrangement"]

    def clean_date_needed(self):
        needed = self.cleaned_data["date_needed"]
        if needed is None:
            return None
        if needed < timezone.localdate():
            raise forms.ValidationError("The date needed must be today or in the future")
        if needed > timezone.localdate() + dt.timedelta(days=366):
            raise forms.ValidationError("The date needed must be within the next year")
        return needed

    # Details of the education or therapy, and how siblings are placed, may wait like any
    # other answer: `completeness` asks for them before the referral is submitted.


class OutcomesForm(DraftAnswers, GDSForm, forms.Form):
    outcome_1 = forms.CharField(
        label="Outcome 1",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    outcome_2 = forms.CharField(
        label="Outcome 2 (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome_3 = forms.CharField(
        label="Outcome 3 (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProfileForm(DraftAnswers, GDSForm, forms.Form):
    getting_to_know_me = forms.CharField(
        label="Getting to know me",
        help_text=(
            "In the child's words where you can: what they like, what matters to them, "
            "their routines, what helps when things are hard. Providers read an anonymised "
            "copy of this."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class ExclusionForm(GDSForm, forms.Form):
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Provider.objects.filter(is_archived=False),
        empty_label="Choose a provider",
        error_messages={"required": "Choose the provider not to approach"},
    )
    reason = forms.CharField(
        label="Why should they not be approached?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why this provider should not be approached"},
    )


class WithdrawForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why is the referral being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the referral is being withdrawn"},
    )


class QAReturnForm(GDSForm, forms.Form):
    request_1 = forms.CharField(
        label="What does the social worker need to do?",
        help_text="One request a box, so they can see each one clearly.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter at least one thing the social worker needs to do"},
    )
    request_2 = forms.CharField(
        label="Another request (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    request_3 = forms.CharField(
        label="Another request (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def requests(self) -> list[str]:
        return [self.cleaned_data[f"request_{n}"] for n in (1, 2, 3)]


class QAAcceptForm(GDSForm, forms.Form):
    take_it = forms.BooleanField(
        label="Assign it to me",
        required=False,
        help_text="Otherwise the duty lead assigns it from the action list.",
    )


class QAAnswerForm(GDSForm, forms.Form):
    response = forms.CharField(
        label="What have you changed?",
        help_text="Brokerage reads this with the referral.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what you have changed for brokerage"},
    )


class ActionListFilterForm(TextLimits, forms.Form):
    show = forms.MultipleChoiceField(
        label="Show only", required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show"].choices = list(choices.items())


class AssignForm(GDSForm, forms.Form):
    officer = forms.ModelChoiceField(
        label="Assigned officer", queryset=None, required=False, empty_label="Nobody"
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class PriorityForm(GDSForm, forms.Form):
    priority = forms.TypedChoiceField(
        label="Priority",
        choices=Referral.Priority.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a priority"},
    )


class NextActionForm(GDSForm, forms.Form):
    next_action = forms.CharField(
        label="Next action",
        max_length=300,
        error_messages={
            "required": "Enter the next action",
            "max_length": "The next action must be 300 characters or fewer",
        },
    )
    due = GovDateField(label_text="Due date")

    def clean_due(self):
        due = self.cleaned_data.get("due")
        if due and due < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return due


class NoteForm(GDSForm, forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[("note", "A note"), ("call", "A call")],
        widget=forms.RadioSelect,
        initial="note",
        error_messages={"required": "Select a note or a call"},
    )
    text = forms.CharField(
        label="What happened",
        help_text="For example: Called Horizon Fostering, no answer, left a message.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what happened"},
    )


class PlacementTypeForm(GDSForm, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Enter the name of the placement type"},
    )
    category = forms.ModelChoiceField(
        label="Provider category searched for it",
        queryset=Category.objects.all(),
        required=False,
        empty_label="None",
    )
    is_in_house = forms.BooleanField(
        label="It is the council's own (in-house) provision", required=False
    )
    is_active = forms.BooleanField(
        label="Social workers can choose it",
        required=False,
        initial=True,
        help_text="Retire a type instead of deleting it: old referrals keep it.",
    )


class PassageForm(GDSForm, forms.Form):
    text = forms.CharField(
        label="What providers will read",
        help_text="Names, addresses and other details the referral knows about are taken "
        "out again when you save.",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )


class FlagAcceptForm(TextLimits, forms.Form):
    reason = forms.CharField(
        label="Why is it safe to send?",
        max_length=500,
        error_messages={"required": "Say why this word is safe to send to providers"},
    )
    remember = forms.BooleanField(
        label="Allow it in every pack: it is never personal (a place the council allows, "
        "a brand, a service)",
        required=False,
    )


class AllowedWordForm(TextLimits, forms.Form):
    word = forms.CharField(
        label="Word or phrase",
        max_length=200,
        error_messages={"required": "Enter the word or phrase to allow"},
    )
    reason = forms.CharField(
        label="Why is it safe to send to providers?",
        max_length=500,
        error_messages={"required": "Say why this word is safe to send to providers"},
    )


# --- The search ------------------------------------------------------------------------


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

    def __init__(self, *args, dual_reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not dual_reasons:
            del self.fields["dual"]


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
    has_vacancy = forms.BooleanField(label="Has a vacancy", required=False)
    cleared = forms.BooleanField(label="Cleared to place", required=False)
    agreement = forms.CharField(
        label="Social worker's agreement to search outside the council's boundary",
        help_text="Needed for tier 2 or any tier. Who agreed, when and how.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def criteria(self) -> dict:
        data = self.cleaned_data
        return {
            "tier": data["tier"],
            "specialisms": [s.pk for s in data["specialisms"]],
            "age_fits": data["age_fits"],
            "has_vacancy": data["has_vacancy"],
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


# --- What providers fill in through their link -----------------------------------------

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
        data = super().clean()
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
