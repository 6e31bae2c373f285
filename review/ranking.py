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

Everything is one SQL statement (CTEs and window functions, floating point on PostgreSQL and
SQLite alike); `reference.py` holds the same maths in plain Python and the tests hold them equal.
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from applications.models import Application
from contests.models import Criterion
from review.models import Review, Round
from review.selectors import round_applications, round_criteria

METHODS = tuple(Round.Method.values)
# Standard deviations below this share of the display range are floating-point noise, not spread:
# a juror whose totals differ only there gave everyone the same total.
NOISE = 1e-9
# Scores equal to this many decimals are ties (decided by the tie-break rules, not by rounding noise).
TIE_DECIMALS = 9
CONTESTED_TOP_SHARE = 0.10
CONTESTED_MIN_RANGE = 0.25
RANKING_CACHE_SECONDS = getattr(settings, "RANKING_CACHE_SECONDS", 3600)
# For the ranking statement on PostgreSQL, within its transaction only. The CTEs' row estimates are
# guesses; on large rounds they push the plan's cost over jit_above_cost and compiling takes longer
# than running (1.6 s of 2.3 s at 50,000 reviews). The sort of 50,000 review totals by application
# (6 MB) spills to disk within the default 4 MB of work_mem.
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
    rows: list[RankedRow]
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


def trim_percent(round_: Round) -> int:
    # trim_share has two decimal places: whole percent keeps floor(n·share) integer arithmetic.
    return int(Decimal(round_.trim_share) * 100)


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


def totals_sql(round_: Round, criteria: list[Criterion]) -> tuple[str, list]:
    """CTEs `apps` (the round's applications) and `rev` (one row per submitted review of them with
    a score on the round's criteria or the tie-break criterion: its juror, application, total on
    the display scale — NULL when it scores none of the round's criteria — and tie-break score),
    to follow WITH."""
    scale = display_scale(criteria)
    apps_sql, apps_params = _apps_sql(round_)
    tie_id = round_.contest.tie_break_criterion_id or 0  # none: no criterion has pk 0
    ids = [c.pk for c in criteria]
    read = ids if tie_id in ids else [*ids, tie_id]
    if connection.vendor == "postgresql":
        # PostgreSQL hashes an IN list of nine or more items, else it compares each score's
        # criterion with every item in turn; padded with pk 0 (no criterion) to be hashed.
        read = [*read, *[0] * (9 - len(read))]
    placeholders = ", ".join(["%s"] * len(read))
    # The 400,000 scores are the bulk of the work, so each is touched once: the criterion's weight
    # and scale come from an inline CASE (constants, cast once when planned) rather than a join,
    # and the scores are grouped by review alone (one integer key) before the reviews are joined
    # and filtered on 50,000 rows. Only the round's criteria and the tie-break one are read; other
    # rounds' reviews of the same criteria are grouped too and dropped by the join.
    double = "CAST(%s AS DOUBLE PRECISION)"
    weighted = " ".join(f"WHEN %s THEN {double} * (s.value - {double}) / {double}" for _ in ids)
    weights = " ".join(f"WHEN %s THEN {double}" for _ in ids)
    nothing = "WHEN 0 THEN CAST(0 AS DOUBLE PRECISION)"  # no criteria: no total (no criterion has pk 0)
    sql = f"""
    {apps_sql},
    sums AS (
        SELECT s.review_id,
               SUM(CASE s.criterion_id {weighted or nothing} END) AS weighted,
               SUM(CASE s.criterion_id {weights or nothing} END) AS weights,
               MAX(CASE WHEN s.criterion_id = %s THEN s.value END) AS tie
        FROM review_score s
        WHERE s.criterion_id IN ({placeholders})
        GROUP BY s.review_id
    ),
    rev AS (
        SELECT r.round_id, r.juror_id, r.application_id, sums.tie,
               %s + %s * sums.weighted / sums.weights AS total
        FROM sums JOIN review_review r ON r.id = sums.review_id JOIN apps a ON a.id = r.application_id
        WHERE r.round_id = %s AND r.state = %s
    )"""
    params = [
        *[p for c in criteria for p in (c.pk, c.weight, c.scale_min, c.scale_max - c.scale_min)],
        *[p for c in criteria for p in (c.pk, c.weight)],
        tie_id,
        *read,
        scale[0],
        scale[1] - scale[0],
        round_.pk,
        Review.State.SUBMITTED,
    ]
    return sql, [*apps_params, *params]


def _apps_sql(round_: Round) -> tuple[str, list]:
    query = round_applications(round_).order_by().values("id", "nomination_id", "submitted_at", "number")
    sql, params = query.query.sql_with_params()
    return f"apps AS ({sql})", list(params)


SCORE_COLUMNS = {
    "mean": "pa.mean",
    "median": "pa.median",
    "trimmed": "pa.trimmed",
    "calibrated": "pa.calibrated",
}


def ranking_sql(round_: Round, criteria: list[Criterion], method: str) -> tuple[str, list]:
    scale = display_scale(criteria)
    width = scale[1] - scale[0]
    rev_sql, rev_params = totals_sql(round_, criteria)
    score = SCORE_COLUMNS[method]
    tb_sql, tb_join, tie = "", "", "pa.tie"
    tie_id = round_.contest.tie_break_criterion_id
    if tie_id is not None and tie_id not in {c.pk for c in criteria}:
        # The tie-break criterion is not one the round scores: a review may carry its score and no
        # total, so its raw mean is taken over every review that has it (otherwise `pa` has it).
        tb_sql = """
    tb AS (
        SELECT application_id, AVG(CAST(tie AS DOUBLE PRECISION)) AS value
        FROM rev WHERE tie IS NOT NULL GROUP BY application_id
    ),"""
        tb_join, tie = "LEFT JOIN tb ON tb.application_id = a.id", "tb.value"
    order = (
        "score_key DESC NULLS LAST, tie DESC NULLS LAST, submitted_at ASC NULLS LAST, "
        f"{_text_order('number')}, id"
    )
    sql = f"""
    WITH {rev_sql},
    jur AS (
        SELECT juror_id, COUNT(*) AS n, AVG(total) AS mean, STDDEV_POP(total) AS sd
        FROM rev WHERE total IS NOT NULL GROUP BY juror_id
    ),
    pool AS (
        SELECT AVG(total) AS mean, STDDEV_POP(total) AS sd FROM rev WHERE total IS NOT NULL GROUP BY round_id
    ),
    cal AS (
        SELECT rev.application_id, rev.total, rev.tie,
               CASE WHEN j.n >= 2 AND j.sd > %s
                    THEN p.mean + p.sd * (rev.total - j.mean) / j.sd END AS calibrated,
               ROW_NUMBER() OVER w AS rn, COUNT(*) OVER w AS cnt
        FROM rev JOIN jur j ON j.juror_id = rev.juror_id CROSS JOIN pool p
        WHERE rev.total IS NOT NULL
        -- One window (one pass over one sort): ROW_NUMBER ignores the frame, COUNT sees it whole.
        WINDOW w AS (PARTITION BY rev.application_id ORDER BY rev.total
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ),
    pa AS (
        SELECT application_id, COUNT(*) AS reviews, AVG(total) AS mean,
               AVG(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN total END) AS median,
               AVG(CASE WHEN rn > cnt * %s / 100 AND rn <= cnt - cnt * %s / 100 THEN total END)
                   AS trimmed,
               AVG(calibrated) AS calibrated, STDDEV_POP(total) AS spread,
               MIN(total) AS low, MAX(total) AS high, VAR_POP(total) AS variance,
               AVG(CAST(tie AS DOUBLE PRECISION)) AS tie
        FROM cal GROUP BY application_id
    ),
    units AS (
        SELECT CAST(reviews AS DOUBLE PRECISION) AS m, mean, variance FROM pa WHERE reviews >= 2
    ),
    grand AS (
        SELECT SUM(m) AS n, SUM(m * mean) / SUM(m) AS mean, COUNT(*) AS units FROM units
    ),
    agreement AS (
        SELECT g.n, g.units,
               SUM(u.m * u.m * u.variance / (u.m - 1)) AS within,
               (SUM(u.m * u.variance) + SUM(u.m * (u.mean - g.mean) * (u.mean - g.mean))) / g.n AS total_var
        FROM units u CROSS JOIN grand g GROUP BY g.n, g.units
    ),
{tb_sql}    keyed AS (
        SELECT a.id, a.nomination_id, a.submitted_at, a.number, COALESCE(pa.reviews, 0) AS reviews,
               pa.mean, pa.median, pa.trimmed, pa.calibrated, {score} AS score, pa.spread, pa.low,
               pa.high, {_tie_key(score)} AS score_key, {tie} AS tie,
               CASE WHEN pa.reviews >= 2 THEN {_tie_key("pa.spread")} END AS spread_key
        FROM apps a LEFT JOIN pa ON pa.application_id = a.id {tb_join}
    ),
    ordered AS (
        SELECT keyed.*, ROW_NUMBER() OVER (ORDER BY {order}) AS position,
               RANK() OVER (ORDER BY spread_key DESC NULLS LAST) - 1 AS wider
        FROM keyed
    ),
    ranked AS (
        SELECT ordered.*,
               ROW_NUMBER() OVER (PARTITION BY nomination_id ORDER BY position) AS position_in_nomination
        FROM ordered
    )
    SELECT ranked.id, ranked.nomination_id, ranked.position, ranked.position_in_nomination,
           ranked.reviews, ranked.mean, ranked.median, ranked.trimmed, ranked.calibrated, ranked.score,
           ranked.spread, ranked.low, ranked.high,
           CASE WHEN ranked.reviews >= 2 AND ranked.wider < %s * (SELECT units FROM grand)
                     AND ranked.high - ranked.low >= %s THEN 1 ELSE 0 END AS contested,
           -- The round's figures once, on the first row: 40,000 repeated values cost time to send.
           CASE WHEN ranked.position = 1 THEN (SELECT n FROM agreement) END,
           CASE WHEN ranked.position = 1 THEN (SELECT within FROM agreement) END,
           CASE WHEN ranked.position = 1 THEN (SELECT total_var FROM agreement) END,
           CASE WHEN ranked.position = 1 THEN (SELECT COALESCE(SUM(n), 0) FROM jur) END
    FROM ranked ORDER BY ranked.position
    """
    percent = trim_percent(round_)
    params = [
        *rev_params,
        NOISE * width,
        percent,
        percent,
        CONTESTED_TOP_SHARE,
        (CONTESTED_MIN_RANGE - NOISE) * width,
    ]
    return sql, params


def alpha(n: float | None, within: float | None, total_var: float | None, width: float) -> float | None:
    """Krippendorff's alpha (interval) from the pairable values' count n, Σ m²·var/(m − 1) over the
    units and the pooled population variance; None when undefined (no units, no variation)."""
    if not n or n < 2 or within is None or total_var is None or total_var <= (NOISE * width) ** 2:
        return None
    return 1.0 - (n - 1) / (n * n) * within / total_var


def rank(round_: Round, *, method: str | None = None, nomination_id: int | None = None) -> Ranking:
    """The round's ranking by `method` (the round's own by default), optionally one nomination's
    rows (positions stay those of the whole round). A constant number of queries.

    The computation is cached under a fingerprint of everything it reads (submitted reviews, the
    round's applications, criteria and settings), read in two cheap queries: a new submission, a
    reopened or recused review, a changed weight or tie-break changes the fingerprint, so a stale
    ranking is never served and nothing is ever rewritten to invalidate it."""
    method = method or round_.method
    if method not in METHODS:
        raise ValueError(f"Unknown ranking method {method!r}; expected one of {', '.join(METHODS)}.")
    criteria = list(round_criteria(round_))
    key = f"review:ranking:{round_.pk}:{method}:{fingerprint(round_, criteria)}"
    records = cache.get(key)
    if records is None:
        records = ranking_records(round_, criteria, method)
        cache.set(key, records, RANKING_CACHE_SECONDS)
    return _ranking(round_, criteria, method, records, nomination_id)


def compute_rank(round_: Round, criteria: list[Criterion], method: str) -> Ranking:
    """The whole round's ranking straight from the database, bypassing the cache."""
    return _ranking(round_, criteria, method, ranking_records(round_, criteria, method), None)


def _ranking(
    round_: Round, criteria: list[Criterion], method: str, records: list[tuple], nomination_id: int | None
) -> Ranking:
    scale = display_scale(criteria)
    rows = [_ranked_row(record) for record in records if nomination_id is None or record[1] == nomination_id]
    return Ranking(
        round_id=round_.pk,
        method=method,
        parameters=parameters_of(round_, criteria),
        scale=scale,
        rows=rows,
        agreement=alpha(*records[0][14:17], scale[1] - scale[0]) if records else None,
        reviews=records[0][17] if records else 0,
    )


def _ranked_row(record: tuple) -> RankedRow:
    return RankedRow._make((*record[:13], bool(record[13])))


def fingerprint(round_: Round, criteria: list[Criterion]) -> str:
    """A digest of what a ranking reads. Submitted reviews' scores cannot change without the
    review changing state (reopen), which moves its `updated_at`, so their count and latest change
    stand for them; the applications' nomination, number and submission time (the tie-breaks) are
    digested whole (by the database on PostgreSQL, so 10,000 rows never travel)."""
    reviews = Review.objects.filter(round=round_, state=Review.State.SUBMITTED).aggregate(
        n=Count("pk"), last=Max("updated_at"), low=Min("pk"), high=Max("pk")
    )
    digest = hashlib.sha256()
    digest.update(repr(sorted(reviews.items())).encode())
    digest.update(_applications_digest(round_).encode())
    digest.update(
        repr(
            [
                [(c.pk, c.weight, c.scale_min, c.scale_max, c.nomination_id) for c in criteria],
                (round_.trim_share, round_.contest.tie_break_criterion_id),
            ]
        ).encode()
    )
    return digest.hexdigest()


def _applications_digest(round_: Round) -> str:
    fields = ("id", "nomination_id", "number", "submitted_at")
    applications = round_applications(round_).order_by().values_list(*fields)
    if connection.vendor != "postgresql":
        return repr(sorted(applications))
    inner, params = applications.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(concat_ws(':', a.id, a.nomination_id, a.number, a.submitted_at::text), "
            f"',' ORDER BY a.id)) FROM ({inner}) AS a",
            params,
        )
        return cursor.fetchone()[0] or ""


def ranking_records(round_: Round, criteria: list[Criterion], method: str) -> list[tuple]:
    """The ranking statement's rows (plain tuples: cheap to cache)."""
    sql, params = ranking_sql(round_, criteria, method)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for setting in SESSION_SETTINGS:
                cursor.execute(setting)
        cursor.execute(sql, params)
        return cursor.fetchall()


def ranking_page(
    round_: Round,
    *,
    method: str | None = None,
    nomination_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[Ranking, list[tuple[RankedRow, Application]]]:
    """One page of the ranking with its applications (organisation and nomination joined), fetched
    in one query whatever the page's size."""
    ranking = rank(round_, method=method, nomination_id=nomination_id)
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
