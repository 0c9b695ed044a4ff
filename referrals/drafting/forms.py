"""The referral form's sections, as the social worker fills them in."""

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone

from placements.fields import GovDateField
from placements.forms import GDSForm
from providers.models import Provider
from referrals.drafting.services import NEEDS_FIELDS
from referrals.models import Child, PersonAroundChild, PlacementType, Referral

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


# What DraftAnswers is mixed into, for the type check only (a mixin must not be a form
# itself, or the form's own methods would come after it).
if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


class DraftAnswers(_Form):
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

    def answers_to_save(self) -> dict[str, Any]:
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
    # Asked for a package of support at home only.
    mobility_issues = forms.TypedChoiceField(
        label="Does the child have mobility issues?",
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda v: v in (True, "True"),
        empty_value=None,
        widget=forms.RadioSelect,
        help_text="The problems themselves go under special educational needs or disability.",
    )
    mobility_equipment = forms.CharField(
        label="If yes, the equipment and when it is used",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    school_holidays = answer_text(
        "The school's holiday dates",
        hint="Schools set their own: providers need them to plan term time and holidays.",
        rows=3,
    )

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
            "mobility_issues",
            "mobility_equipment",
            "school_holidays",
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

    PACKAGE_ONLY = ("mobility_issues", "mobility_equipment", "school_holidays")

    def __init__(self, *args, package: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not package:
            for name in self.PACKAGE_ONLY:
                del self.fields[name]
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
        if package:
            self.helper.layout.append(
                Fieldset(
                    Field.radios("mobility_issues", inline=True),
                    Field.textarea("mobility_equipment"),
                    Field.textarea("school_holidays"),
                    legend="Mobility and school holidays",
                    legend_size=Size.MEDIUM,
                )
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

    is_principal_contact = forms.BooleanField(
        label="This is the principal contact for the package",
        help_text=(
            "The one person, besides the child, the referral may name: the awarded provider "
            "is given their phone number to arrange the support. Everyone else is Mum, Dad, "
            "Carer or sibling."
        ),
    )

    class Meta:
        model = PersonAroundChild
        fields = ["full_name", "relationship", "notes", "is_principal_contact", "phone"]
        labels = {
            "full_name": "Full name",
            "relationship": "Relationship to the child",
            "notes": "Notes (optional)",
            "phone": "Principal contact's phone number",
        }
        help_texts = {
            "full_name": "Names listed here are taken out of what providers see.",
            "relationship": "For example Mum, Dad, Grandmother, Sibling, Foster carer.",
        }
        error_messages = {"full_name": {"required": "Enter the person's full name"}}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, package: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not package:
            del self.fields["is_principal_contact"]
            del self.fields["phone"]


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
