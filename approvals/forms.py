from django import forms

from placements.fields import GovDateField, MoneyField
from placements.forms import GDSForm, TextLimits
from placements.roles import Role

# --- Offers to placement --------------------------------------------------------------


class FeeRevisionForm(GDSForm, forms.Form):
    weekly_fee = MoneyField(label="Negotiated weekly fee", what="the negotiated weekly fee")

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_weekly_fee(self):
        fee = self.cleaned_data["weekly_fee"]
        if fee <= 0:
            raise forms.ValidationError("The negotiated weekly fee must be more than £0")
        if self.current is not None and fee >= self.current:
            raise forms.ValidationError(
                f"The negotiated weekly fee must be lower than the fee now, £{self.current:,.2f}"
            )
        return fee

    note = forms.CharField(
        label="What was agreed, and with whom",
        help_text="For example “Pat Jones, registered manager, agreed by phone on 24 November”.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say what was agreed, and with whom"},
    )


class FlagOverrideForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why this offer can go to the social worker",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Give the reason for overriding the flag"},
    )


class ShortlistForm(TextLimits, forms.Form):
    responses = forms.MultipleChoiceField(
        label="Offers to send",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one offer to send to the social worker"},
    )
    note = forms.CharField(
        label="Note to the social worker (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {str(offer.pk): offer for offer in offers}
        self.fields["responses"].choices = [(pk, pk) for pk in self.offers]

    def chosen(self) -> list:
        return [self.offers[pk] for pk in self.cleaned_data["responses"]]


class OptionChoiceForm(GDSForm, forms.Form):
    option = forms.ChoiceField(
        label="Which option do you choose?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the option you choose"},
    )
    rationale = forms.CharField(
        label="How this option meets the child's needs",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Say how this option meets the child's needs"},
    )
    in_house_reason = forms.CharField(
        label="If you choose an external option: why the in-house option does not meet the "
        "child's needs",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, options=(), has_in_house=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {str(option.pk): option for option in options}
        self.fields["option"].choices = [
            (pk, f"Option {o.position}: {o.response.request.provider}")
            for pk, o in self.options.items()
        ]
        if not has_in_house:
            del self.fields["in_house_reason"]

    def clean(self):
        data = super().clean()
        option = self.options.get(data.get("option", ""))
        if (
            option is not None
            and not option.is_in_house
            and "in_house_reason" in self.fields
            and not data.get("in_house_reason", "").strip()
        ):
            self.add_error(
                "in_house_reason",
                "Say why the in-house option does not meet the child's needs",
            )
        return data


class DeclineOptionsForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why none of the options meets the child's needs",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Say why none of the options meets the child's needs"},
    )


class NoSuitableOptionsForm(GDSForm, forms.Form):
    why = forms.CharField(
        label="Why none of the offers is suitable",
        help_text="The social worker reads this and is asked where there is flexibility.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Say why none of the offers is suitable"},
    )


class FlexibilityForm(GDSForm, forms.Form):
    answer = forms.CharField(
        label="Where is there flexibility?",
        help_text="For example the area, the type of placement, the timing, or what the "
        "placement must offer. Say if there is none.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Say where there is flexibility, or that there is none"},
    )


APPROVE, REJECT, RETURN_COSTS = "approve", "reject", "return"


class CostDecisionForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            (APPROVE, "Approve the cost"),
            (RETURN_COSTS, "Return to brokerage with comments (they may negotiate and ask again)"),
            (REJECT, "Reject: brokerage must find another option"),
        ],
        error_messages={"required": "Select approve, return or reject"},
    )
    comments = forms.CharField(
        label="Comments (needed to return or reject)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in (REJECT, RETURN_COSTS) and not data.get("comments", "").strip():
            self.add_error("comments", "Give your comments for the officer and the social worker")
        return data


class MoveDateForm(GDSForm, forms.Form):
    start_date = GovDateField(label_text="Move date", required=True, what="the move date")


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


class CostBandsForm(GDSForm, forms.Form):
    """A new version of the bands: up to four rows of (from, role)."""

    in_force_from = GovDateField(
        label_text="In force from (the start of this day)",
        required=True,
        what="the day the bands come into force",
    )
    note = forms.CharField(
        label="Why the bands change",
        max_length=300,
        error_messages={"required": "Say why the bands change"},
    )

    ROWS = 4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [("", "Not used")] + [
            (r.value, r.label) for r in (Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR)
        ]
        for n in range(1, self.ROWS + 1):
            self.fields[f"from_{n}"] = MoneyField(
                label=f"Band {n} starts at (£ a week)",
                what=f"where band {n} starts",
                required=False,
            )
            self.fields[f"role_{n}"] = forms.ChoiceField(
                label=f"Band {n} is approved by", choices=roles, required=False
            )

    def clean(self):
        data = super().clean()
        bands = []
        for n in range(1, self.ROWS + 1):
            start, role = data.get(f"from_{n}"), data.get(f"role_{n}")
            if f"from_{n}" in self.errors or f"role_{n}" in self.errors:
                continue  # already said what is wrong with this band
            if start is None and not role:
                continue
            if start is None:
                self.add_error(f"from_{n}", f"Enter where band {n} starts")
            elif not role:
                self.add_error(f"role_{n}", f"Select who approves band {n}")
            else:
                bands.append((start, role))
        if not bands and not self.errors:
            raise forms.ValidationError("Enter at least one band")
        data["bands"] = bands
        return data
