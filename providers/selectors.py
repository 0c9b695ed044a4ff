import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404

from placements.models import User
from placements.permissions import Capability, user_can

from .importing.checks import check_rows
from .importing.results import Directory, ImportResult
from .importing.spreadsheet import table_from_json
from .models import Provider, ProviderImport, provider_list_queryset

logger = logging.getLogger(__name__)


def get_provider_for_user(*, user: User, pk: int) -> Provider:
    """404 unless the user may see the directory (archived providers included)."""
    if not user_can(user, Capability.VIEW_PROVIDERS):
        raise Http404
    return get_object_or_404(provider_list_queryset(), pk=pk)


def get_import_for_user(*, user: User, pk: int) -> ProviderImport:
    """An import to check and confirm (or discard): one waiting for confirmation, or
    one that failed. An import is seen only by the administrator who uploaded it."""
    return get_object_or_404(
        ProviderImport.objects.filter(
            uploaded_by=user,
            status__in=[ProviderImport.Status.PREVIEW, ProviderImport.Status.FAILED],
        ),
        pk=pk,
    )


def get_import_job_for_user(*, user: User, pk: int) -> ProviderImport:
    """A confirmed import (waiting, running, applied or failed), for its progress page;
    again only for the administrator who uploaded it."""
    return get_object_or_404(
        ProviderImport.objects.filter(uploaded_by=user).exclude(
            status__in=[ProviderImport.Status.PREVIEW, ProviderImport.Status.DISCARDED]
        ),
        pk=pk,
    )


def import_result(provider_import: ProviderImport) -> ImportResult:
    """What the rows kept at upload would do to the directory as it is now."""
    return check_rows(table_from_json(provider_import.table), Directory.load())


@dataclass(frozen=True)
class ImportProgress:
    done: int | None  # None: not known (the count was lost with the cache)
    total: int

    @property
    def percent(self) -> int:
        return round(100 * (self.done or 0) / self.total) if self.total else 100


def import_progress(provider_import: ProviderImport) -> ImportProgress:
    """How many of its rows a background import has been through."""
    total = provider_import.row_count
    if provider_import.status == ProviderImport.Status.APPLIED:
        return ImportProgress(done=total, total=total)
    if provider_import.status != ProviderImport.Status.RUNNING:
        return ImportProgress(done=0, total=total)
    try:
        recorded = cache.get(provider_import.progress_key)
    except Exception:  # the cache is down: the page says it is importing, with no count
        logger.warning("Could not read the progress of provider import %s", provider_import.pk)
        recorded = None
    return ImportProgress(done=recorded["done"] if recorded else None, total=total)
