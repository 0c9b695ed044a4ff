"""Brokerage's forms before the search: the quality check, the action list's filters,
assigning, priority, next action and notes."""

from typing import cast

from django import forms
from django.utils import timezone

from placements.fields import GovDateField
from placements.forms import GDSForm, TextLimits
from placements.models import User
from referrals.models import Referral


class QAReturnForm(GDSForm, forms.Form):
    request_1 = forms.CharField(
        label="What does the social worker need to do?",
        help_text="One request a box, so they can see each one clearly.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter at least one thing the social worker needs to do"},
    )
    request_2 = forms.CharField(
        label="Another request (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    request_3 = forms.CharField(
        label="Another request (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def requests(self) -> list[str]:
        return [self.cleaned_data[f"request_{n}"] for n in (1, 2, 3)]


class QAAcceptForm(GDSForm, forms.Form):
    take_it = forms.BooleanField(
        label="Assign it to me",
        required=False,
        help_text="Otherwise the duty lead assigns it from the action list.",
    )


class QAAnswerForm(GDSForm, forms.Form):
    response = forms.CharField(
        label="What have you changed?",
        help_text="Brokerage reads this with the referral.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what you have changed for brokerage"},
    )


class ActionListFilterForm(TextLimits, forms.Form):
    show = forms.MultipleChoiceField(
        label="Show only", required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        show = cast(forms.MultipleChoiceField, self.fields["show"])
        show.choices = list(choices.items())


class AssignForm(GDSForm, forms.Form):
    officer: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label="Assigned officer", queryset=None, required=False, empty_label="Nobody"
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        officer = cast(forms.ModelChoiceField, self.fields["officer"])
        officer.queryset = officers


class PriorityForm(GDSForm, forms.Form):
    priority = forms.TypedChoiceField(
        label="Priority",
        choices=Referral.Priority.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a priority"},
    )


class NextActionForm(GDSForm, forms.Form):
    next_action = forms.CharField(
        label="Next action",
        max_length=300,
        error_messages={
            "required": "Enter the next action",
            "max_length": "The next action must be 300 characters or fewer",
        },
    )
    due = GovDateField(label_text="Due date")

    def clean_due(self):
        due = self.cleaned_data.get("due")
        if due and due < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return due


class NoteForm(GDSForm, forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[("note", "A note"), ("call", "A call")],
        widget=forms.RadioSelect,
        initial="note",
        error_messages={"required": "Select a note or a call"},
    )
    text = forms.CharField(
        label="What happened",
        help_text="For example: Called Horizon Fostering, no answer, left a message.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what happened"},
    )


class AlertCloseForm(GDSForm, forms.Form):
    note = forms.CharField(
        label="What was done",
        help_text="For example: Spoke to the social worker; the placement is stable and "
        "the provider's action plan is being followed. Review in four weeks.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was done about the alert"},
    )
