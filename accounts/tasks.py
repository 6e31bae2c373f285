"""Celery tasks of the accounts app: thin, they call the imports' services."""

from celery import shared_task


@shared_task
def run_import_job(job_id: int) -> str:
    from accounts.imports import run_job

    return run_job(job_id).state
