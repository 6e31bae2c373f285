"""Jobs racing each other in threads, each with its own database connection (PostgreSQL tests)."""

import threading
from collections.abc import Callable

from django.db import connection


def run_together(*jobs: Callable[[], object], timeout: float = 120) -> list[object]:
    """Each job in its own thread, released together by a barrier; its result or its exception."""
    results: list[object] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def worker(i: int, job: Callable[[], object]) -> None:
        try:
            start.wait(timeout=30)
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()  # each thread opened its own

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return results
