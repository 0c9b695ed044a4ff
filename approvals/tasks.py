"""The approvals app's scheduled tasks. Celery finds an app's tasks in its `tasks`
module, and the beat schedule names them by this path."""

from celery import shared_task

from .offers.services.options import options_remind_due


@shared_task
def options_remind() -> int:
    """Every 15 minutes (beat): remind the social worker and the officer of options that
    have waited a working day for an answer."""
    return options_remind_due()
