import datetime as dt

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from . import services

MAX_RETRIES = 12


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    # Below the outbox claim (OUTBOX_CLAIM_SECONDS), so a sender stuck on a hung SMTP
    # server gives up while it still holds the message; EMAIL_TIMEOUT comes first.
    soft_time_limit=90,
    time_limit=120,
)
def outbox_send(self, message_id: int, held_until: str | None = None) -> bool:
    """Send one outbox message, retrying with backoff. A failed attempt keeps the message
    claimed until its retry is due, and the retry takes the claim back."""
    last = self.request.retries >= MAX_RETRIES
    countdown = max(
        1,
        get_exponential_backoff_interval(
            factor=5, retries=self.request.retries, maximum=600, full_jitter=True
        ),
    )
    try:
        return services.outbox_deliver(
            message_id=message_id,
            held_until=dt.datetime.fromisoformat(held_until) if held_until else None,
            retry_in=None if last else countdown,
        )
    except services.OutboxSendFailed as failure:
        if last:
            raise  # the claim is let go: the sweep starts again later
        raise self.retry(
            args=(message_id,),
            # Set whenever a retry is due (retry_in was given above).
            kwargs={"held_until": failure.held_until.isoformat() if failure.held_until else None},
            countdown=countdown,
            exc=failure,
        ) from failure


@shared_task
def outbox_sweep() -> int:
    """Catch anything whose after-commit send was lost (worker or broker down)."""
    pending = services.outbox_pending_ids()
    for message_id in pending:
        outbox_send.delay(message_id)
    return len(pending)


@shared_task(acks_late=True)
def outbox_dispatch(message_ids: list[int]) -> int:
    """Fan a batch written in one go (a round) out to the senders, one task each."""
    for message_id in message_ids:
        outbox_send.delay(message_id)
    return len(message_ids)
