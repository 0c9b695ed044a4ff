"""Import and export of the provider directory (spreadsheets)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from placements.permissions import Capability, capability_required


@capability_required(Capability.VIEW_PROVIDERS)
@require_GET
def provider_export(request):
    raise Http404


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    return render(request, "404.html", status=404)


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def import_preview(request, pk):
    return HttpResponse(status=404)
