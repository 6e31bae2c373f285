from celery import shared_task

from campaigns import services


@shared_task(name="campaigns.run_schedules")
def run_schedules() -> int:
    """Beat: make and open each schedule's campaigns whose opening day has come (idempotent)."""
    return len(services.run_schedules())
