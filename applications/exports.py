"""A contest's applications as a spreadsheet: streamed CSV, or XLSX written to a temporary file.

Both read the rows with `.iterator(chunk_size=500)` (organisation and nomination joined, answers
from the JSON column, file names prefetched per chunk), so the number of queries grows with
chunks, not rows, and memory stays flat however many applications a contest has. The writers
(formula-safe cells, streaming) are core.exports'.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from accounts.regions import Region
from applications.models import Application, Attachment, IneligibilityReason
from contests.models import Contest, FormField
from core.exports import CHUNK, Batched, chunked, csv_sheet_response, xlsx_sheet_response

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
            arrived,
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
                    self.contest.local(arrived).replace(tzinfo=None) if arrived else None,
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


def csv_response(contest: Contest) -> StreamingHttpResponse:
    return csv_sheet_response(Table.of(contest), _filename(contest, "csv"))


def xlsx_response(contest: Contest) -> FileResponse:
    return xlsx_sheet_response(Table.of(contest), _filename(contest, "xlsx"), _("Applications"))
