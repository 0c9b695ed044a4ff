from celery import shared_task

from .services import search


@shared_task
def search_scan() -> dict[str, int]:
    """Every 15 minutes (beat): chase silent providers, close rounds at their deadline."""
    return search.search_scan()
