"""Celery tasks: thin, they call services."""

from celery import shared_task

from notifications import services


@shared_task(name="notifications.deliver_batch", acks_late=True)
def deliver_batch(batch: str) -> int:
    ids = services.pending_ids_of_batch(batch)
    services.enqueue_messages(ids)
    return len(ids)


@shared_task(name="notifications.deliver_batches", acks_late=True)
def deliver_batches(batches: list[str]) -> int:
    ids = services.pending_ids_of_batches(batches)
    services.enqueue_messages(ids)
    return len(ids)


@shared_task(name="notifications.deliver_messages", acks_late=True)
def deliver_messages(ids: list[int]) -> dict[str, int]:
    return services.deliver_messages(ids)


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> dict[str, int]:
    return services.sweep()


@shared_task(name="notifications.send_reminders")
def send_reminders() -> int:
    from notifications import reminders

    return reminders.run_all()
