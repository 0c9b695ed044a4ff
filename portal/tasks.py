from celery import shared_task

from . import services


@shared_task
def vacancies_confirm_ask() -> int:
    """Once a day: providers whose vacancies are going stale are asked to confirm them."""
    return services.vacancies_confirm_ask()


@shared_task
def sign_in_link_send(email: str) -> bool:
    """Email a sign-in link, if the address has an account."""
    return services.sign_in_link_send(email=email) is not None
