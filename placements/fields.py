import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django.core.exceptions import ValidationError


class GovDateField(DateInputField):
    """A GOV.UK date input (day, month, year) with GOV.UK error messages."""

    def __init__(self, *, label_text: str, required: bool = False, **kwargs):
        self.label_text = label_text
        kwargs.setdefault("label", label_text)
        super().__init__(required=required, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter {label_text.lower()}"
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
