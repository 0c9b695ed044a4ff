from celery import shared_task

from referrals.search import scan


@shared_task
def search_scan() -> dict[str, int]:
    """Every 15 minutes (beat): chase silent providers, close rounds at their deadline."""
    return scan.search_scan()
