from celery import shared_task

from .services import imports


@shared_task(
    acks_late=True,
    # 2,000 rows (PROVIDER_IMPORT_MAX_ROWS) take well under a minute; past ten the
    # import is rolled back and failed with a message saying so.
    soft_time_limit=600,
    time_limit=660,
)
def provider_import_run(import_id: int) -> str:
    """Apply a confirmed provider spreadsheet too large to import in the request."""
    return imports.provider_import_run(import_id=import_id)
