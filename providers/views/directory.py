"""The directory's pages: the list of providers (filtered), a provider's page with its
history, adding, editing, archiving and restoring a provider, and the specialisms."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import run_action, submit_form
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required, user_can
from placements.selectors import history_rows

from .. import selectors
from ..filters import ProviderFilter
from ..forms.directory import AreaForm, ProviderForm, SpecialismForm
from ..models import Area, Specialism
from ..services import directory as directory_services

PAGE_SIZE = 25


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@capability_required(Capability.VIEW_PROVIDERS)
@require_GET
def provider_list(request):
    provider_filter = ProviderFilter(
        request.GET, queryset=selectors.provider_list_queryset(), request=request
    )
    providers = (
        provider_filter.qs if provider_filter.is_valid() else provider_filter.queryset.none()
    )
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    council = CouncilSettings.for_request(request)
    rows = [(p, p.clearance(valid_months=council.qa_visit_valid_months)) for p in page]
    partial = request.htmx and not request.htmx.history_restore_request
    template = "providers/_results.html" if partial else "providers/provider_list.html"
    return render(
        request,
        template,
        {
            "filter": provider_filter,
            "page": page,
            "rows": rows,
            "querystring_without_page": _querystring_without_page(request),
            "can_manage": user_can(request.user, Capability.MANAGE_PROVIDERS),
        },
    )


@capability_required(Capability.VIEW_PROVIDERS)
@require_GET
def provider_detail(request, pk):
    provider = selectors.get_provider_for_user(user=request.user, pk=pk)
    council = CouncilSettings.for_request(request)
    return render(
        request,
        "providers/provider_detail.html",
        {
            "provider": provider,
            "clearance": provider.clearance(valid_months=council.qa_visit_valid_months),
            "history": history_rows(provider),
            "can_manage": user_can(request.user, Capability.MANAGE_PROVIDERS),
            "ofsted_record": selectors.ofsted_record(provider),
            **selectors.provider_kept(provider, council=council),
        },
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def provider_create(request):
    """A new provider; from the list of Ofsted's settings (`?ofsted=`), started with what
    Ofsted says of it."""
    setting = selectors.ofsted_setting_to_add(request.GET.get("ofsted"))
    form = ProviderForm(request.POST or None, initial=setting.provider_values() if setting else {})
    if done := submit_form(
        request,
        form,
        lambda data: directory_services.provider_create(
            **form.service_kwargs(), actor=request.user
        ),
        redirect_to=lambda provider: reverse("providers:detail", kwargs={"pk": provider.pk}),
        success=lambda provider: f"{provider.name} has been added to the directory.",
    ):
        return done
    return render(
        request,
        "providers/provider_form.html",
        {"form": form, "provider": None, "ofsted_setting": setting},
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def provider_edit(request, pk):
    provider = selectors.get_provider_for_user(user=request.user, pk=pk)
    form = ProviderForm(request.POST or None, instance=provider)
    if done := submit_form(
        request,
        form,
        lambda data: directory_services.provider_update(
            provider=provider, **form.service_kwargs(), actor=request.user
        ),
        redirect_to=reverse("providers:detail", kwargs={"pk": provider.pk}),
        success="Changes saved.",
    ):
        return done
    return render(request, "providers/provider_form.html", {"form": form, "provider": provider})


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def provider_archive(request, pk):
    provider = selectors.get_provider_for_user(user=request.user, pk=pk)
    restoring = provider.is_archived
    if request.method == "POST":
        action = (
            directory_services.provider_restore
            if restoring
            else directory_services.provider_archive
        )
        return run_action(
            request,
            lambda: action(provider=provider, actor=request.user),
            redirect_to=reverse("providers:detail", kwargs={"pk": provider.pk}),
            success=f"{provider.name} has been {'restored' if restoring else 'archived'}.",
        )
    return render(
        request, "providers/provider_archive.html", {"provider": provider, "restoring": restoring}
    )


# --- Specialisms -----------------------------------------------------------------


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def specialism_list(request):
    form = SpecialismForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda data: directory_services.specialism_create(name=data["name"], actor=request.user),
        redirect_to="providers:specialisms",
        success=lambda specialism: f"Specialism “{specialism.name}” added.",
        error_field="name",
    ):
        return done
    return render(
        request,
        "providers/specialism_list.html",
        {"form": form, "specialisms": Specialism.objects.all()},
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def specialism_edit(request, pk):
    specialism = get_object_or_404(Specialism, pk=pk)
    form = SpecialismForm(
        request.POST or None, initial={"name": specialism.name, "is_active": specialism.is_active}
    )
    if done := submit_form(
        request,
        form,
        lambda data: directory_services.specialism_update(
            specialism=specialism,
            name=data["name"],
            is_active=data["is_active"],
            actor=request.user,
        ),
        redirect_to="providers:specialisms",
        success="Specialism saved.",
        error_field="name",
    ):
        return done
    return render(
        request, "providers/specialism_form.html", {"form": form, "specialism": specialism}
    )


# --- Areas --------------------------------------------------------------------------


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def area_list(request):
    form = AreaForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda data: directory_services.area_save(
            name=data["name"], districts=data["districts"], actor=request.user
        ),
        redirect_to="providers:areas",
        success=lambda area: f"Area “{area.name}” added.",
        error_field="districts",
    ):
        return done
    return render(
        request,
        "providers/area_list.html",
        {"form": form, "areas": Area.objects.annotate(provider_count=Count("providers"))},
    )


@capability_required(Capability.MANAGE_PROVIDERS)
@require_http_methods(["GET", "POST"])
def area_edit(request, pk):
    area = get_object_or_404(Area, pk=pk)
    form = AreaForm(
        request.POST or None,
        initial={
            "name": area.name,
            "districts": ", ".join(area.districts),
            "is_active": area.is_active,
        },
    )
    if done := submit_form(
        request,
        form,
        lambda data: directory_services.area_save(
            area=area,
            name=data["name"],
            districts=data["districts"],
            is_active=data["is_active"],
            actor=request.user,
        ),
        redirect_to="providers:areas",
        success="Area saved.",
        error_field="districts",
    ):
        return done
    return render(request, "providers/area_form.html", {"form": form, "area": area})
