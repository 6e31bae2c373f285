"""The Celery application. Embedded mode runs tasks eagerly (see settings)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("konkurs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_stale_connections(**kwargs) -> None:
    """Before and after each task, as Django does around each request: drop a connection that is
    broken (killed by the server, a failover) or past CONN_MAX_AGE, so the task reconnects instead
    of failing once. Also for tasks run in-process (eager), where Celery's own Django fix-up does
    nothing; never inside a transaction (a task run eagerly by its caller's commit hook in a test).
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
