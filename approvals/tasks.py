from celery import shared_task

from .services import offers


@shared_task
def options_remind() -> int:
    """Every 15 minutes (beat): remind the social worker and the officer of options that
    have waited a working day for an answer."""
    return offers.options_remind_due()
