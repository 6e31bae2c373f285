"""A round's scores as a spreadsheet for organisers: one row per submitted review.

One query whatever the number of reviews: the scores are pivoted into one column per criterion by
conditional aggregation (MAX(value) FILTER (criterion = …)) and read through `.iterator()`, a
server-side cursor on PostgreSQL. The total is the ranking's (`ranking.total_of`). The writers,
and their protection from formula injection, are core.exports'.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from contests.models import Criterion
from core import formats
from core.exports import CHUNK, Batched, chunked, csv_sheet_response, xlsx_sheet_response
from review.models import Review, Round
from review.ranking import display_scale, total_of
from review.selectors import round_applications, round_criteria

COLUMNS = (
    "application__number",
    "application__title",
    "application__organisation__name",
    "application__nomination__title",
    "juror__user__full_name",
    "juror__user__email",
    "state",
    "submitted_at",
    "overall_comment",
)
TOTAL_PLACES = Decimal("0.0001")


def _number(value: float | int | None) -> Decimal | None:
    # Numbers go out as Decimal: the writers print them as numbers, never as text to neutralise.
    if value is None:
        return None
    return Decimal(value).quantize(TOTAL_PLACES) if isinstance(value, float) else Decimal(value)


@dataclass
class ScoresTable(Batched):
    """Headers and rows of a round's scores (cells are str, Decimal, datetime or None)."""

    round: Round
    criteria: list[Criterion]

    @classmethod
    def of(cls, round_: Round) -> "ScoresTable":
        return cls(round_, list(round_criteria(round_)))

    def headers(self) -> list[str]:
        low, high = display_scale(self.criteria)
        return [
            _("Registration number"),
            _("Project title"),
            _("Organisation"),
            _("Nomination"),
            _("Juror"),
            _("Juror's e-mail"),
            _("Review state"),
            _("Submitted (%(zone)s)") % {"zone": self.round.contest.time_zone},
            _("Total (%(low)s–%(high)s)") % {"low": formats.number(low), "high": formats.number(high)},
            *[
                _("%(title)s (%(low)s–%(high)s)")
                % {"title": c.title, "low": c.scale_min, "high": c.scale_max}
                for c in self.criteria
            ],
            _("Overall comment"),
        ]

    def query(self) -> QuerySet:
        pivot = {
            f"criterion_{c.pk}": Max("scores__value", filter=Q(scores__criterion_id=c.pk))
            for c in self.criteria
        }
        return (
            Review.objects.filter(
                round=self.round,
                state=Review.State.SUBMITTED,
                application__in=round_applications(self.round).values("pk"),
            )
            .annotate(**pivot)
            .order_by("application__number", "application_id", "juror_id")
            .values_list(*COLUMNS, *pivot)
        )

    def batches(self) -> Iterator[list[list[Any]]]:
        return chunked(self._rows())

    def _rows(self) -> Iterator[list[Any]]:
        contest = self.round.contest
        scale = display_scale(self.criteria)
        by_id = {c.pk: c for c in self.criteria}
        states = {value: str(label) for value, label in Review.State.choices}
        for record in self.query().iterator(chunk_size=CHUNK):
            number, title, organisation, nomination, juror, email, state, submitted, comment = record[:9]
            values = record[9:]
            scores = {c.pk: v for c, v in zip(self.criteria, values, strict=True) if v is not None}
            yield [
                number,
                title,
                organisation,
                nomination,
                juror,
                email,
                states.get(state, state),
                contest.local(submitted).replace(tzinfo=None) if submitted else None,
                _number(total_of(scores, by_id, scale)),
                *[_number(v) for v in values],
                comment,
            ]


def _filename(round_: Round, extension: str) -> str:
    return f"contest-{round_.contest_id}-round-{round_.number}-scores.{extension}"


def scores_csv_response(round_: Round) -> StreamingHttpResponse:
    return csv_sheet_response(ScoresTable.of(round_), _filename(round_, "csv"))


def scores_xlsx_response(round_: Round) -> FileResponse:
    return xlsx_sheet_response(ScoresTable.of(round_), _filename(round_, "xlsx"), title=_("Scores"))
