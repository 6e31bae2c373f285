"""A round's scores as a spreadsheet for organisers: one row per submitted review.

One query whatever the number of reviews: the scores are pivoted into one column per criterion by
conditional aggregation (MAX(value) FILTER (criterion = …)) and read in batches through a
server-side cursor on PostgreSQL, as plain tuples without Django's per-value converters
(core.exports.raw_batches). The total is the ranking's (`ranking.total_of`), computed with the
weights looked up once per export. The writers, and their protection from formula injection, are
core.exports'. benchmarks/export.py times it against PostgreSQL's COPY of the same SELECT.

On PostgreSQL the CSV's rows are written by PostgreSQL itself (core.pg_copy): `copy_select` wraps
the pivot in a SELECT that makes every cell the text the Python writer would (state label, moment
in the contest's zone, total, neutralised text), so no row passes through Python; the bytes are
the Python writer's (tests/review/test_score_export_copy.py compares them). SQLite and the XLSX
keep the Python path.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import Max, Q, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from contests.models import Criterion
from core import formats
from core.exports import (
    FORMULA_STARTS,
    Batched,
    aware,
    csv_sheet_response,
    csv_text,
    neutralise,
    raw_batches,
    xlsx_sheet_response,
)
from core.pg_copy import copy_csv
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
# The pivot's columns as named in the COPY's SELECT (then v0, v1, … for the criteria), and those
# written as text: quoted, and neutralised where their first character could start a formula.
COPY_NAMES = (
    "number",
    "title",
    "organisation",
    "nomination",
    "juror",
    "email",
    "state",
    "submitted",
    "comment",
)
COPY_TEXTS = ("number", "title", "organisation", "nomination", "juror", "email", "state", "comment")
FORMULA_CODES = ", ".join(str(ord(start)) for start in FORMULA_STARTS)
# `_total`'s cell from the float s.x: Decimal(s.x).quantize(TOTAL_PLACES) (its exact binary value,
# half to even) in Decimal's "f" format. float8 → numeric keeps 15 significant digits, which
# rounds as Python does except within a hair of a half (or for totals too large for that margin);
# there the float's exact value, m / 2^k with m an integer below 2^62, is rounded with integer
# arithmetic. A float a hair below zero is "-0.0000", as Decimal writes it.
TOTAL_TEXT = """
    CASE
        WHEN s.x IS NULL THEN NULL
        WHEN s.x < 0 AND s.x > -0.00005 THEN '-0.0000'
        WHEN abs(s.x) < 100000 AND abs(s.x * 10000 - floor(s.x * 10000) - 0.5) > 0.00001
            THEN round(s.x::numeric, 4)::text
        ELSE (
            SELECT (sign(s.x)::numeric * 0.0001 * (e.q + CASE
                WHEN 2 * e.r > e.d OR (2 * e.r = e.d AND mod(e.q, 2) = 1) THEN 1 ELSE 0 END))::text
            FROM (
                SELECT div(f.n, f.d) AS q, mod(f.n, f.d) AS r, f.d
                FROM (
                    SELECT (abs(s.x) * (2::float8 ^ g.k))::int8::numeric * 10000 AS n,
                        2::numeric ^ g.k AS d
                    FROM (SELECT 60 - floor(ln(abs(s.x)) / ln(2))::int AS k) AS g
                ) AS f
            ) AS e
        )
    END
"""


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

    def copy_select(self) -> tuple[str, list]:
        """A SELECT (for PostgreSQL's COPY) whose cells are those of `batches` already as the text
        core.exports' CSV writer makes of them: `query()`'s pivot wrapped in a SELECT that labels
        the state, writes the moment in the contest's zone, neutralises text and computes `_total`
        with the same float arithmetic in the same order, rounded as it rounds (TOTAL_TEXT)."""
        inner, inner_params = self.query().query.sql_with_params()
        values = [f"v{i}" for i in range(len(self.criteria))]
        states, state_params = [], []
        for value, label in Review.State.choices:
            states.append("WHEN %s THEN %s")
            state_params += [value, neutralise(str(label))]
        weighted, weights, total_params = ["0.0::float8"], ["0.0::float8"], []
        for i, criterion in enumerate(self.criteria):
            weighted.append(f"COALESCE(%s::float8 * (s.v{i} - %s)::float8 / %s::float8, 0.0::float8)")
            total_params += [
                float(criterion.weight),
                criterion.scale_min,
                float(criterion.scale_max - criterion.scale_min),
            ]
        for i, criterion in enumerate(self.criteria):
            weights.append(f"CASE WHEN s.v{i} IS NULL THEN 0.0::float8 ELSE %s::float8 END")
            total_params.append(float(criterion.weight))
        low, high = display_scale(self.criteria)
        # The total's float is computed once per row, in a subquery kept apart (OFFSET 0) so that
        # PostgreSQL does not repeat its expression wherever TOTAL_TEXT reads it.
        sql = f"""
            SELECT {_neutral("s.number")} AS number, {_neutral("s.title")} AS title,
                {_neutral("s.organisation")} AS organisation, {_neutral("s.nomination")} AS nomination,
                {_neutral("s.juror")} AS juror, {_neutral("s.email")} AS email,
                CASE s.state {" ".join(states)} ELSE {_neutral("s.state")} END AS state,
                to_char(s.submitted AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI') AS submitted,
                {TOTAL_TEXT} AS total,
                {"".join(f"s.{v}, " for v in values)}{_neutral("s.comment")} AS comment
            FROM (
                SELECT s.*, %s::float8 + %s::float8 * ({" + ".join(weighted)})
                    / NULLIF({" + ".join(weights)}, 0.0::float8) AS x
                FROM ({inner}) AS s({", ".join([*COPY_NAMES, *values])})
                OFFSET 0
            ) AS s
        """
        zone = self.round.contest.time_zone
        return sql, [*state_params, zone, low, high - low, *total_params, *inner_params]


def _neutral(column: str) -> str:
    """core.exports.neutralise in SQL: an apostrophe before a first character of FORMULA_STARTS."""
    return f"CASE WHEN ascii({column}) IN ({FORMULA_CODES}) THEN '''' || {column} ELSE {column} END"


def _filename(round_: Round, extension: str) -> str:
    return f"contest-{round_.contest_id}-round-{round_.number}-scores.{extension}"


def scores_csv_response(round_: Round) -> StreamingHttpResponse:
    """On PostgreSQL the rows are written by PostgreSQL (`ScoresTable.copy_select` through COPY),
    byte for byte what the Python writer makes of `ScoresTable.batches` (tests compare them)."""
    table = ScoresTable.of(round_)
    response = csv_sheet_response(table, _filename(round_, "csv"))
    if connections[Review.objects.db].vendor == "postgresql":
        # Replaces the Python writer's generator before it starts; the headers stay as set.
        response.streaming_content = _copied_lines(table, translation.get_language())
    return response


def _copied_lines(table: ScoresTable, language: str) -> Iterator[bytes]:
    """What core.exports.csv_lines writes (BOM, header row, rows), the rows by PostgreSQL's COPY."""
    with translation.override(language):
        header = "\ufeff" + csv_text([table.headers()])
        sql, params = table.copy_select()
    yield header.encode()
    yield from copy_csv(sql, params, force_quote=COPY_TEXTS, using=Review.objects.db)


def scores_xlsx_response(round_: Round) -> FileResponse:
    return xlsx_sheet_response(ScoresTable.of(round_), _filename(round_, "xlsx"), title=_("Scores"))
