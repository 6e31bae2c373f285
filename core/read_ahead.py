"""Batches fetched by a helper thread while the caller works on the previous one.

An export spends about as long waiting for PostgreSQL to produce and send its rows as it spends
turning them into CSV or XLSX in Python; on a server-side cursor the two happen one after the
other. Fetched by a second thread (the driver releases the GIL while it waits on the socket), the
next batch travels while the current one is written: the export takes about the longer of the
two instead of their sum. At most `ahead` batches wait in memory.

Only for a cursor no one else uses meanwhile (psycopg cursors are not thread-safe; its connection
is, so the caller may run other queries on it between batches: they take turns).
"""

import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(fetch: Callable[[], list[T]], *, ahead: int = 2) -> Iterator[list[T]]:
    """The batches `fetch` returns until an empty one, fetched by a helper thread. Closing the
    iterator early (a client that stops reading) stops the thread before it returns, so the
    cursor may be closed right after; an error in `fetch` is raised here."""
    found: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                found.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            while not stop.is_set():
                batch = fetch()
                if not batch:
                    break
                if not put(batch):
                    return
        except BaseException as error:  # handed to the reader, which raises it
            put(error)
            return
        put(_DONE)

    thread = threading.Thread(target=work, name="export-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := found.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
