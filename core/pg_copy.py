"""A SELECT streamed as CSV by PostgreSQL itself: `COPY (select) TO STDOUT (FORMAT csv)`.

For exports whose every cell the SELECT already formats (text neutralised, moments and numbers as
their final text): PostgreSQL writes the CSV, psycopg 3 reads it (`cursor.copy()`), and Python only
gathers the rows into larger chunks. The lines match core.exports' CSV writer: CRLF after every
row (COPY writes LF), every non-NULL text of `force_quote` columns quoted with its quotes doubled,
NULL as nothing, other values quoted only where they need it.

PostgreSQL sends exactly one CopyData message per row of a COPY TO, so each message read ends with
the row's LF and nothing else: replacing that last byte is all the line-ending conversion costs,
and an LF inside a quoted text stays as the Python writer leaves it.
"""

from collections.abc import Iterable, Iterator

from django.db import connections, transaction

CHUNK_BYTES = 1 << 16


def copy_csv(
    sql: str, params: Iterable, *, force_quote: Iterable[str] = (), using: str = "default"
) -> Iterator[bytes]:
    """The rows of `sql` (placeholders `%s`, as Django writes them) as UTF-8 CSV with CRLF line
    endings, in chunks of about CHUNK_BYTES. The connection is Django's: the COPY runs and is read
    while the generator is consumed, and ends (the cursor closed) when it is closed."""
    connection = connections[using]
    quote = connection.ops.quote_name
    options = "FORMAT csv"
    if columns := [quote(column) for column in force_quote]:
        options += f", FORCE_QUOTE ({', '.join(columns)})"
    # In a transaction of its own (a savepoint inside one): JIT off for it alone (for a SELECT of
    # many formatting expressions over tens of thousands of rows PostgreSQL spends longer
    # compiling them, most of a second, than it saves), and a client that stops reading (the
    # generator closed: psycopg cancels the COPY) rolls back only this, not an outer transaction.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT ({options})", params) as copy:
            rows: list = []
            size = 0
            for row in copy:
                rows.append(row[:-1])  # the row without its LF
                size += len(row)
                if size >= CHUNK_BYTES:
                    yield b"\r\n".join(rows) + b"\r\n"
                    rows, size = [], 0
            if rows:
                yield b"\r\n".join(rows) + b"\r\n"
