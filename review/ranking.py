"""The jury's ranking of a round, computed on read in the database (never stored).

A review's **total** is the weighted mean of its scores, each first brought to 0..1 on its
criterion's scale: Σ w·(v − min)/(max − min) / Σ w over the round's criteria it scores. Totals
are shown on the display scale: the criteria's common scale when they all share one, else 0–100.

Per application, over its submitted reviews: the mean, the true median, the trimmed mean (it drops
floor(n·trim_share) totals at each end) and the **calibrated** score. Calibration removes each
juror's own leniency and spread: a review's calibrated total is
``pooled_mean + pooled_std · (total − juror_mean) / juror_std`` (population statistics over the
round's submitted reviews), and the application's calibrated score is the mean of those. A juror
with one review, or who gives every application the same total, carries no information about the
order and contributes nothing (NULL), so such a juror cannot reorder the ranking.

**Contested**: the jurors disagree markedly — the application has at least two reviews, its spread
(population std of the totals) is among the widest tenth of the round (fewer than 10 % of the
round's multiply reviewed applications have a wider one), and its highest and lowest totals lie at
least a quarter of the display scale apart (25 points on 0–100). The first part points at the
round's outliers, the second keeps a calm round from flagging anything.

**Positions** order by the chosen method's score, higher first (no score last); equal scores (to
nine decimals, so floating-point noise never decides) are ordered by the mean raw score of the
contest's tie-break criterion, then the earlier submission, then the registration number.

**Agreement** is Krippendorff's alpha for interval data over the review totals (units: the
applications with at least two reviews), from each unit's count, mean and variance.

The per-review and per-application parts are kept as reviews change (`totals.py`: each review's
total, each juror's count, mean and spread, each application's count, mean, median, trimmed mean,
spread, range, tie-break mean and mean z-score, each round's units pooled), so computing a
ranking reads one row per application and per juror: the round's figures (agreement) from its one
row, and one statement that sorts the applications once (the contested threshold found by index
offset); the rows are numbered as they are read. Floating point on PostgreSQL and SQLite alike;
`reference.py` holds the same maths in plain Python from the raw scores, and the tests hold them
equal.

**Freshness**: a computed ranking is cached (`rank`) or stored by position (`stored_ranking`)
under a fingerprint of the round's stamp — two counters on its `RoundTotals` row that database
triggers move with every write the ranking reads, by the services or behind their back — and its
criteria and settings. Deciding whether a ranking is fresh reads that one row, whatever the
round's size; a stale ranking is never served, and serving a fresh one scans nothing.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from applications.models import Application
from contests.models import Criterion
from core.collector import paused_collection
from core.pg_binary import fetch_all
from review import totals
from review.models import RankingRow, RankingSnapshot, Review, Round, RoundTotals
from review.selectors import criteria_of_round, round_criteria

METHODS = tuple(Round.Method.values)
NOISE = totals.NOISE  # a spread below this share of the display range is floating-point noise
# Scores equal to this many decimals are ties (decided by the tie-break rules, not by rounding noise).
TIE_DECIMALS = 9
CONTESTED_TOP_SHARE = 0.10
CONTESTED_MIN_RANGE = 0.25
RANKING_CACHE_SECONDS = getattr(settings, "RANKING_CACHE_SECONDS", 3600)
# For the ranking's statements on PostgreSQL, within their transaction only. JIT compiling took
# longer than running when a plan's guessed cost crossed jit_above_cost (1.6 s of 2.3 s once, at
# 50,000 reviews); the sort of 50,000 application rows (10 MB) would spill to disk within the
# default 4 MB of work_mem.
SESSION_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '32MB'")


class RankedRow(NamedTuple):
    """One application's place and figures. A named tuple: 10,000 of them are built per ranking,
    and a tuple builds in a fraction of a frozen dataclass's time."""

    application_id: int
    nomination_id: int
    position: int
    position_in_nomination: int
    reviews: int
    mean: float | None
    median: float | None
    trimmed: float | None
    calibrated: float | None
    score: float | None  # the chosen method's value
    spread: float | None
    low: float | None
    high: float | None
    contested: bool


@dataclass(frozen=True)
class Ranking:
    round_id: int
    method: str
    parameters: dict
    scale: tuple[float, float]
    rows: Sequence[RankedRow]  # ComputedRows, StoredRows, or a list (review.reference)
    agreement: float | None
    reviews: int


@dataclass(frozen=True)
class CriterionSummary:
    criterion_id: int
    title: str
    weight: Decimal
    scale: tuple[int, int]
    count: int
    mean: float | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class ReviewScores:
    review_id: int
    juror: str  # "Juror 1": anonymous, numbered by juror within the round
    total: float | None
    scores: dict[int, int] = field(default_factory=dict)  # criterion id → raw score


@dataclass(frozen=True)
class Breakdown:
    round_id: int
    application_id: int
    scale: tuple[float, float]
    criteria: list[CriterionSummary]
    reviews: list[ReviewScores]


def display_scale(criteria: list[Criterion]) -> tuple[float, float]:
    """The criteria's common scale, or 0–100 when they differ (or there are none)."""
    scales = {(c.scale_min, c.scale_max) for c in criteria}
    if len(scales) == 1:
        low, high = scales.pop()
        return float(low), float(high)
    return 0.0, 100.0


def parameters_of(round_: Round, criteria: list[Criterion]) -> dict:
    scale = display_scale(criteria)
    return {
        "trim_share": float(round_.trim_share),
        "tie_break_criterion_id": round_.contest.tie_break_criterion_id,
        "criteria": {c.pk: float(c.weight) for c in criteria},
        "contested_top_share": CONTESTED_TOP_SHARE,
        "contested_min_range": CONTESTED_MIN_RANGE * (scale[1] - scale[0]),
    }


def _tie_key(expression: str) -> str:
    """The value rounded to TIE_DECIMALS places, for ordering and equality only. PostgreSQL rounds
    a double to places only through numeric, whose conversion costs more than the rest of the
    ordering on 10,000 rows: it rounds the scaled double to a whole number instead (the same
    classes of equal values: noise below the ninth decimal never separates two scores)."""
    if connection.vendor == "postgresql":
        return f"ROUND({expression} * CAST(1e{TIE_DECIMALS} AS DOUBLE PRECISION))"
    return f"ROUND({expression}, {TIE_DECIMALS})"


def _text_order(expression: str) -> str:
    # Registration numbers compare by code point, as in Python, whatever the database's locale.
    return f'{expression} COLLATE "C"' if connection.vendor == "postgresql" else expression


# The columns of the ranking statement's rows, in order (`rows_sql`); the chosen method's score is
# one of the four scores, picked in Python.
ROW_COLUMNS = (
    "application_id",
    "nomination_id",
    "reviews",
    "mean",
    "median",
    "trimmed",
    "calibrated",
    "spread",
    "low",
    "high",
    "contested",
)
SCORE_INDEX = {method: ROW_COLUMNS.index(method) for method in ("mean", "median", "trimmed", "calibrated")}


def _pool_sql(round_: Round) -> tuple[str, list]:
    """CTEs `grand_jur` and `pool`: the pooled count, mean and spread of every juror's totals (on
    0..1), combined from the jurors' running figures (Chan's formula), to follow WITH."""
    sql = """
    jt AS (SELECT n, mean, m2 FROM review_jurortotals WHERE round_id = %s),
    grand_jur AS (SELECT SUM(n) AS n, SUM(n * mean) / SUM(n) AS mean FROM jt),
    pool AS (
        SELECT g.mean, SQRT(SUM(jt.m2 + jt.n * (jt.mean - g.mean) * (jt.mean - g.mean)) / g.n) AS sd
        FROM jt CROSS JOIN grand_jur g GROUP BY g.n, g.mean
    )"""
    return sql, [round_.pk]


def rows_sql(
    round_: Round, criteria: list[Criterion], method: str, *, positions: bool = False
) -> tuple[str, list]:
    """The ranking statement: one row per application of the round (`ROW_COLUMNS`), in ranking
    order, read from the stored figures (`ApplicationTotals`, `JurorTotals` and the round's pooled
    units, kept by `totals.py` on 0..1): no review is read, and the rows are sorted once. With
    `positions`, also the positions and the chosen method's score (for storing them: `_store`);
    otherwise the reader numbers the rows as they come.

    **Contested** spreads: an application's is among the widest tenth when fewer than a tenth of
    the units have a wider one; that holds exactly when it is at least the m-th widest,
    m = ⌈tenth · units⌉, which the spread index gives by offset without ranking every spread."""
    scale = display_scale(criteria)
    low, width = scale[0], scale[1] - scale[0]
    pool_sql, pool_params = _pool_sql(round_)
    order = (
        f"{_tie_key(method)} DESC NULLS LAST, tie DESC NULLS LAST, submitted_at ASC NULLS LAST, "
        f"{_text_order('number')}, id"
    )
    extra = (
        f", ROW_NUMBER() OVER (ORDER BY {order}) AS position, "
        f"ROW_NUMBER() OVER (PARTITION BY nomination_id ORDER BY {order}) AS position_in_nomination, "
        f"{method} AS score"
        if positions
        else ""
    )
    sql = f"""
    WITH {pool_sql},
    widest AS (
        SELECT {_tie_key("%s * SQRT(variance)")} AS spread_key -- the spread as pa computes it
        FROM review_applicationtotals
        WHERE round_id = %s AND reviews >= 2 ORDER BY variance DESC
        LIMIT 1 OFFSET (SELECT CASE WHEN units > 0 THEN CAST(CEIL(%s * units) AS INTEGER) - 1 ELSE 0 END
                        FROM review_roundtotals WHERE round_id = %s)
    ),
    -- Each application's figures on the display scale. Calibrated: the pooled mean plus the pooled
    -- spread times the mean z-score of its reviews.
    pa AS (
        SELECT t.application_id AS id, t.nomination_id, t.submitted_at, t.number, t.reviews, t.tie,
               %s + %s * t.mean AS mean, %s + %s * t.median AS median, %s + %s * t.trimmed AS trimmed,
               %s + %s * (p.mean + p.sd * t.z) AS calibrated,
               %s * SQRT(t.variance) AS spread,
               %s + %s * t.low AS low, %s + %s * t.high AS high
        FROM review_applicationtotals t LEFT JOIN pool p ON 1 = 1
        WHERE t.round_id = %s
    )
    SELECT id, nomination_id, reviews, mean, median, trimmed, calibrated, spread, low, high,
           CASE WHEN reviews >= 2 AND {_tie_key("spread")} >= (SELECT spread_key FROM widest)
                     AND high - low >= %s THEN 1 ELSE 0 END
               AS contested{extra}
    FROM pa ORDER BY {order}
    """
    params = [
        *pool_params,
        width,
        round_.pk,
        CONTESTED_TOP_SHARE,
        round_.pk,
        *(low, width) * 4,
        width,
        *(low, width) * 2,
        round_.pk,
        (CONTESTED_MIN_RANGE - NOISE) * width,
    ]
    return sql, params


class Figures(NamedTuple):
    """The round's figures (`read_figures`)."""

    pairable: float | None  # Krippendorff's alpha's parts, on the display scale
    within: float | None
    total_var: float | None
    counted: int | None  # submitted reviews with a total


def read_figures(cursor, round_: Round, criteria: list[Criterion]) -> Figures:
    """The round's figures from its RoundTotals row, where `totals.py` keeps its units pooled:
    Krippendorff's alpha's parts on the display scale (the pairable values' count,
    Σ m²·var/(m − 1) and their population variance) and the number of reviews counted."""
    scale = display_scale(criteria)
    squared = (scale[1] - scale[0]) ** 2
    cursor.execute(
        "SELECT pairable, within, unit_m2, (SELECT SUM(n) FROM review_jurortotals WHERE round_id = %s) "
        "FROM review_roundtotals WHERE round_id = %s",
        [round_.pk, round_.pk],
    )
    pairable, within, m2, counted = cursor.fetchone() or (None, None, None, None)
    if not pairable:
        return Figures(None, None, None, counted)
    return Figures(pairable, squared * within, squared * m2 / pairable, counted)


def alpha(n: float | None, within: float | None, total_var: float | None, width: float) -> float | None:
    """Krippendorff's alpha (interval) from the pairable values' count n, Σ m²·var/(m − 1) over the
    units and the pooled population variance; None when undefined (no units, no variation)."""
    if not n or n < 2 or within is None or total_var is None or total_var <= (NOISE * width) ** 2:
        return None
    return 1.0 - (n - 1) / (n * n) * within / total_var


class State(NamedTuple):
    """What one look at the database says about a round's ranking inputs."""

    fingerprint: str
    basis: str  # what the stored totals depend on besides the reviews (totals.basis)


def rank(round_: Round, *, method: str | None = None, nomination_id: int | None = None) -> Ranking:
    """The round's ranking by `method` (the round's own by default), optionally one nomination's
    rows (positions stay those of the whole round). A constant number of queries.

    The computation is cached under a fingerprint of everything it reads (submitted reviews, the
    round's applications, criteria and settings; see `round_state`), read in one row whatever the
    round's size: a new submission, a reopened or recused review, a changed weight or tie-break
    changes the fingerprint, so a stale ranking is never served and nothing is ever rewritten to
    invalidate it."""
    method = _method(round_, method)
    criteria = criteria_of_round(round_)
    state = round_state(round_, criteria)
    key = f"review:ranking:v2:{round_.pk}:{method}:{state.fingerprint}"
    with paused_collection():  # one tuple per application, read or unpickled
        computed = cache.get(key)
        if computed is None:
            computed = _compute(round_, criteria, method, state)
            cache.set(key, computed, RANKING_CACHE_SECONDS)
        return _ranking(round_, criteria, method, computed, nomination_id)


def _method(round_: Round, method: str | None) -> str:
    method = method or round_.method
    if method not in METHODS:
        raise ValueError(f"Unknown ranking method {method!r}; expected one of {', '.join(METHODS)}.")
    return method


def compute_rank(round_: Round, criteria: list[Criterion], method: str) -> Ranking:
    """The whole round's ranking straight from the database, bypassing the cache."""
    with paused_collection():
        computed = _compute(round_, criteria, method, round_state(round_, criteria))
        return _ranking(round_, criteria, method, computed, None)


class Computed(NamedTuple):
    """What the database computed (plain tuples: cheap to cache)."""

    figures: tuple  # Figures
    records: list[tuple]  # ROW_COLUMNS, in ranking order


def _ranking(
    round_: Round, criteria: list[Criterion], method: str, computed: Computed, nomination_id: int | None
) -> Ranking:
    scale = display_scale(criteria)
    pairable, within, total_var, counted = computed.figures
    return Ranking(
        round_id=round_.pk,
        method=method,
        parameters=parameters_of(round_, criteria),
        scale=scale,
        rows=ComputedRows(computed.records, method, nomination_id),
        agreement=alpha(pairable, within, total_var, scale[1] - scale[0]),
        reviews=counted or 0,
    )


class ComputedRows(Sequence):
    """A computed ranking's rows (one nomination's, or all), numbered and built when first read,
    as a stored ranking's are read when asked for (`StoredRows`): computing a ranking ends with the
    database's rows in hand, and a reader that looks at some of them (a page, one application's
    place) does not pay for building 10,000 others first. Reading any row builds them all, once."""

    def __init__(self, records: list[tuple], method: str, nomination_id: int | None) -> None:
        self.records, self.method, self.nomination_id = records, method, nomination_id
        self.built: list[RankedRow] | None = None

    def rows(self) -> list[RankedRow]:
        if self.built is None:
            with paused_collection():
                self.built = _ranked_rows(self.records, self.method, self.nomination_id)
        return self.built

    def __len__(self) -> int:
        return len(self.records) if self.nomination_id is None else len(self.rows())

    def __getitem__(self, index):
        return self.rows()[index]

    def __iter__(self):
        return iter(self.rows())

    def __repr__(self) -> str:
        return f"<ComputedRows of {len(self.records)} applications>"


def _ranked_rows(records: list[tuple], method: str, nomination_id: int | None) -> list[RankedRow]:
    """The statement's rows numbered as they come: the position in the round and within the
    nomination (cheaper here than two more sorts in the database)."""
    score = SCORE_INDEX[method]
    in_nomination: dict[int, int] = {}
    make = tuple.__new__  # RankedRow(...) would run the named tuple's __new__ in Python, per row
    rows = []
    append = rows.append
    for position, r in enumerate(records, 1):
        nomination = r[1]
        place = in_nomination[nomination] = in_nomination.get(nomination, 0) + 1
        if nomination_id is None or nomination == nomination_id:
            append(
                make(
                    RankedRow,
                    (
                        r[0],
                        nomination,
                        position,
                        place,
                        r[2],
                        r[3],
                        r[4],
                        r[5],
                        r[6],
                        r[score],
                        r[7],
                        r[8],
                        r[9],
                        r[10] == 1,
                    ),
                )
            )
    return rows


def fingerprint(round_: Round, criteria: list[Criterion]) -> str:
    """A digest of what a ranking reads (see `round_state`)."""
    return round_state(round_, criteria).fingerprint


def round_state(round_: Round, criteria: list[Criterion]) -> State:
    """The fingerprint of what a ranking reads, with the totals' basis: one query, reading one
    row whatever the round's size. The round's stamp (`RoundTotals.reviews_changed` and
    `applications_changed`) is kept by database triggers (migration 0008): it moves whenever a
    submitted review appears, goes, is reopened or changes (a submitted review's scores cannot
    change without it changing state, which moves its `updated_at`), and whenever the round's
    applications or their nomination, number or submission time (the tie-breaks) change, by
    whatever path; the criteria and the round's settings are digested as they are read.

    The stamp is read before the ranking statement runs (in its own statement): a commit in
    between makes the ranking stored or cached under it newer than the stamp, which is harmless
    (the next read sees a moved stamp and computes again); never older. Reviews whose stored totals
    are stale are looked for only when a ranking is computed (`totals.heal`)."""
    reviews_changed, applications_changed = _stamp(round_)
    digest = hashlib.sha256()
    digest.update(f"round:{round_.pk}:reviews:{reviews_changed}:applications:{applications_changed}".encode())
    digest.update(
        repr(
            [
                [(c.pk, c.weight, c.scale_min, c.scale_max, c.nomination_id) for c in criteria],
                (round_.trim_share, round_.contest.tie_break_criterion_id),
            ]
        ).encode()
    )
    return State(digest.hexdigest(), totals.basis(round_, criteria, applications_changed))


# Migration 0008's transaction-local list of the rounds and contests stamped already.
STAMPED = "konkurs.stamped"


def _stamp(round_: Round) -> tuple[int, int]:
    """The round's two counters. On PostgreSQL the triggers stamp a round once per transaction:
    reading the stamp empties their list, so changes this transaction makes after a ranking was
    computed move the stamp again."""
    if connection.vendor != "postgresql":
        stamp = RoundTotals.objects.filter(round_id=round_.pk).values_list(
            "reviews_changed", "applications_changed"
        )
        return stamp.first() or (0, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reviews_changed, applications_changed, set_config(%s, '', true) "
            f"FROM {RoundTotals._meta.db_table} WHERE round_id = %s",
            [STAMPED, round_.pk],
        )
        found = cursor.fetchone()
    return (found[0], found[1]) if found else (0, 0)


def _compute(round_: Round, criteria: list[Criterion], method: str, state: State) -> Computed:
    """The stored figures repaired if need be (`totals.heal`), then the round's figures (a read of
    its row) and the ranking's rows (one statement, fetched in binary: `core.pg_binary`)."""
    with transaction.atomic(), connection.cursor() as cursor:
        totals.heal(round_, criteria, state.basis)
        _session_settings(cursor)
        figures = read_figures(cursor, round_, criteria)
        return Computed(figures, fetch_all(*rows_sql(round_, criteria, method)))


def _session_settings(cursor) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("; ".join(SESSION_SETTINGS))


# A stored ranking's columns, in RankedRow's order.
STORED_COLUMNS = RankedRow._fields


class StoredRows(Sequence):
    """A stored ranking's rows (one nomination's, or all), read by position a slice at a time:
    what a paginator needs (its length is known) without reading the round."""

    ITER_SLICE = 2000  # rows per query when iterated whole

    def __init__(self, snapshot: RankingSnapshot, nomination_id: int | None) -> None:
        self.snapshot = snapshot
        self.nomination_id = nomination_id
        self.length = snapshot.count if nomination_id is None else snapshot.counts.get(str(nomination_id), 0)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self.length)
            if step != 1:
                return list(self)[index]
            return self._read(start, stop)
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        return self._read(index, index + 1)[0]

    def __iter__(self):
        # Sequence's own iteration would read one row per query: read in slices instead.
        for start in range(0, self.length, self.ITER_SLICE):
            yield from self._read(start, min(start + self.ITER_SLICE, self.length))

    def _read(self, start: int, stop: int) -> list[RankedRow]:
        if stop <= start:
            return []
        rows = RankingRow.objects.filter(round_id=self.snapshot.round_id, method=self.snapshot.method)
        if self.nomination_id is not None:
            rows = rows.filter(nomination_id=self.nomination_id)
        return [
            RankedRow._make(record)
            for record in rows.order_by("position").values_list(*STORED_COLUMNS)[start:stop]
        ]


def stored_ranking(round_: Round, *, method: str | None = None, nomination_id: int | None = None) -> Ranking:
    """The ranking as `rank` gives it, but its rows read from the stored positions by slice
    (`StoredRows`): the ranking is computed and stored (one INSERT … SELECT) only when the
    fingerprint has moved since it was last stored."""
    method = _method(round_, method)
    criteria = criteria_of_round(round_)
    state = round_state(round_, criteria)
    snapshot = RankingSnapshot.objects.filter(round=round_, method=method).first()
    if snapshot is None or snapshot.fingerprint != state.fingerprint:
        snapshot = _store(round_, criteria, method, state)
    return Ranking(
        round_id=round_.pk,
        method=method,
        parameters=parameters_of(round_, criteria),
        scale=display_scale(criteria),
        rows=StoredRows(snapshot, nomination_id),
        agreement=snapshot.agreement,
        reviews=snapshot.reviews,
    )


def _store(round_: Round, criteria: list[Criterion], method: str, state: State) -> RankingSnapshot:
    """Compute the ranking into `RankingRow` in the database (no row travels), in one transaction
    with the snapshot row locked, so two readers never store it twice."""
    columns = ", ".join(STORED_COLUMNS)
    selected = ", ".join(
        {"contested": "computed.contested = 1", "application_id": "computed.id"}.get(c, f"computed.{c}")
        for c in STORED_COLUMNS
    )
    with transaction.atomic():
        snapshot, _created = RankingSnapshot.objects.get_or_create(round=round_, method=method)
        snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        if snapshot.fingerprint == state.fingerprint:  # another reader stored it meanwhile
            return snapshot
        totals.heal(round_, criteria, state.basis)
        RankingRow.objects.filter(round=round_, method=method).delete()
        with connection.cursor() as cursor:
            _session_settings(cursor)
            figures = read_figures(cursor, round_, criteria)
            sql, params = rows_sql(round_, criteria, method, positions=True)
            cursor.execute(
                f"INSERT INTO review_rankingrow (round_id, method, {columns}) "
                f"SELECT %s, %s, {selected} FROM ({sql}) AS computed",
                [round_.pk, method, *params],
            )
        counts = {
            str(nomination): n
            for nomination, n in RankingRow.objects.filter(round=round_, method=method)
            .order_by()
            .values_list("nomination_id")
            .annotate(n=Count("pk"))
        }
        scale = display_scale(criteria)
        snapshot.fingerprint = state.fingerprint
        snapshot.count = sum(counts.values())
        snapshot.counts = counts
        snapshot.agreement = alpha(figures.pairable, figures.within, figures.total_var, scale[1] - scale[0])
        snapshot.reviews = figures.counted or 0
        snapshot.save()
    return snapshot


def ranking_page(
    round_: Round,
    *,
    method: str | None = None,
    nomination_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[Ranking, list[tuple[RankedRow, Application]]]:
    """One page of the ranking with its applications (organisation and nomination joined): the
    page's rows read by position from the stored ranking, so a page costs a page, whatever the
    round's size. `Ranking.rows` is a `StoredRows` (length known, sliced on demand)."""
    ranking = stored_ranking(round_, method=method, nomination_id=nomination_id)
    start = (max(page, 1) - 1) * per_page
    rows = ranking.rows[start : start + per_page]
    applications = Application.objects.select_related("organisation", "nomination").in_bulk(
        [row.application_id for row in rows]
    )
    return ranking, [(row, applications[row.application_id]) for row in rows]


def total_of(
    scores: dict[int, int], criteria: dict[int, Criterion], scale: tuple[float, float]
) -> float | None:
    """One review's total from its raw scores (criteria outside the round do not count)."""
    weighted = weights = 0.0
    for criterion_id, value in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            continue
        weight = float(criterion.weight)
        weighted += weight * (value - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)
        weights += weight
    if not weights:
        return None
    return scale[0] + (scale[1] - scale[0]) * weighted / weights


def juror_labels_sql() -> str:
    # Numbered by juror pk among everyone assigned in the round: stable while the round runs.
    return """
    SELECT juror_id, ROW_NUMBER() OVER (ORDER BY juror_id)
    FROM (SELECT DISTINCT juror_id FROM review_review WHERE round_id = %s) jurors
    """


def breakdown(round_: Round, application: Application) -> Breakdown:
    """The application's submitted reviews criterion by criterion, jurors anonymous: what an
    organiser needs to explain its total. Three queries."""
    every = list(round_criteria(round_))
    scale = display_scale(every)
    by_id = {c.pk: c for c in every}
    shown = [c for c in every if c.nomination_id in (None, application.nomination_id)]
    sql = f"""
    WITH labels(juror_id, label) AS ({juror_labels_sql()})
    SELECT r.id, l.label, s.criterion_id, s.value
    FROM review_review r
    JOIN labels l ON l.juror_id = r.juror_id
    LEFT JOIN review_score s ON s.review_id = r.id
    WHERE r.round_id = %s AND r.application_id = %s AND r.state = %s
    ORDER BY l.label, s.criterion_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_.pk, round_.pk, application.pk, Review.State.SUBMITTED])
        records = cursor.fetchall()
    labels: dict[int, int] = {}
    scores: dict[int, dict[int, int]] = {}
    for review_id, label, criterion_id, value in records:
        labels[review_id] = label
        found = scores.setdefault(review_id, {})
        if criterion_id in by_id:
            found[criterion_id] = value
    reviews = [
        ReviewScores(
            review_id=review_id,
            juror=_("Juror %(number)s") % {"number": labels[review_id]},
            total=total_of(found, by_id, scale),
            scores=found,
        )
        for review_id, found in scores.items()
    ]
    summaries = []
    for criterion in shown:
        values = [r.scores[criterion.pk] for r in reviews if criterion.pk in r.scores]
        summaries.append(
            CriterionSummary(
                criterion_id=criterion.pk,
                title=criterion.title,
                weight=criterion.weight,
                scale=(criterion.scale_min, criterion.scale_max),
                count=len(values),
                mean=sum(values) / len(values) if values else None,
                low=min(values, default=None),
                high=max(values, default=None),
            )
        )
    return Breakdown(round_.pk, application.pk, scale, summaries, reviews)
