"""The forms of permission to search: the decision, evidence, funding, comments."""

from typing import cast

from django import forms
from django.utils import timezone

from placements.fields import GovDateField
from placements.forms import GDSForm
from referrals.models import AgreementEvidence, ExternalComment

AGREE, RETURN = "agree", "return"


class SearchDecisionForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[(AGREE, "Agree"), (RETURN, "Return to the social worker with reasons")],
        error_messages={"required": "Select whether you agree or are returning it"},
    )
    comments = forms.CharField(
        label="Comments",
        help_text="If you are returning it, say exactly what the social worker needs to change.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your comments"},
    )

    def __init__(self, *args, agree_label: str, allow_return: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(AGREE, agree_label)]
        if allow_return:
            choices.append((RETURN, "Return to the social worker with reasons"))
        cast(forms.ChoiceField, self.fields["decision"]).choices = choices


def _not_in_future(value, label):
    if value > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return value


class AgreementEvidenceForm(GDSForm, forms.Form):
    source = forms.ChoiceField(
        label="Who agreed the education or therapy?",
        choices=AgreementEvidence.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who agreed it"},
    )
    agreed_by = forms.CharField(
        label="Name and role of the person who agreed it",
        max_length=200,
        error_messages={"required": "Enter the name and role of the person who agreed it"},
    )
    agreed_on = GovDateField(label_text="Date agreed", required=True)

    def clean_agreed_on(self):
        return _not_in_future(self.cleaned_data["agreed_on"], "The date agreed")


class FundingApprovalForm(GDSForm, forms.Form):
    approved_by = forms.CharField(
        label="Approved by (name and role)",
        max_length=200,
        error_messages={"required": "Enter who gave the funding approval"},
    )
    weekly_amount = forms.DecimalField(
        label="Approved amount a week, in pounds",
        min_value=0.01,
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the approved amount a week",
            "invalid": "Enter the amount as a number, like 4500 or 4500.50",
            "min_value": "The approved amount must be more than £0",
            "max_decimal_places": "Enter the amount in pounds and pence, like 4500.50",
        },
    )
    approved_on = GovDateField(label_text="Date approved", required=True)

    def clean_approved_on(self):
        return _not_in_future(self.cleaned_data["approved_on"], "The date approved")


class ExternalCommentForm(GDSForm, forms.Form):
    source = forms.ChoiceField(
        label="Who is the comment from?",
        choices=ExternalComment.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the comment is from"},
    )
    name = forms.CharField(
        label="Their name", max_length=200, error_messages={"required": "Enter their name"}
    )
    comment = forms.CharField(
        label="Their comment",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter their comment"},
    )
