"""The fostering service's forms: a household of carers, a child living with them, room."""

from django import forms

from placements.fields import GovDateField
from placements.forms import GDSForm, whole_number_field

from .models import CareType, FosterCarer


class CarerForm(GDSForm, forms.ModelForm):
    approved_age_from = whole_number_field("Youngest age approved for", low=0, high=25)
    approved_age_to = whole_number_field("Oldest age approved for", low=0, high=25)
    approved_children = whole_number_field("How many children at once", low=1, high=12)
    care_types = forms.MultipleChoiceField(
        label="Kinds of care approved for",
        choices=CareType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one kind of care"},
    )

    class Meta:
        model = FosterCarer
        fields = [
            "reference",
            "names",
            "postcode_district",
            "approved_age_from",
            "approved_age_to",
            "approved_children",
            "care_types",
            "supervising_social_worker",
            "skills",
            "is_active",
        ]
        labels = {
            "reference": "Carers' reference",
            "names": "Carers' names",
            "postcode_district": "Postcode district (optional)",
            "supervising_social_worker": "Supervising social worker (optional)",
            "skills": "Training and experience (optional)",
            "is_active": "Still fostering",
        }
        help_texts = {
            "reference": "Like FC-214. Only the reference is ever used where a provider reads.",
            "postcode_district": "The part of the postcode before the space, like LE1.",
        }
        error_messages = {
            "reference": {"required": "Enter the carers' reference"},
            "names": {"required": "Enter the carers' names"},
        }

    def clean(self):
        data = super().clean() or {}
        low, high = data.get("approved_age_from"), data.get("approved_age_to")
        if low is not None and high is not None and low > high:
            self.add_error("approved_age_to", "The oldest age must be the youngest age or more")
        return data


class CarerChildForm(GDSForm, forms.Form):
    initials = forms.CharField(
        label="The child's initials",
        max_length=10,
        error_messages={"required": "Enter the child's initials"},
    )
    date_of_birth = GovDateField(label_text="Date of birth", required=True)
    placed_on = GovDateField(label_text="Date they came", required=True)
    social_worker = forms.CharField(
        label="Their social worker",
        max_length=200,
        error_messages={"required": "Enter their social worker's name"},
    )
    social_worker_email = forms.EmailField(
        label="Their social worker's email",
        error_messages={
            "required": "Enter their social worker's email",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    iro = forms.CharField(
        label="Their independent reviewing officer",
        max_length=200,
        error_messages={"required": "Enter their independent reviewing officer's name"},
    )
    iro_email = forms.EmailField(
        label="Their independent reviewing officer's email",
        error_messages={
            "required": "Enter their independent reviewing officer's email",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class CarerVacancyForm(GDSForm, forms.Form):
    places = whole_number_field("Places", low=1, high=12)
    available_from = GovDateField(
        label_text="Date the room is free from", help_text="Leave it blank if it is free now."
    )
    care_types = forms.MultipleChoiceField(
        label="For which kinds of care",
        choices=CareType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one kind of care"},
    )

    def __init__(self, *args, carer: FosterCarer, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["care_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(v, label) for v, label in CareType.choices if v in carer.care_types]
