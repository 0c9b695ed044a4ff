"""The forms of a provider's account: signing in, a vacancy, the profile, a document."""

from typing import cast

from django import forms

from placements.fields import GovDateField
from placements.forms import GDSForm, whole_number_field
from providers.forms.directory import parse_email_list
from providers.models import (
    Category,
    Genders,
    Provider,
    ProviderDocument,
    Specialism,
    Tier,
)
from providers.services.accounts import MAX_DOCUMENT_BYTES


class EmailSignInForm(GDSForm, forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address the council has for your organisation's account.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def _ages(label: str) -> forms.IntegerField:
    return whole_number_field(label, low=0, high=25)


class AgesInOrderForm(GDSForm, forms.Form):
    """A form with `age_from` and `age_to`: the oldest no younger than the youngest."""

    def clean(self):
        data = super().clean() or {}
        if (
            data.get("age_from") is not None
            and data.get("age_to") is not None
            and data["age_from"] > data["age_to"]
        ):
            self.add_error("age_to", "The oldest age must be the youngest age or more")
        return data


class VacancyForm(AgesInOrderForm):
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        label="Kind of place",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of place"},
    )
    places = whole_number_field(
        "Places free",
        low=1,
        high=99,
        messages={
            "required": "Enter how many places are free",
            "min_value": "Enter at least 1 place",
        },
    )
    age_from = _ages("Youngest age")
    age_to = _ages("Oldest age")
    available_from = GovDateField(
        label_text="Date the places are free from",
        help_text="Leave it blank if they are free now.",
    )

    def __init__(self, *args, provider: Provider, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["category"])
        field.queryset = Category.objects.filter(
            pk__in=provider.provider_categories.values("category_id")
        )


class ProfileForm(AgesInOrderForm):
    """What the provider keeps of a setting: most of it changes at once; the Ofsted URN,
    tier and categories wait for the council's approval."""

    age_from = _ages("Youngest age you take")
    age_to = _ages("Oldest age you take")
    genders = forms.ChoiceField(
        label="Who you take", choices=Genders.choices, widget=forms.RadioSelect
    )
    specialisms = forms.ModelMultipleChoiceField(
        queryset=Specialism.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Specialisms",
    )
    referral_emails_text = forms.CharField(
        label="Addresses that receive the council's requests",
        help_text="One per line.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        error_messages={"required": "Enter at least one address for requests"},
    )
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    ofsted_urn = forms.CharField(
        label="Ofsted URN",
        max_length=20,
        required=False,
        help_text="A change waits for the council's approval.",
    )
    tier = forms.TypedChoiceField(
        label="Where the setting is",
        choices=Tier.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="A change waits for the council's approval.",
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of place you offer",
        help_text="A change waits for the council's approval.",
        error_messages={"required": "Select at least one kind of place"},
    )

    def clean_referral_emails_text(self):
        emails = parse_email_list(self.cleaned_data["referral_emails_text"])
        if not emails:
            raise forms.ValidationError("Enter at least one address for requests")
        return emails

    def clean_ofsted_urn(self):
        return "".join(self.cleaned_data["ofsted_urn"].upper().split())


class DocumentForm(GDSForm, forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=ProviderDocument.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the document is"},
    )
    title = forms.CharField(label="Title (optional)", max_length=200, required=False)
    file = forms.FileField(
        label="The document, as a PDF",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={
            "required": "Choose the document to upload",
            "empty": "The file you chose is empty",
        },
    )
    expires_on = GovDateField(label_text="Expires on (if it does)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError("The document must be smaller than 10 MB")
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("The document must be a PDF")
        return upload
