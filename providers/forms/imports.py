"""The forms of a spreadsheet import: the upload, and the administrator's choice for
each specialism the file names that the directory does not have."""

from collections.abc import Iterable

from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Layout
from django import forms
from django.conf import settings

from placements.forms import GDSForm

from ..importing.results import SpecialismDecision, UnknownSpecialism
from ..importing.spreadsheet import ImportFileError, read_spreadsheet
from ..importing.text import _and_list
from ..models import Specialism
from ..ofsted.reading import read_ofsted_file


class ProviderImportUploadForm(GDSForm, forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or Excel .xlsx)",
        help_text="CSV files must be saved as “CSV UTF-8”.",
        # ClearableFileInput is the widget crispy-forms-gds styles as govuk-file-upload.
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Select a CSV or Excel file to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True  # the page's form has its own token
        self.helper.layout = Layout(Field("file"))

    def read(self, content: bytes, name: str):
        return read_spreadsheet(content, name, max_rows=settings.PROVIDER_IMPORT_MAX_ROWS)

    max_bytes_setting = "PROVIDER_IMPORT_MAX_BYTES"

    def clean_file(self):
        """The size is checked before a byte is read; then the whole file must read as
        a provider spreadsheet. It is read here once: what it holds is kept as
        `cleaned_data["table"]` (rows are checked on the preview, not here)."""
        upload = self.cleaned_data["file"]
        limit = getattr(settings, self.max_bytes_setting)
        size = f"{limit / 1024 / 1024:g}MB" if limit >= 1024 * 1024 else f"{limit / 1024:g}KB"
        too_big = f"The selected file must be smaller than {size}"
        if upload.size > limit:
            raise forms.ValidationError(too_big)
        content = upload.read(limit + 1)
        if len(content) > limit:  # the size the browser declared was wrong
            raise forms.ValidationError(too_big)
        try:
            table = self.read(content, upload.name)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        self.cleaned_data["table"] = table
        return upload


class OfstedUploadForm(ProviderImportUploadForm):
    """Ofsted's published provider-level data, as Ofsted publishes it."""

    file = forms.FileField(
        label="Ofsted's data (CSV or ODS)",
        help_text="The provider-level data file as downloaded from Ofsted.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.ods,.xlsx"}),
        error_messages={
            "required": "Select Ofsted's CSV or ODS file to upload",
            "empty": "The selected file is empty",
        },
    )
    max_bytes_setting = "OFSTED_IMPORT_MAX_BYTES"

    def read(self, content: bytes, name: str):
        return read_ofsted_file(content, name, max_rows=settings.OFSTED_IMPORT_MAX_ROWS)


ADD_NEW, USE_EXISTING = "add", "existing"


class SpecialismDecisionsForm(GDSForm, forms.Form):
    """For each specialism the file names that the directory lacks: add it, or use an
    existing one instead. Every one must be decided before the import is applied."""

    def __init__(self, *args, unknown: Iterable[UnknownSpecialism], **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = list(unknown)
        existing = Specialism.objects.filter(is_active=True)
        layout = []
        for index, item in enumerate(self.unknown):
            rows = _and_list([str(n) for n in item.rows])
            action, target = self.field_names(index)
            self.fields[action] = forms.ChoiceField(
                label=f"What should happen to “{item.name}”?",
                help_text=f"Used on row{'s' if len(item.rows) > 1 else ''} {rows}.",
                choices=[
                    (ADD_NEW, f"Add “{item.name}” as a new specialism"),
                    (USE_EXISTING, "Use an existing specialism instead"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose what to do with “{item.name}”"},
            )
            self.fields[target] = forms.ModelChoiceField(
                queryset=existing,
                required=False,
                label=f"Existing specialism to use for “{item.name}”",
                empty_label="Choose a specialism",
            )
            layout.append(
                ConditionalRadios(
                    action,
                    f"Add “{item.name}” as a new specialism",
                    ConditionalQuestion("Use an existing specialism instead", target),
                )
            )
        self.helper.disable_csrf = True  # the page's form has its own token
        self.helper.layout = Layout(*layout)

    @staticmethod
    def field_names(index: int) -> tuple[str, str]:
        return f"specialism_{index}", f"specialism_{index}_existing"

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for index, item in enumerate(self.unknown):
            action, target = self.field_names(index)
            if cleaned.get(action) == USE_EXISTING and not cleaned.get(target):
                self.add_error(target, f"Choose the existing specialism to use for “{item.name}”")
        return cleaned

    def decisions(self) -> dict[str, SpecialismDecision]:
        decisions = {}
        for index, item in enumerate(self.unknown):
            action, target = self.field_names(index)
            use_existing = self.cleaned_data[action] == USE_EXISTING
            decisions[item.key] = SpecialismDecision(
                key=item.key,
                name=item.name,
                existing=self.cleaned_data[target] if use_existing else None,
            )
        return decisions
