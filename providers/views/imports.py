"""Importing a spreadsheet into the directory: the upload page (and its sample files),
the preview that is confirmed or discarded, and a background import's progress page."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import run_action
from placements.permissions import Capability, capability_required
from placements.services import DomainError

from .. import selectors
from ..exporting import HEADERS
from ..forms.imports import ProviderImportUploadForm, SpecialismDecisionsForm
from ..importing.columns import COLUMN_GUIDANCE
from ..models import ProviderImport
from ..services import imports as import_services
from .exports import CONTENT_TYPES, sample_file
from .ofsted import ofsted_preview

SAMPLE_FILES = {
    extension: (f"sample-providers.{extension}", CONTENT_TYPES[extension])
    for extension in ("csv", "xlsx")
}


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    sample = request.GET.get("sample")
    if request.method == "GET" and sample:
        return sample_file(SAMPLE_FILES, sample)
    form = ProviderImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        provider_import = import_services.provider_import_create(
            filename=form.cleaned_data["file"].name,
            table=form.cleaned_data["table"],
            actor=request.user,
        )
        return redirect("providers:import-preview", pk=provider_import.pk)
    columns = [(header, COLUMN_GUIDANCE[header]) for header in HEADERS]
    return render(request, "providers/import_upload.html", {"form": form, "columns": columns})


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    action = request.POST.get("action") if request.method == "POST" else None
    try:
        provider_import = selectors.get_import_for_user(user=request.user, pk=pk)
    except Http404:
        confirmed = _confirmed_import(request.user, pk)
        if confirmed is not None and (
            confirmed.in_progress
            or (confirmed.kind == ProviderImport.Kind.OFSTED and confirmed.applied_at)
        ):
            return redirect("providers:import-progress", pk=pk)
        if confirmed is None or not action:
            raise
        # A second click on "Confirm" (or "Discard") after the first went through.
        done = "imported" if confirmed.status == ProviderImport.Status.APPLIED else "discarded"
        messages.info(request, f"This spreadsheet has already been {done}.")
        return redirect("providers:list")
    if action == "discard":
        return run_action(
            request,
            lambda: import_services.provider_import_discard(
                provider_import=provider_import, actor=request.user
            ),
            redirect_to=UPLOAD_PAGE[provider_import.kind],
            success="The spreadsheet was discarded. Nothing was changed.",
            refused_to="providers:list",
        )
    if provider_import.kind == ProviderImport.Kind.OFSTED:
        return ofsted_preview(request, provider_import, confirming=action == "confirm")
    result = selectors.import_result(provider_import)
    confirming = action == "confirm"
    form = SpecialismDecisionsForm(
        request.POST if confirming else None, unknown=result.unknown_specialisms
    )
    error = ""
    if confirming and (form.is_valid() or result.errors):
        # With errors in the file the service refuses whatever was chosen.
        decisions = form.decisions() if form.is_valid() else {}
        # Not submit_form: a refusal has several outcomes (under way, done meanwhile, or shown).
        try:
            confirmed = import_services.provider_import_confirm(
                provider_import=provider_import, specialism_decisions=decisions, actor=request.user
            )
        except DomainError as exc:
            provider_import.refresh_from_db(fields=["status"])
            if provider_import.in_progress:
                return redirect("providers:import-progress", pk=pk)
            if provider_import.status not in CONFIRMABLE:
                # A concurrent request (a double click) applied or discarded it meanwhile.
                messages.info(request, str(exc))
                return redirect("providers:list")
            error = str(exc)
        else:
            if confirmed.status != ProviderImport.Status.APPLIED:
                return redirect("providers:import-progress", pk=pk)
            messages.success(request, _applied_message(confirmed))
            return redirect("providers:list")
    return render(
        request,
        "providers/import_preview.html",
        {
            "provider_import": provider_import,
            "result": result,
            "form": form,
            "error": error,
            "in_background": provider_import.row_count > settings.PROVIDER_IMPORT_BACKGROUND_ROWS,
        },
    )


CONFIRMABLE = (ProviderImport.Status.PREVIEW, ProviderImport.Status.FAILED)
UPLOAD_PAGE: dict[str, str] = {
    ProviderImport.Kind.DIRECTORY: "providers:import",
    ProviderImport.Kind.OFSTED: "providers:ofsted",
}


def _confirmed_import(user, pk) -> ProviderImport | None:
    """The user's own import that was already confirmed or discarded, if that is what
    a repeated POST (or a look back at the preview) is about: a read kept here rather
    than in the 404 loader."""
    return (
        ProviderImport.objects.filter(pk=pk, uploaded_by=user)
        .exclude(status__in=CONFIRMABLE)
        .first()
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_GET
def import_progress(request, pk):
    """A background import: waiting, how far it has got, then what it did or why it
    failed. The page polls itself (htmx) while the import is under way."""
    provider_import = selectors.get_import_job_for_user(user=request.user, pk=pk)
    provider_import = import_services.provider_import_check_stalled(provider_import=provider_import)
    progress = selectors.import_progress(provider_import)
    state = f"{provider_import.status}:{progress.done}"
    context = {"provider_import": provider_import, "progress": progress, "state": state}
    if request.htmx:
        if request.GET.get("seen") == state:
            return HttpResponse(status=204)  # nothing new: the page (and its reader) stay put
        return render(request, "providers/_import_progress.html", context)
    return render(request, "providers/import_progress.html", context)


def _applied_message(provider_import: ProviderImport) -> str:
    created, updated = provider_import.created_count, provider_import.updated_count
    if not created and not updated:
        return "Import complete. Every provider in the spreadsheet was already up to date."
    parts = []
    if created:
        parts.append(f"{created} provider{'s' if created != 1 else ''} added")
    if updated:
        parts.append(f"{updated} provider{'s' if updated != 1 else ''} updated")
    return f"Import complete: {' and '.join(parts)}."
