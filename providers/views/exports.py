"""The directory as a spreadsheet: every provider the list's filters match, as CSV or
Excel, in the format the import reads (`exporting.HEADERS`); and the sample files the
import pages offer."""

from collections.abc import Mapping
from pathlib import Path

from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.http import require_GET

from placements.permissions import Capability, capability_required

from .. import exporting, selectors
from ..filters import ProviderFilter

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def sample_file(files: Mapping[str, tuple[str, str]], extension: str) -> FileResponse:
    """One of the shipped sample files (`files`: extension → (name, content type)), as a
    download; 404 for any other."""
    if extension not in files:
        raise Http404
    name, content_type = files[extension]
    return FileResponse(
        (SAMPLES / name).open("rb"), as_attachment=True, filename=name, content_type=content_type
    )


@capability_required(Capability.VIEW_PROVIDERS)
@require_GET
def provider_export(request):
    """Every provider the list's filters match (not just one page), as CSV or Excel."""
    file_format = request.GET.get("format", "csv")
    if file_format not in CONTENT_TYPES:
        return HttpResponseBadRequest("Choose format=csv or format=xlsx")
    provider_filter = ProviderFilter(request.GET, queryset=selectors.provider_list_queryset())
    providers = (
        provider_filter.qs if provider_filter.is_valid() else provider_filter.queryset.none()
    )
    rows = (exporting.provider_row(provider) for provider in providers)
    write = exporting.write_xlsx if file_format == "xlsx" else exporting.write_csv
    response = HttpResponse(write(rows), content_type=CONTENT_TYPES[file_format])
    filename = exporting.export_filename(file_format, on=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
