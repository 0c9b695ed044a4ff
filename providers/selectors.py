import logging
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from placements.models import CouncilSettings, User
from placements.permissions import Capability, user_can

from .importing.checks import check_rows
from .importing.results import Directory, ImportResult
from .importing.spreadsheet import table_from_json
from .models import (
    OfstedSetting,
    Organisation,
    Provider,
    ProviderChangeRequest,
    ProviderImport,
    provider_list_queryset,
)
from .ofsted.checks import OfstedResult, ofsted_check

logger = logging.getLogger(__name__)


def get_provider_for_user(*, user: User, pk: int) -> Provider:
    """404 unless the user may see the directory (archived providers included)."""
    if not user_can(user, Capability.VIEW_PROVIDERS):
        raise Http404
    return get_object_or_404(provider_list_queryset(), pk=pk)


def ofsted_record(provider: Provider) -> OfstedSetting | None:
    """What Ofsted's latest imported data says of the provider's setting, if any."""
    if not provider.ofsted_urn:
        return None
    return OfstedSetting.objects.filter(urn=provider.ofsted_urn.upper()).first()


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


def ofsted_result(provider_import: ProviderImport) -> OfstedResult:
    """What the Ofsted rows kept at upload would do to the directory as it is now."""
    return ofsted_check(table_from_json(provider_import.table))


def ofsted_imports_recent(limit: int = 5) -> QuerySet[ProviderImport]:
    """The latest Ofsted imports applied, from the page or the command line."""
    return (
        ProviderImport.objects.filter(
            kind=ProviderImport.Kind.OFSTED, status=ProviderImport.Status.APPLIED
        )
        .select_related("uploaded_by")
        .order_by("-applied_at")[:limit]
    )


def ofsted_settings_unknown(*, ignored: bool, authority: str = "") -> QuerySet[OfstedSetting]:
    """Settings in Ofsted's data that no provider in the directory has the URN of: those
    still to add or ignore, or (`ignored`) those an administrator chose to ignore."""
    known = Provider.objects.exclude(ofsted_urn="").filter(ofsted_urn__iexact=OuterRef("urn"))
    settings = OfstedSetting.objects.filter(~Exists(known), ignored_at__isnull=not ignored)
    if authority:
        settings = settings.filter(local_authority=authority)
    return settings.select_related("ignored_by").order_by("local_authority", "name", "urn")


def ofsted_setting_to_add(pk: str | None) -> OfstedSetting | None:
    """A setting of Ofsted's data to start a new provider from (none for a bad pk)."""
    if not pk or not pk.isdigit():
        return None
    return OfstedSetting.objects.filter(pk=int(pk)).first()


def ofsted_authorities() -> list[str]:
    return list(
        OfstedSetting.objects.exclude(local_authority="")
        .order_by("local_authority")
        .values_list("local_authority", flat=True)
        .distinct()
    )


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


def organisations_listed() -> QuerySet[Organisation]:
    return Organisation.objects.prefetch_related("emails", "settings").order_by("name")


def provider_changes_waiting() -> QuerySet[ProviderChangeRequest]:
    return (
        ProviderChangeRequest.objects.filter(status=ProviderChangeRequest.Status.PENDING)
        .select_related("provider")
        .order_by("requested_at")
    )


def provider_kept(provider: Provider, *, council: CouncilSettings) -> dict[str, Any]:
    """What the provider keeps through its account, for its page in the directory."""
    return {
        "declared": list(provider.declared.select_related("category")),
        # Shown beside the date it was last confirmed, when there is one.
        "vacancies_stale": provider.vacancies_stale(council.vacancy_confirm_days),
        "documents": list(provider.documents.filter(replaced_at__isnull=True)),
        "pending_change": provider.change_requests.filter(
            status=ProviderChangeRequest.Status.PENDING
        ).first(),
        "today": timezone.localdate(),
    }
