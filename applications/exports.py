"""A contest's applications as a spreadsheet: streamed CSV, or XLSX written to a temporary file.

Both read the rows in batches of 500 through a server-side cursor on PostgreSQL, as plain tuples
without Django's per-value converters (core.exports.raw_batches; organisation and nomination
joined, answers from the JSON column decoded once per row, file names read per batch), so the
number of queries grows with batches, not rows, and memory stays flat however many applications
a contest has. The writers (formula-safe cells, streaming) are core.exports'.
benchmarks/export.py times both against PostgreSQL's COPY of the same SELECT.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.regions import Region
from applications.models import Application, Attachment, IneligibilityReason
from contests.models import Contest, FormField
from core.exports import Batched, aware, csv_sheet_response, raw_batches, xlsx_sheet_response

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
    "arrived_at",
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
        # Withdrawn before it was ever submitted: still the applicant's own (issue 16).
        .exclude(state=Application.State.WITHDRAWN, submitted_at__isnull=True)
        .order_by("number", "pk")
        .values_list(*COLUMNS)
    )


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
            _("Arrived (%(zone)s)") % {"zone": self.contest.time_zone},
            _("Reason of ineligibility"),
            _("Screening note"),
            *[question.label for question in self.questions],
        ]

    def batches(self) -> Iterator[list[list[Any]]]:
        """Rows in batches of at most CHUNK: one query for the rows' batch, one for its file names
        (only when the form has file questions)."""
        regions = {value: str(label) for value, label in Region.choices}
        states = {value: str(label) for value, label in Application.State.choices}
        reasons = {value: str(label) for value, label in IneligibilityReason.choices}
        zone = ZoneInfo(self.contest.time_zone)
        readers = [self.reader(q) for q in self.questions]
        with_files = any(q.field_type == FormField.Type.FILE for q in self.questions)
        for records in raw_batches(export_rows(self.contest)):
            files: dict[int, dict[str, str]] = {}
            if with_files:
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
                arrived,
                reason,
                note,
                answers,
            ) in records:
                if isinstance(answers, str):  # the driver gives JSON as text
                    answers = json.loads(answers)
                if not isinstance(answers, dict):
                    answers = {}
                attached = files.get(pk, {})
                rows.append(
                    [
                        number,
                        title,
                        name,
                        regions.get(region, region),
                        settlement,
                        nomination,
                        states.get(state, state),
                        aware(submitted).astimezone(zone).replace(tzinfo=None) if submitted else None,
                        aware(arrived).astimezone(zone).replace(tzinfo=None) if arrived else None,
                        reasons.get(reason, reason),
                        note,
                        *[read(answers, attached) for read in readers],
                    ]
                )
            yield rows

    @classmethod
    def reader(cls, question: FormField) -> Callable[[dict, dict[str, str]], Any]:
        """The question's cell from a row's answers and file names (the question's type is looked
        at once per export, not once per row). The usual shape of each type's answer is read
        directly; anything else goes through `answer`, which gives the same cell for it."""
        key = question.key
        kind = question.field_type
        if kind == FormField.Type.FILE:
            return lambda answers, files: files.get(key, "")
        if kind == FormField.Type.NUMBER:
            return lambda answers, files: cls.answer(question, answers, files)
        if kind == FormField.Type.YES_NO:
            cells = {True: _("Yes"), False: _("No")}  # translated once per export

            def yes_no(answers: dict, files: dict[str, str]) -> Any:
                value = answers.get(key)
                return cells[value] if type(value) is bool else cls.answer(question, answers, files)

            return yes_no
        if kind == FormField.Type.MULTIPLE_CHOICE:

            def choices(answers: dict, files: dict[str, str]) -> Any:
                value = answers.get(key)
                if type(value) is list:
                    return "; ".join(map(str, value))
                return cls.answer(question, answers, files)

            return choices

        def read(answers: dict, files: dict[str, str]) -> Any:
            value = answers.get(key)
            # Most answers are text: returned as they are, as `answer` would.
            return value if type(value) is str else cls.answer(question, answers, files)

        return read

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


def csv_response(contest: Contest) -> StreamingHttpResponse:
    return csv_sheet_response(Table.of(contest), _filename(contest, "csv"))


def xlsx_response(contest: Contest) -> FileResponse:
    return xlsx_sheet_response(Table.of(contest), _filename(contest, "xlsx"), _("Applications"))
