"""The administrator's side of provider accounts: organisations and who may sign in,
providers' changes waiting for approval, and the documents providers keep."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import submit_form
from placements.permissions import Capability, capability_required

from .. import selectors
from ..forms.accounts import ChangeDecisionForm, OrganisationForm
from ..models import Organisation, ProviderChangeRequest
from ..services import accounts


@capability_required(Capability.MANAGE_PROVIDERS)
@require_GET
def organisation_list(request):
    return render(
        request,
        "providers/organisation_list.html",
        {"organisations": selectors.organisations_listed()},
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk=None):
    organisation = get_object_or_404(Organisation, pk=pk) if pk else None
    initial = {}
    if organisation:
        initial = {
            "name": organisation.name,
            "emails": "\n".join(organisation.emails.values_list("email", flat=True)),
            "references": "\n".join(organisation.settings.values_list("reference", flat=True)),
            "is_active": organisation.is_active,
        }
    form = OrganisationForm(request.POST if request.method == "POST" else None, initial=initial)
    if done := submit_form(
        request,
        form,
        lambda data: accounts.organisation_save(
            name=data["name"],
            emails=data["emails"],
            references=data["references"],
            is_active=data["is_active"],
            organisation=organisation,
            actor=request.user,
        ),
        redirect_to="providers:organisations",
        success=lambda saved: f"{saved.name}'s account is saved.",
    ):
        return done
    return render(
        request,
        "providers/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_GET
def change_list(request):
    return render(
        request,
        "providers/change_list.html",
        {"changes": selectors.provider_changes_waiting()},
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def change_decide(request, pk):
    change = get_object_or_404(
        ProviderChangeRequest.objects.select_related("provider"),
        pk=pk,
        status=ProviderChangeRequest.Status.PENDING,
    )
    form = ChangeDecisionForm(request.POST if request.method == "POST" else None)
    if done := submit_form(
        request,
        form,
        lambda data: accounts.change_request_decide(
            change=change,
            approve=data["decision"] == "approve",
            reason=data["reason"],
            actor=request.user,
        ),
        redirect_to=reverse("providers:changes"),
        success=lambda decided: f"The change to {decided.provider.name} is {decided.status}.",
    ):
        return done
    return render(request, "providers/change_decide.html", {"change": change, "form": form})


@capability_required(Capability.VIEW_PROVIDERS)
@require_GET
def document_file(request, pk, document_pk):
    provider = selectors.get_provider_for_user(user=request.user, pk=pk)
    document = get_object_or_404(provider.documents, pk=document_pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{provider.reference}-{document.kind}.pdf",
        content_type="application/pdf",
    )
