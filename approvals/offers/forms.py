"""The forms of the offers pages: negotiating a fee, overriding a flag, sending options,
the social worker's choice or refusal, no suitable options and the flexibility asked."""

from typing import cast

from django import forms

from placements.fields import MoneyField
from placements.forms import GDSForm, TextLimits

from .ranking import NEEDS_MATCH
from .rules import outscored_by


class NeedsMatchForm(GDSForm, forms.Form):
    score = forms.TypedChoiceField(
        label="How well does the offer meet the child's needs?",
        help_text="Read the pack's needs and outcomes against how the provider says it will "
        "meet them. This is part of the offer's quality score.",
        choices=[(str(n), label) for n, label in sorted(NEEDS_MATCH.items(), reverse=True)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how well the offer meets the child's needs"},
    )
    note = forms.CharField(
        label="Why (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


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
        responses = cast(forms.MultipleChoiceField, self.fields["responses"])
        responses.choices = [(pk, pk) for pk in self.offers]

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

    ranking_reason = forms.CharField(
        label="If you choose an option that scored lower than another: why",
        help_text="Each option's score on quality and cost is in the table above.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, options=(), has_in_house=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {str(option.pk): option for option in options}
        choice = cast(forms.ChoiceField, self.fields["option"])
        choice.choices = [
            (pk, f"Option {o.position}: {o.response.request.provider}")
            for pk, o in self.options.items()
        ]
        if not has_in_house:
            del self.fields["in_house_reason"]
        options_list = list(self.options.values())
        if not any(outscored_by(o, options_list) for o in options_list):
            del self.fields["ranking_reason"]  # no option scored lower than another

    def clean(self):
        super().clean()
        data = self.cleaned_data
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
        if (
            option is not None
            and "ranking_reason" in self.fields
            and outscored_by(option, list(self.options.values()))
            and not data.get("ranking_reason", "").strip()
        ):
            self.add_error(
                "ranking_reason",
                "Say why you are choosing this option over one that scored higher",
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
