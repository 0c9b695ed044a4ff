"""The forms that edit the directory: a provider, and a specialism."""

import re
from typing import cast

from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms
from django.core.validators import validate_email

from placements.fields import GovDateField
from placements.forms import GDSForm

from ..models import Area, Category, FrameworkStatus, Provider, Specialism
from ..services.directory import PROVIDER_FIELDS

NOT_SERVED = ""


def parse_email_list(text: str) -> list[str]:
    """Emails separated by new lines, commas or semicolons; each must be valid."""
    raw = [part.strip() for part in text.replace(";", "\n").replace(",", "\n").splitlines()]
    emails, invalid = [], []
    for email in filter(None, raw):
        try:
            validate_email(email)
        except forms.ValidationError:
            invalid.append(email)
        else:
            if email.lower() not in emails:
                emails.append(email.lower())
    if invalid:
        raise forms.ValidationError(
            "Enter email addresses in the correct format, like referrals@provider.co.uk "
            f"(not valid: {', '.join(invalid)})"
        )
    return emails


# A postcode's outward code: LE1, LE67, SW1A, M1.
POSTCODE_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


class ProviderForm(GDSForm, forms.ModelForm):
    referral_emails_text = forms.CharField(
        label="Referral email addresses",
        help_text="One per line. Every address gets the provider's referrals.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        error_messages={"required": "Enter at least one referral email address"},
    )
    specialisms = forms.ModelMultipleChoiceField(
        queryset=Specialism.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Specialisms",
    )
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Areas covered",
        help_text="For short breaks and home care: a round reaches the providers covering the "
        "child's area.",
    )
    ofsted_inspection_date = GovDateField(label_text="Ofsted inspection date")
    qa_initial_visit_date = GovDateField(label_text="Initial QA visit date")
    qa_latest_annual_visit_date = GovDateField(label_text="Latest annual QA visit date")
    ri_exception_agreed_on = GovDateField(label_text="Date the RI exception was agreed")
    vacancy_available_from = GovDateField(label_text="Vacancy available from")

    class Meta:
        model = Provider
        fields = [f for f in PROVIDER_FIELDS if f != "referral_emails"]
        labels = {
            "name": "Provider name",
            "reference": "Council reference",
            "provider_type": "Type of provider",
            "tier": "Tier",
            "is_in_house": "This is the council's own (in-house) service",
            "ofsted_urn": "Ofsted URN (optional)",
            "postcode_district": "Postcode district of the setting (optional)",
            "ofsted_rating": "Ofsted rating",
            "ri_exception_agreed_by": "RI-process exception agreed by (name and role)",
            "age_from": "Youngest age accepted (years)",
            "age_to": "Oldest age accepted (years)",
            "genders": "Genders accepted",
            "capacity": "Capacity (places)",
            "vacancies": "Current vacancies",
            "phone": "Phone number (optional)",
            "notes": "Notes (optional)",
        }
        help_texts = {
            "reference": "Your council's own reference, for example PRV-0123.",
            "postcode_district": "The part of the setting's postcode before the space, for "
            "example LE1: the children looked after return asks for it.",
            "ri_exception_agreed_by": "Only where the provider is rated below Good and the "
            "RI (requires improvement) process has agreed placements.",
        }
        widgets = {
            "provider_type": forms.RadioSelect,
            "tier": forms.RadioSelect,
            "ofsted_rating": forms.RadioSelect,
            "genders": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": {"required": "Enter the provider's name"},
            "reference": {
                "required": "Enter the council's reference for this provider",
                "unique": "Another provider already has this reference",
            },
            "provider_type": {"required": "Select the type of provider"},
            "tier": {"required": "Select the tier"},
            "age_from": {"required": "Enter the youngest age accepted"},
            "age_to": {"required": "Enter the oldest age accepted"},
            "capacity": {"required": "Enter the capacity"},
            "vacancies": {"required": "Enter the number of current vacancies (0 if none)"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(Category.objects.all())
        current = {}
        if self.instance.pk:
            current = {
                pc.category_id: pc.framework_status
                for pc in self.instance.provider_categories.all()
            }
            self.initial["referral_emails_text"] = "\n".join(self.instance.referral_emails)
        for category in self.categories:
            self.fields[self.category_field(category)] = forms.ChoiceField(
                label=category.name,
                choices=[(NOT_SERVED, "Not served"), *FrameworkStatus.choices],
                required=False,
                initial=current.get(category.pk, NOT_SERVED),
            )
        for name in ("provider_type", "tier", "ofsted_rating", "genders"):
            # Radios never offer Django's blank "---------" choice.
            field = cast(forms.ChoiceField, self.fields[name])  # a model field's choices
            # Normalised by Django to (value, label) pairs; the stubs allow any input.
            pairs = cast(list[tuple[object, str]], field.choices)
            field.choices = [c for c in pairs if c[0] != ""]
        for name in ("age_from", "age_to", "capacity", "vacancies"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})
        self.helper.layout = Layout(
            Fieldset(
                Field.text("name"),
                Field.text("reference", field_width=10),
                Field.radios("provider_type"),
                Field.radios("tier", inline=True),
                Field.checkbox("is_in_house"),
                legend="The provider",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">Choose the framework status for each category the '
                    "provider serves.</p>"
                ),
                *[Field.select(self.category_field(c)) for c in self.categories],
                legend="Categories served",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(Field.checkboxes("areas"), legend="Areas covered", legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("ofsted_urn", field_width=10),
                Field.text("postcode_district", field_width=5),
                Field.radios("ofsted_rating"),
                Field("ofsted_inspection_date"),
                Field.radios("ofsted_registration_status"),
                Field.text("ri_exception_agreed_by"),
                Field("ri_exception_agreed_on"),
                legend="Ofsted",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("qa_initial_visit_date"),
                Field("qa_latest_annual_visit_date"),
                legend="Council QA visits",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("specialisms"),
                Field.text("age_from", field_width=3),
                Field.text("age_to", field_width=3),
                Field.radios("genders"),
                Field.text("capacity", field_width=3),
                Field.text("vacancies", field_width=3),
                Field("vacancy_available_from"),
                legend="Who they can look after",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("referral_emails_text"),
                Field.text("phone", field_width=20),
                Field.textarea("notes"),
                legend="Contact",
                legend_size=Size.MEDIUM,
            ),
        )

    @staticmethod
    def category_field(category: Category) -> str:
        return f"category_{category.slug}"

    def clean_referral_emails_text(self):
        emails = parse_email_list(self.cleaned_data["referral_emails_text"])
        if not emails:
            raise forms.ValidationError("Enter at least one referral email address")
        return emails

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()

    def clean_postcode_district(self):
        district = "".join(self.cleaned_data["postcode_district"].split()).upper()
        if district and not POSTCODE_DISTRICT.fullmatch(district):
            raise forms.ValidationError(
                "Enter the postcode district as the part before the space, like LE1 or SW1A"
            )
        return district

    def clean_ofsted_urn(self):
        urn = self.cleaned_data["ofsted_urn"].strip().upper()
        if urn and Provider.objects.filter(ofsted_urn=urn).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another provider already has this Ofsted URN")
        return urn

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        age_from, age_to = cleaned.get("age_from"), cleaned.get("age_to")
        if age_from is not None and age_to is not None and age_from > age_to:
            self.add_error("age_to", "The oldest age must be the same as or more than the youngest")
        for name in ("age_from", "age_to"):
            if cleaned.get(name) is not None and cleaned[name] > 25:
                self.add_error(name, "Enter an age from 0 to 25")
        capacity, vacancies = cleaned.get("capacity"), cleaned.get("vacancies")
        if capacity is not None and vacancies is not None and vacancies > capacity:
            self.add_error("vacancies", "Vacancies cannot be more than the capacity")
        if cleaned.get("ri_exception_agreed_by") and not cleaned.get("ri_exception_agreed_on"):
            self.add_error("ri_exception_agreed_on", "Enter the date the RI exception was agreed")
        if cleaned.get("ri_exception_agreed_on") and not cleaned.get("ri_exception_agreed_by"):
            self.add_error("ri_exception_agreed_by", "Enter who agreed the RI exception")
        initial, annual = (
            cleaned.get("qa_initial_visit_date"),
            cleaned.get("qa_latest_annual_visit_date"),
        )
        if annual and not initial:
            self.add_error(
                "qa_initial_visit_date", "Enter the initial QA visit date before an annual visit"
            )
        elif initial and annual and annual < initial:
            self.add_error(
                "qa_latest_annual_visit_date", "The annual visit must be after the initial visit"
            )
        if not any(cleaned.get(self.category_field(c)) for c in self.categories):
            self.add_error(
                self.category_field(self.categories[0]) if self.categories else None,
                "Choose a framework status for at least one category the provider serves",
            )
        return cleaned

    def service_kwargs(self) -> dict:
        """What the provider services take, from the cleaned data."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["referral_emails"] = self.cleaned_data["referral_emails_text"]
        categories = {
            c: self.cleaned_data[self.category_field(c)]
            for c in self.categories
            if self.cleaned_data.get(self.category_field(c))
        }
        return {
            "values": values,
            "categories": categories,
            "specialisms": list(self.cleaned_data["specialisms"]),
            "areas": list(self.cleaned_data["areas"]),
        }


class SpecialismForm(GDSForm, forms.Form):
    name = forms.CharField(
        label="Specialism",
        max_length=120,
        error_messages={"required": "Enter the name of the specialism"},
    )
    is_active = forms.BooleanField(
        label="Offer this specialism when describing providers", required=False, initial=True
    )


class AreaForm(GDSForm, forms.Form):
    name = forms.CharField(
        label="Area or zone",
        max_length=100,
        error_messages={"required": "Enter the name of the area"},
    )
    districts = forms.CharField(
        label="Postcode districts",
        help_text="The part of a postcode before the space, separated by commas: LE1, LE2, LE67.",
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        error_messages={"required": "Enter at least one postcode district, like LE1"},
    )
    is_active = forms.BooleanField(
        label="In use: rounds may reach providers by this area", required=False, initial=True
    )
