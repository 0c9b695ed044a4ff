from celery import shared_task

from . import services


@shared_task
def vacancies_confirm_ask() -> int:
    """Once a day: providers whose vacancies are going stale are asked to confirm them."""
    return services.vacancies_confirm_ask()
