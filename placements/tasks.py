from celery import shared_task

from . import services


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=12,
    acks_late=True,
)
def outbox_send(self, message_id: int) -> bool:
    return services.outbox_deliver(message_id=message_id)


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
