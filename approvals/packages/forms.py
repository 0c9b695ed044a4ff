"""The award of a package: the answer chosen, and why."""

from django import forms

from placements.forms import GDSForm


class AwardForm(GDSForm, forms.Form):
    answer = forms.TypedChoiceField(
        label="Which provider is awarded the package?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the provider to award the package to"},
    )
    reason = forms.CharField(
        label="Why this provider?",
        help_text="For example: covers the whole pattern at the lowest cost; the only provider "
        "covering the mornings. This is kept in the referral's chronology.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why this provider is awarded the package"},
    )

    def __init__(self, *args, answers, **kwargs):
        """`answers`: the `PackageAnswer`s to choose from."""
        super().__init__(*args, **kwargs)
        field = self.fields["answer"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(a.answer.pk, a.provider.name) for a in answers]
