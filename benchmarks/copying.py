"""Filling benchmark tables fast: COPY instead of INSERT (PostgreSQL)."""

import io

from django.db import connection


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY rows into a table (tab-separated text): far faster than INSERT for 400,000 scores."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        copy.write(buffer.getvalue())
