"""A round's scores as a spreadsheet for organisers: one row per submitted review.

One query whatever the number of reviews: the scores are pivoted into one column per criterion by
conditional aggregation (MAX(value) FILTER (criterion = …)) and read in batches through a
server-side cursor on PostgreSQL, as plain tuples without Django's per-value converters
(core.exports.raw_batches). The total is the ranking's (`ranking.total_of`), computed with the
weights looked up once per export. The writers, and their protection from formula injection, are
core.exports'. benchmarks/export.py times it against PostgreSQL's COPY of the same SELECT.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max, Q, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from contests.models import Criterion
from core import formats
from core.exports import Batched, aware, csv_sheet_response, raw_batches, xlsx_sheet_response
from review.models import Review, Round
from review.ranking import display_scale
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
        zone = ZoneInfo(self.round.contest.time_zone)
        states = {value: str(label) for value, label in Review.State.choices}
        total = self._total()
        for records in raw_batches(self.query()):
            batch = []
            for record in records:
                number, title, organisation, nomination, juror, email, state, submitted, comment = record[:9]
                values = record[9:]
                batch.append(
                    [
                        number,
                        title,
                        organisation,
                        nomination,
                        juror,
                        email,
                        states.get(state, state),
                        aware(submitted).astimezone(zone).replace(tzinfo=None) if submitted else None,
                        total(values),
                        *values,  # raw scores: whole numbers, or None where a criterion is unscored
                        comment,
                    ]
                )
            yield batch

    def _total(self):
        """`ranking.total_of` for one review's scores in criteria order, as a Decimal of 4 places;
        the same float arithmetic in the same order (tests compare them), with each criterion's
        weight and scale read once per export rather than once per score."""
        low, high = display_scale(self.criteria)
        factors = [(float(c.weight), c.scale_min, c.scale_max - c.scale_min) for c in self.criteria]

        def total(values: tuple) -> Decimal | None:
            weighted = weights = 0.0
            for (weight, minimum, span), value in zip(factors, values, strict=True):
                if value is not None:
                    weighted += weight * (value - minimum) / span
                    weights += weight
            if not weights:
                return None
            return Decimal(low + (high - low) * weighted / weights).quantize(TOTAL_PLACES)

        return total


def _filename(round_: Round, extension: str) -> str:
    return f"contest-{round_.contest_id}-round-{round_.number}-scores.{extension}"


def scores_csv_response(round_: Round) -> StreamingHttpResponse:
    return csv_sheet_response(ScoresTable.of(round_), _filename(round_, "csv"))


def scores_xlsx_response(round_: Round) -> FileResponse:
    return xlsx_sheet_response(ScoresTable.of(round_), _filename(round_, "xlsx"), title=_("Scores"))
