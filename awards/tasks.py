"""Celery tasks: thin, they call services."""

from celery import shared_task

from awards import certificates


@shared_task(name="awards.issue_documents")
def issue_documents(run_id: int) -> str:
    run = certificates.run_issue(run_id)
    return f"{run.state} {run.done}/{run.total}"
