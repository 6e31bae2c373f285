"""Spreadsheets for every app's exports: streamed CSV, or XLSX written to a temporary file.

An export is a `Sheet`: headers, and rows read in batches (`Batched` gives `rows()` from
`batches()`; `chunked` cuts an iterator of records into lists of at most CHUNK), so the number of
queries grows with batches, not rows, and memory stays flat however long the sheet is.

Every text cell that a spreadsheet could take for a formula (starting with =, +, -, @, a tab or
a carriage return) is written with a leading apostrophe: an applicant's `=HYPERLINK(...)` stays
text when an organiser opens the file.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Protocol, TypeVar

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation

from core.xlsx import write_sheet

CHUNK = 500
T = TypeVar("T")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """Text a spreadsheet will not evaluate: a leading apostrophe before formula characters."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


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


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return format(value, "f")  # a validated number: no formula can hide in it
    return neutralise(str(value))


def csv_lines(table: Sheet, language: str) -> Iterator[str]:
    """The BOM and the header, then one piece of text per batch of rows (fewer, larger chunks)."""
    with translation.override(language):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_csv_cell(h) for h in table.headers()])
        yield "\ufeff" + buffer.getvalue()  # the byte-order mark tells Excel the file is UTF-8
        for batch in table.batches():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerows([_csv_cell(value) for value in row] for row in batch)
            yield buffer.getvalue()


def csv_sheet_response(table: Sheet, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(table, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx_value(value: Any) -> Any:
    return neutralise(value) if isinstance(value, str) else value


def write_xlsx(table: Sheet, target, title: str) -> None:
    header = [_xlsx_value(h) for h in table.headers()]
    rows = ([_xlsx_value(value) for value in row] for row in table.rows())
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
