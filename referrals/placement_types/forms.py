"""The form for a kind of placement."""

from django import forms

from placements.forms import GDSForm
from providers.models import Category


class PlacementTypeForm(GDSForm, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={"required": "Enter the name of the placement type"},
    )
    category = forms.ModelChoiceField(
        label="Provider category searched for it",
        queryset=Category.objects.all(),
        required=False,
        empty_label="None",
    )
    is_in_house = forms.BooleanField(
        label="It is the council's own (in-house) provision", required=False
    )
    is_active = forms.BooleanField(
        label="Social workers can choose it",
        required=False,
        initial=True,
        help_text="Retire a type instead of deleting it: old referrals keep it.",
    )
