"""core.read_ahead: batches come in order and complete, an error in the fetching thread reaches the
reader, and a reader that stops early stops the thread before the cursor could be closed. On
PostgreSQL the exports read through it (a real server-side cursor, more rows than one batch)."""

import threading

import pytest

from core.read_ahead import read_ahead


def batches_of(items: list[int], size: int):
    source = iter(range(0, len(items), size))
    calls = []

    def fetch() -> list[int]:
        calls.append(threading.current_thread().name)
        start = next(source, None)
        return [] if start is None else items[start : start + size]

    return fetch, calls


def test_every_batch_in_order_fetched_by_a_helper_thread() -> None:
    fetch, calls = batches_of(list(range(10)), 3)
    assert list(read_ahead(fetch)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert set(calls) == {"export-read-ahead"}  # never the reader's thread


def test_an_error_while_fetching_reaches_the_reader() -> None:
    answers = iter([[1], RuntimeError("connection lost")])

    def fetch():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    reader = read_ahead(fetch)
    assert next(reader) == [1]
    with pytest.raises(RuntimeError, match="connection lost"):
        next(reader)


def test_a_reader_that_stops_early_stops_the_thread_and_its_fetching() -> None:
    fetched = []

    def endless() -> list[int]:
        fetched.append(1)
        return [len(fetched)]

    reader = read_ahead(endless, ahead=2)
    assert next(reader) == [1]
    reader.close()  # a client that went away
    assert not any(t.name == "export-read-ahead" for t in threading.enumerate())
    stopped_at = len(fetched)
    assert stopped_at <= 1 + 2 + 1  # the one read, at most two waiting, one in the hands of put
    assert len(fetched) == stopped_at  # nothing fetched after closing


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_raw_batches_read_every_row_ahead_on_postgresql() -> None:
    from accounts.models import Organisation
    from core.exports import CHUNK, raw_batches

    Organisation.objects.bulk_create(Organisation(name=f"Бібліотека {i}") for i in range(CHUNK * 2 + 7))
    queryset = Organisation.objects.order_by("pk").values_list("pk", "name")
    batches = list(raw_batches(queryset))
    assert [len(batch) for batch in batches] == [CHUNK, CHUNK, 7]
    assert [tuple(row) for batch in batches for row in batch] == list(queryset)
