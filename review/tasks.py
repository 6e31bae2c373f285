"""Celery tasks of the review app: thin, they call the module that does the work."""

from celery import shared_task


@shared_task
def estimate_round(round_id: int, method: str) -> str:
    """The uncertainty of a large round's ranking (review.uncertainty), cached by its fingerprint."""
    from review.uncertainty import run_task

    return run_task(round_id, method)
