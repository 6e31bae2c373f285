"""Spreadsheets for every app's exports: streamed CSV, or XLSX written to a temporary file.

An export is a `Sheet`: headers, and rows read in batches (`Batched` gives `rows()` from
`batches()`; `chunked` cuts an iterator of records into lists of at most CHUNK), so the number of
queries grows with batches, not rows, and memory stays flat however long the sheet is.

Every text cell that a spreadsheet could take for a formula (starting with =, +, -, @, a tab or
a carriage return) is written with a leading apostrophe: an applicant's `=HYPERLINK(...)` stays
text when an organiser opens the file. Only text is checked, by its first character: numbers and
dates cannot start a formula.

Speed (benchmarks/export.py measures each export against PostgreSQL's COPY of its SELECT): CSV
lines are joined here rather than by the csv module, which copies text a character at a time;
every text is quoted, its quotes doubled (RFC 4180), so one `str.replace` is all it costs.
`raw_batches` reads a queryset's rows as the driver gives them, skipping Django's per-value
converters, and on PostgreSQL fetches the next batch while this one is written (`read_ahead`).
"""

import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Protocol, TypeVar

from django.db import connections
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation

from core.read_ahead import read_ahead
from core.xlsx import write_sheet

CHUNK = 500
T = TypeVar("T")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(FORMULA_STARTS)  # `text[:1] in` it: "" is not in it
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """Text a spreadsheet will not evaluate: a leading apostrophe before formula characters."""
    return f"'{text}" if text[:1] in FORMULA_FIRST else text


def chunked(rows: Iterable[T]) -> Iterator[list[T]]:
    """Rows in lists of at most CHUNK: the CSV writer makes one piece of text per list."""
    iterator = iter(rows)
    while batch := list(islice(iterator, CHUNK)):
        yield batch


class Batched:
    """`rows()` of the Sheet protocol, for sheets that read their rows in batches."""

    def batches(self) -> Iterator[list[list[Any]]]:
        raise NotImplementedError

    def rows(self) -> Iterator[list[Any]]:
        for batch in self.batches():
            yield from batch


class Sheet(Protocol):
    """What the writers below need: headers, and rows in batches."""

    def headers(self) -> list[str]: ...

    def batches(self) -> Iterator[list[list[Any]]]: ...

    def rows(self) -> Iterator[list[Any]]: ...


# --- CSV ----------------------------------------------------------------------------------


def _csv_text(text: str) -> str:
    if text[:1] in FORMULA_FIRST:
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'


def _csv_moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _csv_other(value: Any) -> str:
    if isinstance(value, datetime):
        return _csv_moment(value)
    return _csv_text(str(value))  # lazy translations, bools, anything else: as its text


# A cell's text by its exact type, one dict lookup per cell: numbers (a validated number: no
# formula can hide in it) go through C functions; bool is none of these types, so it is text.
CSV_CELLS: dict[type, Callable[[Any], str]] = {
    str: _csv_text,
    int: int.__repr__,
    float: float.__repr__,
    type(None): lambda _value: "",
    Decimal: lambda value: format(value, "f"),
    datetime: _csv_moment,
}


def _csv_cell(value: Any) -> str:
    return CSV_CELLS.get(value.__class__, _csv_other)(value)


def csv_text(rows: Iterable[list[Any]]) -> str:
    """CSV lines (CRLF, as the csv module writes them) of the rows."""
    cells = CSV_CELLS.get
    return "".join([",".join([cells(v.__class__, _csv_other)(v) for v in row]) + "\r\n" for row in rows])


def csv_lines(table: Sheet, language: str) -> Iterator[str]:
    """The BOM and the header, then one piece of text per batch of rows (fewer, larger chunks)."""
    with translation.override(language):
        # The byte-order mark tells Excel the file is UTF-8.
        yield "\ufeff" + csv_text([table.headers()])
        for batch in table.batches():
            yield csv_text(batch)


def raw_batches(queryset: QuerySet) -> Iterator[list[tuple]]:
    """The queryset's rows as the database driver gives them, in lists of at most CHUNK, through
    a server-side cursor on PostgreSQL (as `.iterator()` reads them) but without Django's
    per-value converters: for exports that convert each value once themselves. Values are what
    the driver returns: on SQLite datetimes are naive UTC (see `aware`) and JSON is text. On
    PostgreSQL a helper thread fetches the next batch while the caller works on this one."""
    connection = connections[queryset.db]
    sql, params = queryset.query.sql_with_params()
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _fast_moments(cursor.cursor)
        cursor.execute(sql, params)
        if connection.vendor == "postgresql" and server_side:
            # The next batch travels while the caller writes this one (core.read_ahead).
            yield from read_ahead(lambda: cursor.fetchmany(CHUNK))
        else:
            while batch := cursor.fetchmany(CHUNK):
                yield batch


def _fast_moments(cursor) -> None:
    """psycopg's own (C) loader for moments on this cursor only: Django's, a Python subclass that
    sets the connection's zone, costs about as much per moment as writing the rest of a row. The
    session's zone is Django's (UTC), so the moments are the same aware datetimes."""
    from psycopg.types.datetime import TimestamptzLoader

    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


def aware(moment: datetime) -> datetime:
    """A moment read by `raw_batches`: SQLite gives it naive, in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def csv_sheet_response(table: Sheet, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(table, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx_row(row: list[Any]) -> list[Any]:
    # Inline, not a call per cell: only text whose first character starts a formula changes.
    return [f"'{v}" if isinstance(v, str) and v[:1] in FORMULA_FIRST else v for v in row]


def write_xlsx(table: Sheet, target, title: str) -> None:
    header = [neutralise(str(h)) for h in table.headers()]
    rows = (_xlsx_row(row) for row in table.rows())
    write_sheet(target, title, chain([header], rows))


def xlsx_sheet_response(table: Sheet, filename: str, title: str) -> FileResponse:
    """Rows go to a temporary file as they are read (core.xlsx keeps no cells in memory), then
    the file streams out and is deleted when the response closes. `title` names the sheet."""
    temporary = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        write_xlsx(table, temporary, title)
        temporary.seek(0)
    except BaseException:
        temporary.close()
        raise
    response = FileResponse(temporary, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
