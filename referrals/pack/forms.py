"""Checking the pack: a passage edited, a flag accepted, a word allowed."""

from django import forms

from placements.forms import GDSForm, TextLimits


class PassageForm(GDSForm, forms.Form):
    text = forms.CharField(
        label="What providers will read",
        help_text="Names, addresses and other details the referral knows about are taken "
        "out again when you save.",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )


class FlagAcceptForm(TextLimits, forms.Form):
    reason = forms.CharField(
        label="Why is it safe to send?",
        max_length=500,
        error_messages={"required": "Say why this word is safe to send to providers"},
    )
    remember = forms.BooleanField(
        label="Allow it in every pack: it is never personal (a place the council allows, "
        "a brand, a service)",
        required=False,
    )


class AllowedWordForm(TextLimits, forms.Form):
    word = forms.CharField(
        label="Word or phrase",
        max_length=200,
        error_messages={"required": "Enter the word or phrase to allow"},
    )
    reason = forms.CharField(
        label="Why is it safe to send to providers?",
        max_length=500,
        error_messages={"required": "Say why this word is safe to send to providers"},
    )
