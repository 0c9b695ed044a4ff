"""The award of a package: who is awarded each service (or, where the council allows,
home care's term time and holidays to one provider each), and why."""

from decimal import Decimal

from crispy_forms_gds.layout import Layout
from django import forms

from placements.fields import GovDateField
from placements.forms import GDSForm
from referrals.models import Service
from referrals.packages.schedule import row_label

from .models import PackageVariation
from .rules import Part
from .selectors import PackageAnswer

NOBODY = ""


class AwardForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why these providers?",
        help_text="For example: covers the whole pattern at the lowest cost; the only provider "
        "covering the mornings. This is kept in the referral's chronology.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why these providers are awarded the package"},
    )

    def __init__(self, *args, answers: dict[str, list[PackageAnswer]], split: bool, **kwargs):
        """`answers`: each service's answers to choose from; `split`: home care may go to
        two providers, term time and holidays."""
        super().__init__(*args, **kwargs)
        self.answers = {a.answer.pk: a.answer for rows in answers.values() for a in rows}
        self.services = list(answers)
        self.split = [s for s in self.services if split and s == Service.HOME_CARE]
        reason = self.fields.pop("reason")
        for service, rows in answers.items():
            label = Service(service).label.lower()
            choices = [(a.answer.pk, a.provider.name) for a in rows]
            self.fields[f"award_{service}"] = forms.TypedChoiceField(
                label=f"Who is awarded the {label}?",
                coerce=int,
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )
            if service in self.split:
                for period, when in (("term", "term time"), ("holiday", "the school holidays")):
                    self.fields[f"{period}_{service}"] = forms.TypedChoiceField(
                        label=f"Or split it: {when} to",
                        coerce=int,
                        empty_value=None,
                        choices=[(NOBODY, "Choose a provider"), *choices],
                        required=False,
                    )
        self.fields["reason"] = reason

    def clean(self):
        super().clean()
        data = self.cleaned_data
        parts = []
        for service in self.services:
            label = Service(service).label.lower()
            whole = data.get(f"award_{service}")
            term, holiday = data.get(f"term_{service}"), data.get(f"holiday_{service}")
            if term or holiday:
                if whole:
                    self.add_error(
                        f"award_{service}",
                        f"Award the {label} to one provider, or split it, not both",
                    )
                elif not (term and holiday):
                    self.add_error(
                        f"term_{service}" if not term else f"holiday_{service}",
                        "To split it, choose a provider for term time and one for the holidays",
                    )
                else:
                    parts += [
                        Part(self.answers[term], service, "term"),
                        Part(self.answers[holiday], service, "holiday"),
                    ]
            elif whole:
                parts.append(Part(self.answers[whole], service))
            else:
                self.add_error(f"award_{service}", f"Choose who is awarded the {label}")
        data["parts"] = parts
        return data


class VariationForm(GDSForm, forms.Form):
    """A change to a package in place: what, why, from when; the new hours of any day,
    or the days the provider can no longer cover."""

    kind = forms.ChoiceField(
        label="What has changed?",
        choices=PackageVariation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what has changed"},
    )
    reason = forms.CharField(
        label="What has changed, and why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say what has changed and why"},
    )
    effective_from = GovDateField(
        label_text="From",
        help_text="The first day it changes. When the family no longer needs the package, or "
        "the provider can no longer cover any of it, the day before is its last.",
        required=True,
        what="the date it changes from",
    )
    panel_date = GovDateField(
        label_text="Panel approval date (more hours only)",
        help_text="More hours are approved by the Resource Allocation Panel first.",
    )
    end_date = GovDateField(label_text="New end date (a new end date only)")

    def __init__(self, *args, rows, **kwargs):
        """`rows`: (slot, its hours now) for each day and time the provider covers."""
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.helper.layout = Layout(*self.fields)
        for slot, hours in rows:
            when = row_label(slot)
            self.fields[f"hours_{slot.pk}"] = forms.DecimalField(
                label=f"{when}: hours",
                initial=hours,
                min_value=Decimal("0.25"),
                max_digits=4,
                decimal_places=2,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"drop_{slot.pk}"] = forms.BooleanField(
                label=f"The provider can no longer cover {when}", required=False
            )

    def bound_rows(self):
        return [(slot, self[f"hours_{slot.pk}"], self[f"drop_{slot.pk}"]) for slot, _ in self.rows]

    def changes(self) -> tuple[dict[int, Decimal], list[int]]:
        """The rows whose hours were changed, and the rows ticked as dropped."""
        data = self.cleaned_data
        hours = {
            slot.pk: data[f"hours_{slot.pk}"]
            for slot, now in self.rows
            if data.get(f"hours_{slot.pk}") is not None and data[f"hours_{slot.pk}"] != now
        }
        dropped = [slot.pk for slot, _ in self.rows if data.get(f"drop_{slot.pk}")]
        return hours, dropped
