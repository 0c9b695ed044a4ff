from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from placements.permissions import Capability, user_can

from .models import Provider, ProviderCategory, ProviderImport


def provider_list_queryset() -> QuerySet[Provider]:
    """Every provider with what the list and export show, in a fixed number of queries."""
    return Provider.objects.prefetch_related(
        Prefetch(
            "provider_categories",
            queryset=ProviderCategory.objects.select_related("category"),
        ),
        "specialisms",
    ).order_by("name", "pk")


def get_provider_for_user(*, user, pk: int) -> Provider:
    """404 unless the user may see the directory (archived providers included)."""
    if not user_can(user, Capability.VIEW_PROVIDERS):
        raise Http404
    return get_object_or_404(provider_list_queryset(), pk=pk)


def get_import_for_user(*, user, pk: int) -> ProviderImport:
    """An import is seen only by the administrator who uploaded it."""
    return get_object_or_404(
        ProviderImport.objects.filter(uploaded_by=user, status=ProviderImport.Status.PREVIEW), pk=pk
    )
