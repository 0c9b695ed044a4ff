"""Ofsted's data: the upload page (and its sample files), the preview of what it would
change (reached through the import's own preview address), and the settings Ofsted
lists that the directory does not know, to add or ignore."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.actions import run_action
from placements.permissions import Capability, capability_required
from placements.services import DomainError

from .. import selectors
from ..forms.imports import OfstedUploadForm
from ..models import OfstedSetting, ProviderImport
from ..ofsted.reading import COLUMNS
from ..services import imports as import_services
from ..services import ofsted as ofsted_services
from .exports import sample_file

SAMPLE_FILES = {
    "csv": ("sample-ofsted.csv", "text/csv"),
    "ods": ("sample-ofsted.ods", "application/vnd.oasis.opendocument.spreadsheet"),
}


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def ofsted_upload(request):
    sample = request.GET.get("sample")
    if request.method == "GET" and sample:
        return sample_file(SAMPLE_FILES, sample)
    form = OfstedUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        job = import_services.provider_import_create(
            filename=form.cleaned_data["file"].name,
            table=form.cleaned_data["table"],
            actor=request.user,
            kind=ProviderImport.Kind.OFSTED,
        )
        return redirect("providers:import-preview", pk=job.pk)
    return render(
        request,
        "providers/ofsted_upload.html",
        {"form": form, "columns": COLUMNS, "recent": selectors.ofsted_imports_recent()},
    )


def ofsted_preview(request, job: ProviderImport, *, confirming: bool):
    """What the Ofsted file would change, and its confirmation (from `import_preview`,
    which has loaded the job for its uploader)."""
    error = ""
    if confirming:
        try:
            confirmed = import_services.provider_import_confirm(
                provider_import=job, specialism_decisions={}, actor=request.user
            )
        except DomainError as exc:
            job.refresh_from_db(fields=["status"])
            if job.status in (ProviderImport.Status.PREVIEW, ProviderImport.Status.FAILED):
                error = str(exc)
            else:  # a double click: the first one is under way or done
                return redirect("providers:import-progress", pk=job.pk)
        else:
            if confirmed.status == ProviderImport.Status.APPLIED:
                messages.success(request, "Ofsted's data was imported.")
            return redirect("providers:import-progress", pk=confirmed.pk)
    result = selectors.ofsted_result(job)
    return render(
        request,
        "providers/ofsted_preview.html",
        {
            "provider_import": job,
            "result": result,
            "error": error,
            "in_background": job.row_count > settings.PROVIDER_IMPORT_BACKGROUND_ROWS,
        },
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_GET
def ofsted_settings(request):
    """Settings in Ofsted's data the directory does not know: to add, or to ignore."""
    ignored = request.GET.get("show") == "ignored"
    authority = request.GET.get("authority", "")
    settings_list = selectors.ofsted_settings_unknown(ignored=ignored, authority=authority)
    page = Paginator(settings_list, 50).get_page(request.GET.get("page"))
    shown = (("show", "ignored" if ignored else ""), ("authority", authority))
    filters = {name: value for name, value in shown if value}
    here = {**filters, **({"page": page.number} if page.number > 1 else {})}
    return render(
        request,
        "providers/ofsted_settings.html",
        {
            "page": page,
            "ignored": ignored,
            "authority": authority,
            "authorities": selectors.ofsted_authorities(),
            "querystring_without_page": urlencode(filters),
            "here": urlencode(here),
        },
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_POST
def ofsted_setting_ignore(request, pk):
    setting = get_object_or_404(OfstedSetting, pk=pk)
    ignore = request.POST.get("ignore") != "no"
    return run_action(
        request,
        lambda: ofsted_services.ofsted_setting_ignore(
            setting=setting, ignore=ignore, actor=request.user
        ),
        redirect_to=_settings_page(request),
        success=(
            f"{setting.name or setting.urn} will not be listed again."
            if ignore
            else f"{setting.name or setting.urn} is listed again."
        ),
    )


def _settings_page(request) -> str:
    """Back to the list as it was filtered (the form's address carries the filters)."""
    kept = {k: request.GET[k] for k in ("show", "authority", "page") if request.GET.get(k)}
    url = reverse("providers:ofsted-settings")
    return f"{url}?{urlencode(kept)}" if kept else url
