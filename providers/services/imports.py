"""A spreadsheet import as a job: kept at upload, confirmed (applied at once, or queued
for a worker when large), run, failed, found stalled, discarded. Every row is written
in one transaction or none, through the directory's own services: a provider
spreadsheet with source "import" (here), Ofsted's data with source "Ofsted import"
(`services.ofsted`).
"""

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from placements.models import User
from placements.services import DomainError

from ..importing.checks import check_rows
from ..importing.results import UNCHANGED, Directory, ImportResult, ImportRow, SpecialismDecision
from ..importing.spreadsheet import Table, table_from_json, table_to_json
from ..models import Provider, ProviderImport, Specialism
from .directory import _provider_set_archived, provider_create, provider_update, specialism_create
from .ofsted import OfstedResult, ofsted_checked, ofsted_write

logger = logging.getLogger(__name__)

# A background import reports how far it has got after every this many rows.
PROGRESS_EVERY = 25
# How long a background import's progress is kept (it is worth nothing once it is over).
PROGRESS_SECONDS = 24 * 60 * 60
# A worker killed mid-import has its message delivered again; a second death fails it.
MAX_ATTEMPTS = 2
# A running import whose row no worker holds this long after it started has lost its
# worker (killed, or its host gone): it is failed, so it can never be applied later.
STALLED_AFTER = dt.timedelta(minutes=2)

STOPPED = (
    "The import stopped before it finished. Nothing in the directory was changed. "
    "Check the spreadsheet and confirm it again"
)
TOO_LONG = (
    "The import took too long and was stopped. Nothing in the directory was changed. "
    "Split the spreadsheet into smaller files and import them one at a time"
)
UNEXPECTED = (
    "Something went wrong with the import. Nothing in the directory was changed. "
    "Check the spreadsheet and confirm it again"
)
NOT_QUEUED = (
    "The import could not be started. Nothing in the directory was changed. "
    "Try again in a few minutes"
)


@transaction.atomic
def provider_import_create(
    *,
    filename: str,
    table: Table,
    actor: User | None,
    kind: str = ProviderImport.Kind.DIRECTORY,
) -> ProviderImport:
    """Keep what an uploaded spreadsheet holds (read once, by the upload form) for its
    preview and its import; nothing touches the directory yet, and the file itself is
    not kept. `actor` None: an import from the server's command line."""
    return ProviderImport.objects.create(
        kind=kind,
        uploaded_by=actor,
        filename=filename[:255],
        table=table_to_json(table),
        row_count=len(table.rows),
    )


def _provider_import_lock(*, provider_import: ProviderImport, actor: User | None) -> ProviderImport:
    """The import, locked, if it may still be confirmed or discarded by `actor`: one
    waiting for confirmation, or one that failed (nothing of it was written)."""
    locked = ProviderImport.objects.select_for_update().get(pk=provider_import.pk)
    if locked.uploaded_by_id != (actor.pk if actor else None):
        raise DomainError("Only the person who uploaded this spreadsheet can import it")
    if locked.status == ProviderImport.Status.APPLIED:
        raise DomainError("This spreadsheet has already been imported")
    if locked.status == ProviderImport.Status.DISCARDED:
        raise DomainError("This spreadsheet was discarded. Upload it again to import it")
    if locked.in_progress:
        raise DomainError("This spreadsheet is already being imported")
    return locked


@transaction.atomic
def provider_import_apply(
    *,
    provider_import: ProviderImport,
    specialism_decisions: Mapping[str, SpecialismDecision],
    actor: User | None,
) -> ProviderImport:
    """Apply every row of a previewed spreadsheet now, in one transaction, or none.

    The rows kept at upload are checked again against the directory as it is now (it
    may have changed since the preview); any row error, or an unknown specialism
    without a decision, refuses the lot. `specialism_decisions` maps each unknown
    specialism's key to an `importing.SpecialismDecision`. History is recorded with
    source "import"."""
    locked = _provider_import_lock(provider_import=provider_import, actor=actor)
    result = _import_checked(locked, specialism_decisions)
    return _import_write(locked, result, specialism_decisions, actor=actor)


@transaction.atomic
def provider_import_confirm(
    *,
    provider_import: ProviderImport,
    specialism_decisions: Mapping[str, SpecialismDecision],
    actor: User,
) -> ProviderImport:
    """The uploader's confirmation. A spreadsheet of up to PROVIDER_IMPORT_BACKGROUND_ROWS
    rows is applied at once (`provider_import_apply`). A larger one is checked now, so a
    mistake shows on the preview, and queued for a worker (`provider_import_run`), which
    checks it again when it starts; its status says how it went."""
    locked = _provider_import_lock(provider_import=provider_import, actor=actor)
    result = _import_checked(locked, specialism_decisions)
    if locked.row_count <= settings.PROVIDER_IMPORT_BACKGROUND_ROWS:
        return _import_write(locked, result, specialism_decisions, actor=actor)
    locked.status = ProviderImport.Status.QUEUED
    locked.queued_at = timezone.now()
    locked.started_at = locked.failed_at = None
    locked.attempts, locked.error = 0, ""
    locked.specialism_decisions = {
        key: {"name": d.name, "existing": d.existing.pk if d.existing else None}
        for key, d in specialism_decisions.items()
    }
    locked.save()
    transaction.on_commit(partial(_provider_import_queue, locked.pk))
    return locked


def _provider_import_queue(import_id: int) -> None:
    # Tasks call services, so services reach the task only here, when an import is
    # queued: importing it at load would make the two modules import each other.
    from ..tasks import provider_import_run

    try:
        provider_import_run.delay(import_id)
    except Exception:  # the broker is down: say so rather than wait for ever
        logger.exception("Provider import %s could not be queued", import_id)
        provider_import_fail(import_id=import_id, message=NOT_QUEUED)


def provider_import_run(*, import_id: int) -> str:
    """A worker applies a queued import: every row in one transaction, or none.

    Progress (rows done of the total) goes to the cache, not the database: the rows
    are written in one transaction, and whatever that transaction writes, the progress
    page cannot see until it commits. A second database connection would show it, but
    on SQLite it waits on the import's own write lock, and it holds a connection for
    each running import; the cache (Redis in production) costs neither, and losing it
    loses only the count on the page. The import's row stays locked by the worker for
    the whole transaction, so a duplicate delivery waits and then finds it done, and a
    worker that died leaves it unlocked (`provider_import_check_stalled`)."""
    with transaction.atomic():
        job = ProviderImport.objects.select_for_update().filter(pk=import_id).first()
        if job is None or not job.in_progress:
            return job.status if job else "missing"  # done, failed or discarded already
        if job.attempts >= MAX_ATTEMPTS:  # its workers died twice: it will not finish
            _import_fail(job, STOPPED)
            return job.status
        job.status, job.started_at = ProviderImport.Status.RUNNING, timezone.now()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "attempts"])
    _progress_record(job, 0)
    try:
        with transaction.atomic():
            locked = ProviderImport.objects.select_for_update().get(pk=import_id)
            if locked.status != ProviderImport.Status.RUNNING:
                return locked.status  # given up as stalled meanwhile
            decisions = _decisions_from_json(locked.specialism_decisions)
            result = _import_checked(locked, decisions)
            _import_write(
                locked,
                result,
                decisions,
                actor=locked.uploaded_by,
                progress=partial(_progress_record, locked),
            )
    except DomainError as error:
        message = f"{error}. Nothing in the directory was changed"
    except SoftTimeLimitExceeded:
        message = TOO_LONG
    except Exception:
        logger.exception("Provider import %s failed", import_id)
        message = UNEXPECTED
    else:
        return ProviderImport.Status.APPLIED
    provider_import_fail(import_id=import_id, message=message)
    return ProviderImport.Status.FAILED


@transaction.atomic
def provider_import_fail(*, import_id: int, message: str) -> None:
    """Record that a background import did not happen (its transaction rolled back)."""
    job = ProviderImport.objects.select_for_update().get(pk=import_id)
    if job.in_progress:
        _import_fail(job, message)


def _import_fail(job: ProviderImport, message: str) -> None:
    job.status, job.error, job.failed_at = ProviderImport.Status.FAILED, message, timezone.now()
    job.save(update_fields=["status", "error", "failed_at"])


def provider_import_check_stalled(*, provider_import: ProviderImport) -> ProviderImport:
    """Fail a running import that no worker is applying any more.

    A worker holds the import's row lock for as long as it applies the rows; a worker
    that was killed lost it (and the database rolled its writes back). A running import
    whose row is free some minutes after it started is therefore not being applied:
    it is failed now, so a late redelivery of its task finds it failed and does nothing.
    Checked when its page is looked at; needs SKIP LOCKED (PostgreSQL)."""
    features = connection.features
    started_at = provider_import.started_at  # set with RUNNING, in the same save
    if (
        provider_import.status != ProviderImport.Status.RUNNING
        or started_at is None
        or started_at > timezone.now() - STALLED_AFTER
        or not features.has_select_for_update_skip_locked
    ):
        return provider_import
    with transaction.atomic():
        job = (
            ProviderImport.objects.select_for_update(skip_locked=True)
            .filter(pk=provider_import.pk, status=ProviderImport.Status.RUNNING)
            .first()
        )
        if job is not None:
            _import_fail(job, STOPPED)
    provider_import.refresh_from_db()
    return provider_import


def _progress_record(job: ProviderImport, done: int) -> None:
    try:
        cache.set(
            job.progress_key, {"done": done, "total": job.row_count}, timeout=PROGRESS_SECONDS
        )
    except Exception:  # the page shows no count; the import itself goes on
        logger.warning("Could not record the progress of provider import %s", job.pk)


def _decisions_from_json(data: Mapping[str, Any]) -> dict[str, SpecialismDecision]:
    wanted = [d["existing"] for d in data.values() if d["existing"] is not None]
    existing = Specialism.objects.in_bulk(wanted)
    decisions = {}
    for key, decision in data.items():
        chosen = None
        if decision["existing"] is not None:
            chosen = existing.get(decision["existing"])
            if chosen is None:
                raise DomainError(
                    f"The specialism chosen for “{decision['name']}” no longer exists"
                )
        decisions[key] = SpecialismDecision(key=key, name=decision["name"], existing=chosen)
    return decisions


def _import_checked(
    locked: ProviderImport, specialism_decisions: Mapping[str, SpecialismDecision]
) -> ImportResult | OfstedResult:
    """The kept rows checked against the directory now, or DomainError."""
    if locked.kind == ProviderImport.Kind.OFSTED:
        return ofsted_checked(locked)
    result = check_rows(table_from_json(locked.table), Directory.load())
    if result.errors:
        raise DomainError(
            "The spreadsheet has errors. Correct them in the spreadsheet and upload it again"
        )
    undecided = [u.name for u in result.unknown_specialisms if u.key not in specialism_decisions]
    if undecided:
        raise DomainError(
            "Choose what to do with each new specialism before importing: " + ", ".join(undecided)
        )
    return result


def _import_write(
    locked: ProviderImport,
    result: ImportResult | OfstedResult,
    specialism_decisions: Mapping[str, SpecialismDecision],
    *,
    actor: User | None,
    progress: Callable[[int], None] | None = None,
) -> ProviderImport:
    """Write a checked import's rows, reporting `progress(rows done)` every
    PROGRESS_EVERY rows. The caller's transaction makes it all or nothing."""
    if isinstance(result, OfstedResult):
        return ofsted_write(locked, result, actor=actor, progress=progress)
    resolved: dict[str, Specialism] = {}
    for unknown in result.unknown_specialisms:
        decision = specialism_decisions[unknown.key]
        if decision.existing is not None:
            resolved[unknown.key] = Specialism.objects.get(pk=decision.existing.pk)
        else:
            resolved[unknown.key] = specialism_create(name=unknown.name, actor=actor)
    created = updated = 0
    for done, row in enumerate(result.rows, start=1):
        if row.action != UNCHANGED:
            provider = _import_row(row, resolved, actor=actor)
            if row.provider is None:
                created += 1
            else:
                updated += 1
            if row.is_archived is not None and row.is_archived != provider.is_archived:
                _provider_set_archived(
                    provider=provider, archived=row.is_archived, actor=actor, source="import"
                )
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(len(result.rows))
    locked.status = ProviderImport.Status.APPLIED
    locked.applied_at = timezone.now()
    locked.created_count, locked.updated_count = created, updated
    locked.save(update_fields=["status", "applied_at", "created_count", "updated_count"])
    return locked


def _import_row(
    row: ImportRow, resolved: Mapping[str, Specialism], *, actor: User | None
) -> Provider:
    named = [*row.specialisms, *(resolved[key] for key in row.unknown_specialisms)]
    specialisms = list({s.pk: s for s in named}.values())  # a mapping may repeat one
    try:
        if row.provider is None:
            return provider_create(
                values=row.values,
                categories=row.categories,
                specialisms=specialisms,
                actor=actor,
                source="import",
            )
        return provider_update(
            provider=row.provider,
            values=row.values,
            categories=row.categories,
            specialisms=specialisms,
            actor=actor,
            source="import",
        )
    except ValidationError as error:
        raise DomainError(f"Row {row.number}: {' '.join(error.messages)}") from error
    except DomainError as error:
        raise DomainError(f"Row {row.number}: {error}") from error


@transaction.atomic
def provider_import_discard(*, provider_import: ProviderImport, actor: User) -> ProviderImport:
    locked = _provider_import_lock(provider_import=provider_import, actor=actor)
    locked.status = ProviderImport.Status.DISCARDED
    locked.save(update_fields=["status"])
    return locked
