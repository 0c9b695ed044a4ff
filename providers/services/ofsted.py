"""Writing Ofsted's data into the directory: each setting it knows by URN gets its new
rating, inspection date and registration (with history, source "Ofsted import"), every
row read is kept as Ofsted's record of its setting (`OfstedSetting`), and a rating that
falls and a registration suspended or closed are told to the apps above
(`signals.ofsted_concerns`). It runs inside the import
job's transaction (`services.imports`): all of it, or none."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.services import DomainError

from ..importing.spreadsheet import table_from_json
from ..models import OfstedSetting, ProviderImport
from ..ofsted.checks import OfstedResult, ofsted_check
from ..signals import OfstedConcern, ofsted_concerns
from .directory import providers_fields_update

SOURCE = "Ofsted import"
# Rows written together, and how often the progress is reported.
CHUNK = 250
SETTING_FIELDS = [
    "name",
    "provision_type",
    "registration_status",
    "local_authority",
    "places",
    "owner",
    "inspection_date",
    "publication_date",
    "rating",
]


def ofsted_checked(job: ProviderImport) -> OfstedResult:
    """The rows kept at upload against the directory now, or DomainError when a row of a
    setting the directory knows cannot be read."""
    result = ofsted_check(table_from_json(job.table))
    if result.blocking:
        rows = ", ".join(str(row.number) for row in result.blocking[:10])
        more = " and more" if len(result.blocking) > 10 else ""
        raise DomainError(
            f"Rows {rows}{more} are about settings in the directory and cannot be read. "
            "Correct them in the file and upload it again"
        )
    return result


def ofsted_write(
    job: ProviderImport,
    result: OfstedResult,
    *,
    actor: User | None,
    progress: Callable[[int], None] | None = None,
) -> ProviderImport:
    """Write a checked Ofsted import; the caller's transaction makes it all or nothing."""
    by_row = {change.row.number: change for change in result.changes}
    for start in range(0, len(result.rows), CHUNK):
        chunk = [by_row[r.number] for r in result.rows[start : start + CHUNK] if r.number in by_row]
        providers_fields_update(
            values_by_provider={change.provider.pk: change.values for change in chunk},
            actor=actor,
            source=SOURCE,
        )
        concerns = [
            OfstedConcern.rating_fell(
                change.provider, str(change.values["ofsted_rating"]), change.row.inspection_date
            )
            for change in chunk
            if change.falls
        ] + [
            OfstedConcern.registration_stopped(
                change.provider, str(change.values["ofsted_registration_status"])
            )
            for change in chunk
            if change.stops_operating
        ]
        if concerns:
            ofsted_concerns.send(sender=ProviderImport, concerns=concerns)
        if progress is not None:
            progress(min(start + CHUNK, len(result.rows)))
    _settings_keep(job, result)
    if progress is not None:
        progress(len(result.rows))
    job.status = ProviderImport.Status.APPLIED
    job.applied_at = timezone.now()
    job.created_count, job.updated_count = 0, len(result.changes)
    job.summary = ofsted_summary(result)
    job.save(update_fields=["status", "applied_at", "created_count", "updated_count", "summary"])
    return job


def ofsted_summary(result: OfstedResult) -> dict[str, Any]:
    return {
        "changed": len(result.changes),
        "falls": len(result.falls),
        "stopped": len(result.stopped),
        "unchanged": result.unchanged,
        "unknown": len(result.unknown),
        "not_read": len(result.problems),
    }


def _settings_keep(job: ProviderImport, result: OfstedResult) -> None:
    """Ofsted's record of every setting read, new or updated, in a few statements."""
    now = timezone.now()
    records = [
        OfstedSetting(
            urn=row.urn,
            **{name: getattr(row, name) for name in SETTING_FIELDS},
            last_import=job,
            seen_at=now,
        )
        for row in result.rows
        if not row.problems
    ]
    OfstedSetting.objects.bulk_create(
        records,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["urn"],
        update_fields=[*SETTING_FIELDS, "last_import", "seen_at"],
    )


@transaction.atomic
def ofsted_setting_ignore(*, setting: OfstedSetting, ignore: bool, actor: User) -> OfstedSetting:
    """Stop listing a setting the directory does not know (or list it again)."""
    locked = OfstedSetting.objects.select_for_update().get(pk=setting.pk)
    locked.ignored_at = timezone.now() if ignore else None
    locked.ignored_by = actor if ignore else None
    locked.save(update_fields=["ignored_at", "ignored_by"])
    return locked
