"""A contest's applications as a spreadsheet: streamed CSV, or XLSX written to a temporary file.

Both read the rows with `.iterator(chunk_size=500)` (organisation and nomination joined, answers
from the JSON column, file names prefetched per chunk), so the number of queries grows with
chunks, not rows, and memory stays flat however many applications a contest has.

Every text cell that a spreadsheet could take for a formula (starting with =, +, -, @, a tab or
a carriage return) is written with a leading apostrophe: an applicant's `=HYPERLINK(...)` stays
text when an organiser opens the file.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import chain, islice
from typing import Any, Protocol, TypeVar

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.regions import Region
from applications.models import Application, Attachment, IneligibilityReason
from contests.models import Contest, FormField
from core.xlsx import write_sheet

CHUNK = 500
T = TypeVar("T")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """Text a spreadsheet will not evaluate: a leading apostrophe before formula characters."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


COLUMNS = (
    "pk",
    "number",
    "title",
    "organisation__name",
    "organisation__region",
    "organisation__settlement",
    "nomination__title",
    "state",
    "submitted_at",
    "ineligibility_reason",
    "screening_note",
    "answers",
)


def export_rows(contest: Contest) -> QuerySet:
    """The contest's applications (not drafts) as tuples of COLUMNS, in number order.

    Plain tuples, not model instances: the export reads each row once, and building ten
    thousand instances (with their joined organisations) would cost more than writing them.
    """
    return (
        Application.objects.filter(contest=contest)
        .exclude(state=Application.State.DRAFT)
        .order_by("number", "pk")
        .values_list(*COLUMNS)
    )


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
    """What the writers below need: headers, and rows in batches (the review scores export is one too)."""

    def headers(self) -> list[str]: ...

    def batches(self) -> Iterator[list[list[Any]]]: ...

    def rows(self) -> Iterator[list[Any]]: ...


@dataclass
class Table(Batched):
    """Headers and rows of one contest's export. Cells are str, Decimal, datetime or None."""

    contest: Contest
    questions: list[FormField]

    @classmethod
    def of(cls, contest: Contest) -> "Table":
        return cls(contest, list(FormField.objects.filter(contest=contest).order_by("order", "pk")))

    def headers(self) -> list[str]:
        return [
            _("Registration number"),
            _("Project title"),
            _("Organisation"),
            _("Region"),
            _("Settlement"),
            _("Nomination"),
            _("State"),
            _("Submitted (%(zone)s)") % {"zone": self.contest.time_zone},
            _("Reason of ineligibility"),
            _("Screening note"),
            *[question.label for question in self.questions],
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        """Rows in batches of at most CHUNK: one query for the rows' chunk, one for its file names
        (only when the form has file questions)."""
        for records in chunked(export_rows(self.contest).iterator(chunk_size=CHUNK)):
            yield self._rows(records)

    def _rows(self, records: list[tuple]) -> list[list[Any]]:
        regions = {value: str(label) for value, label in Region.choices}
        states = {value: str(label) for value, label in Application.State.choices}
        reasons = {value: str(label) for value, label in IneligibilityReason.choices}
        files: dict[int, dict[str, str]] = {}
        if any(q.field_type == FormField.Type.FILE for q in self.questions):
            for application_id, key, name in Attachment.objects.filter(
                application_id__in=[record[0] for record in records]
            ).values_list("application_id", "field_key", "original_name"):
                files.setdefault(application_id, {})[key] = name
        rows = []
        for (
            pk,
            number,
            title,
            name,
            region,
            settlement,
            nomination,
            state,
            submitted,
            reason,
            note,
            answers,
        ) in records:
            rows.append(
                [
                    number,
                    title,
                    name,
                    regions.get(region, region),
                    settlement,
                    nomination,
                    states.get(state, state),
                    self.contest.local(submitted).replace(tzinfo=None) if submitted else None,
                    reasons.get(reason, reason),
                    note,
                    *[self.answer(q, answers, files.get(pk, {})) for q in self.questions],
                ]
            )
        return rows

    @staticmethod
    def answer(question: FormField, answers: dict, files: dict[str, str]) -> Any:
        if question.field_type == FormField.Type.FILE:
            return files.get(question.key, "")
        value = answers.get(question.key) if isinstance(answers, dict) else None
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        if question.field_type == FormField.Type.NUMBER:
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                return str(value)
            if number.is_finite():
                return number
        return str(value)


def _filename(contest: Contest, extension: str) -> str:
    return f"contest-{contest.pk}-applications.{extension}"


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


def csv_response(contest: Contest) -> StreamingHttpResponse:
    return csv_sheet_response(Table.of(contest), _filename(contest, "csv"))


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


def write_xlsx(table: Sheet, target, title: str | None = None) -> None:
    header = [_xlsx_value(h) for h in table.headers()]
    rows = ([_xlsx_value(value) for value in row] for row in table.rows())
    write_sheet(target, title or _("Applications"), chain([header], rows))


def xlsx_response(contest: Contest) -> FileResponse:
    return xlsx_sheet_response(Table.of(contest), _filename(contest, "xlsx"))


def xlsx_sheet_response(table: Sheet, filename: str, title: str | None = None) -> FileResponse:
    """Rows go to a temporary file as they are read (core.xlsx keeps no cells in memory), then
    the file streams out and is deleted when the response closes."""
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
