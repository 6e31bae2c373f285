"""Celery tasks: thin, they call services."""

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.deliver", acks_late=True)
def deliver(delivery_id: int) -> str:
    return services.deliver(delivery_id)


@shared_task(name="webhooks.sweep")
def sweep() -> dict[str, int]:
    return services.sweep()
