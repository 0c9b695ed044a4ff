"""The forms of the placement pages: the move date, sending and countersigning the
agreement, the provider's signature or signed copy, and feedback to the providers not
chosen."""

from decimal import Decimal

from django import forms

from placements.fields import GovDateField, MoneyField
from placements.forms import GDSForm
from placements.models import CouncilSettings
from placements.services import DomainError
from providers.models import ProviderType
from referrals.models import Referral
from referrals.pack.content import refuse_identifiers

from .in_force import FEES
from .models import (
    EndReason,
    PlaceCode,
    PlacementChange,
    PlacementReview,
    PlaceProviderCode,
    ProviderFeedback,
)


class MoveDateForm(GDSForm, forms.Form):
    start_date = GovDateField(label_text="Move date", required=True, what="the move date")

    def __init__(self, *args, package: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if package:
            self.fields["start_date"] = GovDateField(
                label_text="Start date", required=True, what="the date the support starts"
            )


class SendAgreementForm(GDSForm, forms.Form):
    """The button that sends the agreement to sign: no fields, but a form, so a step the
    rules refuse shows in the page's error summary."""


class CountersignAgreementForm(GDSForm, forms.Form):
    """The officer's countersignature: their name, role and a declaration worded like
    the provider's (for the council, whose name the declaration carries)."""

    name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    role = forms.CharField(
        label="Your role or job title",
        help_text="For example brokerage officer.",
        max_length=200,
        error_messages={"required": "Enter your role or job title"},
    )
    declaration = forms.BooleanField(
        error_messages={
            "required": "Confirm that you agree to the terms and may countersign for the council"
        },
    )

    def __init__(self, *args, declaration: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declaration"].label = declaration


class SignAgreementForm(GDSForm, forms.Form):
    name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    role = forms.CharField(
        label="Your role",
        help_text="For example registered manager.",
        max_length=200,
        error_messages={"required": "Enter your role"},
    )
    declaration = forms.BooleanField(
        label="I agree to the terms of this placement agreement and I may sign it for the provider",
        error_messages={
            "required": "Confirm that you agree to the terms and may sign for the provider"
        },
    )


class UploadAgreementForm(GDSForm, forms.Form):
    name = forms.CharField(
        label="Your full name", max_length=200, error_messages={"required": "Enter your full name"}
    )
    role = forms.CharField(
        label="Your role", max_length=200, error_messages={"required": "Enter your role"}
    )
    signed_copy = forms.FileField(
        label="The signed agreement, as a PDF",
        error_messages={
            "required": "Choose the signed agreement to upload",
            "empty": "The file you chose is empty",
        },
    )

    def clean_signed_copy(self):
        upload = self.cleaned_data["signed_copy"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The signed copy must be smaller than 10 MB")
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("The signed copy must be a PDF")
        return upload


class FeedbackRowForm(forms.Form):
    """Why one provider's offer was not taken: reasons from the list and a note, which
    must not name the child or family."""

    reasons = forms.MultipleChoiceField(
        choices=ProviderFeedback.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason"},
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, referral: Referral, council: CouncilSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral, self.council = referral, council

    def clean(self):
        super().clean()
        data = self.cleaned_data
        # Checked once the row is otherwise complete, so one message at a time.
        if not self.errors and data.get("note", "").strip():
            try:
                refuse_identifiers(
                    self.referral, data["note"], what="This note", council=self.council
                )
            except DomainError as refused:
                self.add_error("note", str(refused))
        return data


class FeedbackForm(forms.Form):
    """Feedback to every provider still owed it, sent at once: a row each. Valid when
    every row is; `entries` is what `feedback_send` takes."""

    def __init__(self, data=None, *, requests, referral: Referral, council: CouncilSettings):
        super().__init__(data)
        self.rows = [
            (
                request,
                FeedbackRowForm(data, prefix=f"p{request.pk}", referral=referral, council=council),
            )
            for request in requests
        ]

    def is_valid(self) -> bool:
        rows_valid = [form.is_valid() for _, form in self.rows]  # every row's errors
        return super().is_valid() and all(rows_valid)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        data["entries"] = [
            (request, form.cleaned_data["reasons"], form.cleaned_data["note"])
            for request, form in self.rows
            if form.is_valid()
        ]
        return data


class EndForm(GDSForm, forms.Form):
    """A placement's ending, as the children looked after return asks for it."""

    ended_on = GovDateField(
        label_text="When did it end, or when will it?",
        required=True,
        what="the date the placement ended",
    )
    planned = forms.ChoiceField(
        label="Was the ending planned?",
        choices=[("yes", "Yes, it was planned"), ("no", "No, it was not planned")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the ending was planned"},
    )
    reason = forms.ChoiceField(
        label="Why did it end?",
        choices=[("", "Choose a reason"), *EndReason.choices],
        error_messages={"required": "Choose why the placement ended"},
    )
    note = forms.CharField(
        label="What happened (needed if it was not planned, or for another reason)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    new_referral = forms.ChoiceField(
        label="If it was not planned: does the child need a new placement?",
        help_text="A new draft referral is started with the child's details and the people "
        "around them carried over, for the social worker to bring up to date.",
        choices=[("yes", "Yes, start a new referral"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("planned") == "no" and not data.get("new_referral"):
            self.add_error("new_referral", "Select whether the child needs a new placement")
        return data


class ReviewRequestForm(GDSForm, forms.Form):
    due_on = GovDateField(
        label_text="By when is the review needed?",
        required=True,
        what="the date the review is needed",
    )
    reason = forms.CharField(
        label="Why is a review needed?",
        help_text="For example: the child's needs have changed, or a concern about the care.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Say why a review is needed"},
    )


class ReviewRecordForm(GDSForm, forms.Form):
    """A review held: how the child is getting on with each outcome in the agreement."""

    held_on = GovDateField(
        label_text="When was the review held?", required=True, what="the date the review was held"
    )
    iro_comments = forms.CharField(
        label="The independent reviewing officer's comments",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )
    meets_needs = forms.ChoiceField(
        label="Does the placement meet the child's needs?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the placement meets the child's needs"},
    )
    needs_note = forms.CharField(
        label="How it does not meet them, and what is being done (needed if it does not)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )

    def __init__(self, *args, outcomes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        for n, outcome in enumerate(outcomes, start=1):
            self.fields[f"progress_{n}"] = forms.ChoiceField(
                label=f"Outcome {n}: {outcome}",
                choices=PlacementReview.Progress.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say how the child is getting on with outcome {n}"},
            )
            self.fields[f"note_{n}"] = forms.CharField(
                label=f"Note on outcome {n} (needed if it is not progressing)",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=4000,
            )
        self.order_fields(
            ["held_on"]
            + [f"{kind}_{n}" for n in range(1, len(outcomes) + 1) for kind in ("progress", "note")]
            + ["iro_comments", "meets_needs", "needs_note"]
        )

    def progress(self) -> list[tuple[str, str]]:
        return [
            (self.cleaned_data[f"progress_{n}"], self.cleaned_data[f"note_{n}"])
            for n in range(1, len(self.outcomes) + 1)
        ]


class ChangeForm(GDSForm, forms.Form):
    """A change to a placement in place: what changed, from when, why, and the fees or
    end date as they become."""

    kind = forms.ChoiceField(
        label="What has changed?",
        choices=PlacementChange.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has changed"},
    )
    effective_from = GovDateField(
        label_text="From when?", required=True, what="the date the change takes effect"
    )
    reason = forms.CharField(
        label="What has changed and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Say what has changed and why"},
    )
    weekly_fee = MoneyField(label="Weekly fee", what="the weekly fee", required=False)
    education_weekly = MoneyField(
        label="Education, a week", what="the weekly cost of education", required=False
    )
    therapy_weekly = MoneyField(
        label="Therapy, a week", what="the weekly cost of therapy", required=False
    )
    wraparound_weekly = MoneyField(
        label="Wraparound support, a week",
        what="the weekly cost of wraparound support",
        required=False,
    )
    transport_weekly = MoneyField(
        label="Transport, a week", what="the weekly cost of transport", required=False
    )
    end_date = GovDateField(
        label_text="The new end date (for a new end date)", required=False, what="the new end date"
    )

    def clean(self):
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == PlacementChange.Kind.END_DATE:
            if not data.get("end_date") and "end_date" not in self.errors:
                self.add_error("end_date", "Enter the new end date")
        elif kind and data.get("weekly_fee") is None and "weekly_fee" not in self.errors:
            self.add_error("weekly_fee", "Enter the weekly fee")
        return data

    def fees(self) -> dict:
        if self.cleaned_data["kind"] == PlacementChange.Kind.END_DATE:
            return {}
        return {
            name: self.cleaned_data[name] if self.cleaned_data[name] is not None else Decimal(0)
            for name in FEES
        }


class ChangeDecisionForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the new cost"), ("reject", "Reject it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    comments = forms.CharField(
        label="Comments (needed to reject)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class ReturnCodesForm(GDSForm, forms.Form):
    """Each directory type of provider's PLACE and PLACE_PROVIDER codes."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = list(ProviderType.choices)
        for value, label in self.types:
            code = current.get(value)
            self.fields[f"place_{value}"] = forms.ChoiceField(
                label=f"{label}: placement type (PLACE)",
                choices=[("", "Choose a code"), *PlaceCode.choices],
                initial=code.place if code else "",
                error_messages={"required": f"Choose the placement type code for {label}"},
            )
            self.fields[f"provider_{value}"] = forms.ChoiceField(
                label=f"{label}: provider (PLACE_PROVIDER)",
                help_text="The council's own placements are PR1 whatever this says.",
                choices=[("", "Choose a code"), *PlaceProviderCode.choices],
                initial=code.place_provider if code else "",
                error_messages={"required": f"Choose the provider code for {label}"},
            )

    def codes(self) -> dict[str, tuple[str, str]]:
        return {
            value: (self.cleaned_data[f"place_{value}"], self.cleaned_data[f"provider_{value}"])
            for value, _ in self.types
        }


class ReturnYearForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label="Year (1 April to 31 March)")

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(y, f"{y} to {y + 1}") for y in years]
