from decimal import Decimal

from django import forms
from django.utils import timezone

from placements.fields import GovDateField, MoneyField
from placements.forms import GDSForm

from ..placement.in_force import to_penny
from .models import Invoice, InvoiceLine
from .rules import LONGEST_PERIOD_DAYS, MOST_HOURS, MOST_RATE, RATES, PackageTerms


class InvoiceLinesForm(GDSForm, forms.Form):
    """What an invoice claims: for the weekly fee, the other weekly costs and one-off
    costs."""

    weekly = MoneyField(
        label="Claimed for the weekly fee, for the whole period",
        what="the weekly fee claimed",
        required=False,
    )
    additional = MoneyField(
        label="Claimed for additional weekly costs (education, therapy, support, transport), "
        "for the whole period",
        what="the additional weekly costs claimed",
        required=False,
    )
    one_off = MoneyField(
        label="Claimed for one-off costs", what="the one-off costs claimed", required=False
    )
    one_off_description = forms.CharField(
        label="What the one-off costs are for", max_length=200, required=False
    )

    def clean(self):
        data = super().clean() or {}
        amounts = [data.get(name) for name in ("weekly", "additional", "one_off")]
        if not self.errors and all(amount is None for amount in amounts):
            self.add_error("weekly", "Enter what the invoice claims")
        if data.get("one_off") and not data.get("one_off_description", "").strip():
            self.add_error("one_off_description", "Say what the one-off costs are for")
        return data

    def lines(self) -> list[tuple[str, str, Decimal]]:
        data = self.cleaned_data
        found = []
        for name, kind, description in (
            ("weekly", InvoiceLine.Kind.WEEKLY, ""),
            ("additional", InvoiceLine.Kind.ADDITIONAL, ""),
            ("one_off", InvoiceLine.Kind.ONE_OFF, data.get("one_off_description", "")),
        ):
            if data.get(name) is not None:
                found.append((str(kind), description, data[name]))
        return found


class HoursLinesForm(GDSForm, forms.Form):
    """What a package's invoice claims: the hours delivered at each rate agreed, and the
    rate charged (the agreed rate to start with)."""

    def __init__(self, *args, rates: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.rates = rates
        for kind, label in RATES.items():
            if kind not in rates:
                continue
            self.fields[f"{kind}_hours"] = forms.DecimalField(
                label=f"{label} hours delivered",
                max_digits=7,
                decimal_places=2,
                min_value=Decimal("0.25"),
                max_value=MOST_HOURS,
                required=False,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}
                ),
                error_messages={
                    "invalid": f"Enter the {label.lower()} hours as a number, like 12.5",
                    "min_value": f"The {label.lower()} hours must be at least 0.25",
                    "max_value": f"The {label.lower()} hours must be {MOST_HOURS:,} or fewer",
                    "max_digits": f"The {label.lower()} hours are too many",
                    "max_whole_digits": f"The {label.lower()} hours are too many",
                    "max_decimal_places": f"Enter the {label.lower()} hours to two decimal "
                    "places at most",
                },
            )
            self.fields[f"{kind}_rate"] = MoneyField(
                label=f"{label} rate charged (£ an hour; agreed £{rates[kind]})",
                what=f"the {label.lower()} rate",
                required=False,
                initial=rates[kind],
                max_digits=7,
                max_value=MOST_RATE,
            )
            self.fields[f"{kind}_rate"].error_messages["max_value"] = (
                f"The {label.lower()} rate must be £{MOST_RATE} an hour or less"
            )

    def clean(self):
        data = super().clean() or {}
        if not self.rates:
            raise forms.ValidationError(
                "No hourly rate is agreed for this part of the package, so it cannot be "
                "invoiced: check its agreement"
            )
        given = False
        for kind, label in RATES.items():
            if kind not in self.rates:
                continue
            hours, rate = data.get(f"{kind}_hours"), data.get(f"{kind}_rate")
            if hours is not None:
                given = True
                if rate is None and f"{kind}_rate" not in self.errors:
                    self.add_error(f"{kind}_rate", f"Enter the {label.lower()} rate charged")
        first = next((f"{kind}_hours" for kind in RATES if kind in self.rates), None)
        if not self.errors and not given and first:
            self.add_error(first, "Enter the hours the invoice claims")
        return data

    def lines(self) -> list[tuple]:
        data = self.cleaned_data
        found: list[tuple] = []
        for kind, label in RATES.items():
            hours = data.get(f"{kind}_hours")
            if kind in self.rates and hours is not None:
                rate = data[f"{kind}_rate"]
                amount = to_penny(hours * rate)
                found.append((str(InvoiceLine.Kind.HOURS), label, amount, kind, hours, rate))
        return found


class PeriodFields(forms.Form):
    provider_reference = forms.CharField(
        label="The provider's invoice number",
        max_length=60,
        error_messages={"required": "Enter the provider's invoice number"},
    )
    period_start = GovDateField(label_text="Period from", required=True, what="the period's start")
    period_end = GovDateField(label_text="Period to", required=True, what="the period's end")

    def clean(self):
        data = super().clean() or {}
        first, last = data.get("period_start"), data.get("period_end")
        if first and first > timezone.localdate():
            self.add_error("period_start", "The period must have started")
        if first and last and last < first:
            self.add_error("period_end", "The period must end on or after it starts")
        elif first and last and (last - first).days + 1 > LONGEST_PERIOD_DAYS:
            self.add_error("period_end", f"An invoice covers {LONGEST_PERIOD_DAYS} days at most")
        return data


class PackageInvoiceForm(PeriodFields, HoursLinesForm):
    """A package's invoice: its number, the period, and the hours at each rate."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["provider_reference", "period_start", "period_end"])
        self.helper.layout = None


def invoice_form(placement, data=None, *, by_provider: bool = False):
    """The form for an invoice of `placement`: hours at its rates for a package. The
    provider's own says "your invoice number"."""
    form = (
        PackageInvoiceForm(data, rates=package_rates(placement))
        if placement.service
        else InvoiceForm(data)
    )
    if by_provider:
        form.fields["provider_reference"].label = "Your invoice number"
        form.fields["provider_reference"].error_messages["required"] = "Enter your invoice number"
    return form


def lines_form(placement, data=None):
    """The form for an invoice's corrected lines."""
    if placement.service:
        return HoursLinesForm(data, rates=package_rates(placement))
    return InvoiceLinesForm(data)


def package_rates(placement) -> dict[str, Decimal]:
    return PackageTerms.of(placement.package_terms or {}).rates


class InvoiceForm(PeriodFields, InvoiceLinesForm):
    """An invoice as the provider sent it: its number, the period, and what it claims."""

    field_order = ["provider_reference", "period_start", "period_end"]


class AbsenceForm(GDSForm, forms.Form):
    away_from = GovDateField(label_text="Away from", required=True, what="the first day away")
    away_to = GovDateField(
        label_text="Away to (the last day away)", required=True, what="the last day away"
    )

    def clean(self):
        data = super().clean() or {}
        first, last = data.get("away_from"), data.get("away_to")
        if first and last and last < first:
            self.add_error("away_to", "The last day away must be on or after the first")
        elif first and last and (last - first).days >= LONGEST_PERIOD_DAYS:
            self.add_error("away_to", "The days away must be in the invoice's period")
        return data


class InvoiceDecisionForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(
        label="What do you do with the invoice?",
        choices=[
            (Invoice.Status.APPROVED, "Approve what the agreement allows"),
            (Invoice.Status.QUERIED, "Query it with the provider"),
            (Invoice.Status.REJECTED, "Reject it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you do with the invoice"},
    )
    note = forms.CharField(
        label="For the provider (needed to query or reject; never the child's details)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class InvoiceImportForm(GDSForm, forms.Form):
    file = forms.FileField(
        label="Upload a spreadsheet of invoices",
        help_text="CSV or Excel (.xlsx), in the invoices layout: one invoice a row.",
        error_messages={"required": "Select a spreadsheet of invoices"},
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        return upload
