"""A Celery task whose database connection was killed (a server restart, a failover, an idle
timeout) reconnects instead of failing once: config.celery closes broken or expired connections
before and after each task. PostgreSQL: the connection is killed with pg_terminate_backend from a
second session, then a task runs in-process."""

import pytest
from django.db import OperationalError, connection
from django.db.utils import InterfaceError

from config.celery import close_stale_connections
from notifications.tasks import sweep_outbox
from tests.notifications.live import database_url, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def kill_my_connection() -> None:
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])

        def gone() -> bool:
            return not killer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()

        wait_for(gone, timeout=10, what="the killed backend to exit")


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set.")


@pytest.mark.parametrize(
    "persistent", [False, True], ids=["per-task connections", "persistent + health checks"]
)
def test_a_task_reconnects_after_its_connection_was_killed(postgres, monkeypatch, persistent):
    if persistent:  # CONN_MAX_AGE=None with health checks, as a production setting may have it
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
        monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    kill_my_connection()

    result = sweep_outbox.apply()

    # .result, not .get(): an in-process worker from another test may have set celery's
    # "never block on a result inside a task" guard in this process.
    assert result.successful(), result.traceback
    assert result.result == {"reclaimed": 0, "enqueued": 0}


def test_without_the_signal_handlers_the_same_task_fails_once(postgres, monkeypatch):
    """The control: what the handlers cure (persistent connection, the task's first query)."""
    from celery.signals import task_postrun, task_prerun

    connection.close()
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
    task_prerun.disconnect(close_stale_connections)
    task_postrun.disconnect(close_stale_connections)
    try:
        kill_my_connection()
        with pytest.raises((OperationalError, InterfaceError)):
            sweep_outbox.apply().maybe_throw()  # not .get(): see above
    finally:
        task_prerun.connect(close_stale_connections)
        task_postrun.connect(close_stale_connections)
        connection.close()
