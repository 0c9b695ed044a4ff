import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError


class GovDateField(DateInputField):
    """A GOV.UK date input (day, month, year) with GOV.UK error messages."""

    def __init__(
        self, *, label_text: str, required: bool = False, what: str | None = None, **kwargs
    ):
        self.label_text = label_text
        kwargs.setdefault("label", label_text)
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter {what or label_text.lower()}"
        self.error_messages["incomplete"] = f"{label_text} must include a day, month and year"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = dt.date(day=int(day), month=int(month), year=int(year))
        except ValueError as error:
            raise ValidationError(f"{self.label_text} must be a real date") from error
        if value.year < 1900:
            raise ValidationError(f"{self.label_text} must be after 1900")
        return value


class MoneyField(forms.DecimalField):
    """Pounds and pence as people type them: “£4,500.50” is 4500.50."""

    def __init__(self, *, what: str, required: bool = True, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "decimal",
                    "spellcheck": "false",
                    "class": "govuk-input--width-10",
                }
            ),
        )
        super().__init__(required=required, **kwargs)
        self.error_messages.update(
            {
                "required": f"Enter {what}",
                "invalid": f"Enter {what} as an amount in pounds, like 850 or 850.50",
                "min_value": f"{what[0].upper()}{what[1:]} cannot be less than £0",
                "max_digits": f"{what[0].upper()}{what[1:]} is too large",
                "max_whole_digits": f"{what[0].upper()}{what[1:]} is too large",
                "max_decimal_places": f"Enter {what} in pounds and pence, like 850.50",
            }
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(",", "").strip()
        return super().to_python(value)
