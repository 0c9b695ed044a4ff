from django import forms

from placements.forms import GDSForm
from referrals.models import CarerMatch, MatchConsultation

from .siblings import child_names


class ViewForm(GDSForm, forms.Form):
    view = forms.ChoiceField(
        label="Are you happy with the match?",
        choices=[
            (CarerMatch.View.HAPPY, "Yes, I am happy with the match"),
            (CarerMatch.View.NOT_HAPPY, "No, I am not happy with the match"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you are happy with the match"},
    )
    note = forms.CharField(
        label="What you discussed with the carers (needed if you are not happy)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class ConsultationForm(GDSForm, forms.Form):
    answer = forms.ChoiceField(
        label="What did they say?",
        choices=[
            (MatchConsultation.Answer.NO_CONCERNS, "They have no concerns"),
            (MatchConsultation.Answer.CONCERNS, "They have concerns"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what they said"},
    )
    note = forms.CharField(
        label="Their concerns, or a note",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )


class MatchingForm(GDSForm, forms.Form):
    needs = forms.CharField(
        label="The child's needs",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Describe the child's needs"},
    )
    skills = forms.CharField(
        label="The carers' skills and experience to meet them",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Describe the carers' skills and experience to meet them"},
    )
    support = forms.CharField(
        label="Support the carers will need (optional)",
        help_text="Training, respite, a supervising social worker's visits, therapy.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
    )


class EndForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why is the match not going ahead?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Say why the match is not going ahead"},
    )


class RaiseForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why can the children not all be placed together?",
        help_text="For example: no home has room for all of them, or their plans differ.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Say why the children cannot all be placed together"},
    )


class TogetherForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why can the children now be placed together?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        error_messages={"required": "Say why the children can be placed together"},
    )


class PlanForm(GDSForm, forms.Form):
    """Each child's group: a number from 1 to the number of children."""

    note = forms.CharField(
        label="Why should they be grouped this way?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Say why the children should be grouped this way"},
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = children
        choices = [(str(n), f"Group {n}") for n in range(1, len(children) + 1)]
        for child, name in zip(children, child_names(children), strict=True):
            self.fields[f"child_{child.pk}"] = forms.ChoiceField(
                label=f"Which group is {name} in?",
                choices=[("", "Choose a group"), *choices],
                error_messages={"required": f"Choose {name}'s group"},
            )
        # The children's groups first, then why.
        self.order_fields([*(f"child_{child.pk}" for child in children), "note"])

    def groups(self) -> list[list[int]]:
        by_number: dict[str, list[int]] = {}
        for child in self.children:
            by_number.setdefault(self.cleaned_data[f"child_{child.pk}"], []).append(child.pk)
        return [by_number[number] for number in sorted(by_number, key=int)]


class DecideForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(
        label="Do you agree who should stay with whom?",
        choices=[("agree", "Yes, I agree"), ("return", "No, send it back to the social worker")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree"},
    )
    comment = forms.CharField(
        label="Comment (needed if you send it back)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
