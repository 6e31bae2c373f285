"""What the ranking reads, kept up to date as reviews change (issue 19).

Each submitted review carries its **total** — Σ w·(v − min)/(max − min) / Σ w over the round's
criteria it scores, on 0..1 (NULL when it scores none) — and its raw tie-break score; each juror in
each round carries the count, mean and n·variance of their totals (`JurorTotals`); each
application the count, mean, median, trimmed mean, variance, range and mean tie-break score of its
reviews' totals and the mean z-score of those totals against their jurors' figures
(`ApplicationTotals`); each round its units — the applications with two reviews or more —
pooled (`Pooled`, on its RoundTotals row: what the agreement and the contested threshold read). The
ranking statement reads the application rows and the few juror rows, never the reviews or the
scores.

Kept in the transaction that submits, reopens or recuses a review (`sync_reviews`: two statements
for the review, two for its juror, two for the applications that juror reviewed in the round —
their z-scores move with the juror's figures — and three to take those applications' part out of
the round's pooled units and put it back). Two transactions never interleave one round's
rewrites: each holds the round's RoundTotals row first (`lock_rounds`; a submission holds it
already, through the stamp's trigger). A change of weights, scales, the round's criteria,
the tie-break criterion, the trim share or the round's applications changes the round's
**basis**; the next ranking then recomputes every total in one set-based UPDATE and the jurors' and
applications' figures in one INSERT … SELECT each (`refresh_round`). What changed behind the
services' back is repaired before the next ranking is computed (`heal`), without scanning the
round: a review whose state or `updated_at` changed has `counted_at` ≠ `updated_at` (a partial
index holds only such reviews); a submitted review deleted or moved sets the round's `recount`
(triggers, migration 0010). Serving a fresh ranking reads neither.
"""

import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import QuerySet, Subquery

from contests.models import Criterion
from core.compiled import Compiled
from review.models import STALE_TOTALS, ApplicationTotals, JurorTotals, Review, Round, RoundTotals
from review.selectors import criteria_of_round, round_applications

SUBMITTED = Review.State.SUBMITTED
# Standard deviations below this share of the display range are floating-point noise, not spread:
# a juror whose totals differ only there gave everyone the same total, and carries no z-score.
NOISE = 1e-9


def basis(round_: Round, criteria: Sequence[Criterion], applications_changed: int) -> str:
    """A digest of everything the stored figures depend on besides the reviews: the criteria, the
    tie-break criterion, the trim share and the round's applications (`applications_changed`, the
    round's counter kept by the database, moves whenever they change)."""
    digest = hashlib.sha256()
    digest.update(
        repr(
            [
                [(c.pk, str(c.weight), c.scale_min, c.scale_max) for c in criteria],
                round_.contest.tie_break_criterion_id,
                str(round_.trim_share),
            ]
        ).encode()
    )
    digest.update(f"applications:{applications_changed}".encode())
    return digest.hexdigest()


def totals_update_sql(
    criteria: Sequence[tuple[int, object, int, int]], tie_id: int | None, round_id: int, review_ids=None
) -> tuple[str, list]:
    """One UPDATE setting `total`, `tie` and `counted_at` of the round's reviews (or of
    `review_ids`) from their scores. `criteria`: (pk, weight, scale_min, scale_max). Plain table
    names only, so the data migration can run it with historical models."""
    double = "CAST(%s AS DOUBLE PRECISION)"
    weighted = " ".join(f"WHEN %s THEN {double} * (s.value - {double}) / {double}" for _ in criteria)
    weights = " ".join(f"WHEN %s THEN {double}" for _ in criteria)
    ids = [c[0] for c in criteria] or [0]  # no criteria: no total (no criterion has pk 0)
    placeholders = ", ".join(["%s"] * len(ids))
    total = (
        f"""(SELECT SUM(CASE s.criterion_id {weighted} END) / SUM(CASE s.criterion_id {weights} END)
             FROM review_score s
             WHERE s.review_id = review_review.id AND s.criterion_id IN ({placeholders}))"""
        if criteria
        else "CAST(NULL AS DOUBLE PRECISION)"  # a bare NULL in a CASE is text to PostgreSQL
    )
    sql = f"""
    UPDATE review_review SET
        total = CASE WHEN state = %s THEN {total} END,
        tie = CASE WHEN state = %s THEN (SELECT MAX(s.value) FROM review_score s
                                         WHERE s.review_id = review_review.id AND s.criterion_id = %s) END,
        counted_at = CASE WHEN state = %s THEN updated_at END
    WHERE round_id = %s"""
    params: list = [SUBMITTED]
    if criteria:
        params += [p for pk, w, lo, hi in criteria for p in (pk, w, lo, hi - lo)]
        params += [p for pk, w, _lo, _hi in criteria for p in (pk, w)]
        params += ids
    params += [SUBMITTED, tie_id or 0, SUBMITTED, round_id]
    if review_ids is not None:
        review_ids = list(review_ids)
        sql += f" AND id IN ({', '.join(['%s'] * len(review_ids))})"
        params += review_ids
    return sql, params


def _criteria_rows(criteria: Iterable[Criterion]) -> list[tuple[int, object, int, int]]:
    return [(c.pk, c.weight, c.scale_min, c.scale_max) for c in criteria]


def update_totals(round_: Round, criteria: Sequence[Criterion], review_ids=None) -> None:
    """The reviews' totals (all the round's when `review_ids` is None) in one statement."""
    if review_ids is not None and not review_ids:
        return
    sql, params = totals_update_sql(
        _criteria_rows(criteria), round_.contest.tie_break_criterion_id, round_.pk, review_ids
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def update_jurors(round_: Round, juror_ids=None) -> None:
    """The jurors' running figures (all the round's when `juror_ids` is None) recomputed from their
    reviews' stored totals: one DELETE and one INSERT … SELECT, whatever the number of jurors."""
    if juror_ids is not None:
        juror_ids = sorted(set(juror_ids))
        if not juror_ids:
            return
    stale = JurorTotals.objects.filter(round=round_)
    if juror_ids is not None:
        stale = stale.filter(juror_id__in=juror_ids)
    stale.delete()
    apps_sql, apps_params = round_applications(round_).order_by().values("id").query.sql_with_params()
    only = ""
    params: list = [round_.pk, round_.pk, SUBMITTED, *apps_params]
    if juror_ids is not None:
        only = f" AND r.juror_id IN ({', '.join(['%s'] * len(juror_ids))})"
        params += juror_ids
    sql = f"""
    INSERT INTO review_jurortotals (round_id, juror_id, n, mean, m2)
    SELECT %s, r.juror_id, COUNT(*), AVG(r.total), VAR_POP(r.total) * COUNT(*)
    FROM review_review r
    WHERE r.round_id = %s AND r.state = %s AND r.total IS NOT NULL
          AND r.application_id IN ({apps_sql}){only}
    GROUP BY r.juror_id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _trim_percent(round_: Round) -> int:
    # trim_share has two decimal places: whole percent keeps floor(n·share) integer arithmetic.
    return int(Decimal(round_.trim_share) * 100)


def update_applications(round_: Round, criteria: Sequence[Criterion], juror_ids=None) -> None:
    """The applications' rows (all the round's when `juror_ids` is None, else those of the
    applications the jurors reviewed in the round, whatever the review's state) from the stored
    review totals and juror figures: one DELETE and one INSERT … SELECT, whatever their number.
    Every application of the round has its row, with no reviews as with many."""
    if juror_ids is not None:
        juror_ids = sorted(set(juror_ids))
        if not juror_ids:
            return
    table = ApplicationTotals._meta.db_table
    apps_sql, apps_params = round_applications(round_).order_by().values("id").query.sql_with_params()
    if juror_ids is None:
        targets = f"SELECT id AS application_id FROM ({apps_sql}) apps"
        target_params: list = [*apps_params]
        stale_sql, stale_params = f"DELETE FROM {table} WHERE round_id = %s", [round_.pk]
        rewritten = None  # every row: the units counted afresh
    else:
        jurors = ", ".join(["%s"] * len(juror_ids))
        reviewed = (
            "SELECT DISTINCT application_id FROM review_review "
            f"WHERE round_id = %s AND juror_id IN ({jurors})"
        )
        targets = f"{reviewed} AND application_id IN ({apps_sql})"
        target_params = [round_.pk, *juror_ids, *apps_params]
        stale_sql = f"DELETE FROM {table} WHERE round_id = %s AND application_id IN ({reviewed})"
        stale_params = [round_.pk, round_.pk, *juror_ids]
        rewritten = (reviewed, [round_.pk, *juror_ids])  # their part of the units, out and back in
    tie_id = round_.contest.tie_break_criterion_id
    # The tie-break criterion is one the round scores (or none): its mean over the reviews with a
    # total; else over every submitted review that carries its score.
    counted_tie = tie_id is None or tie_id in {c.pk for c in criteria}
    tie = "pa.tie" if counted_tie else "ties.tie"
    ties_join = (
        ""
        if counted_tie
        else """LEFT JOIN (SELECT application_id, AVG(CAST(tie AS DOUBLE PRECISION)) AS tie
                   FROM rev WHERE tie IS NOT NULL GROUP BY application_id) ties
                  ON ties.application_id = ids.application_id"""
    )
    sql = f"""
    INSERT INTO {table}
        (round_id, application_id, nomination_id, submitted_at, number, reviews, mean, median, trimmed,
         variance, low, high, tie, z)
    SELECT * FROM (
    WITH targets AS ({targets}),
    rev AS (
        SELECT r.application_id, r.juror_id, r.total, r.tie
        FROM targets t JOIN review_review r ON r.application_id = t.application_id
        WHERE r.round_id = %s AND r.state = %s
    ),
    jur AS (SELECT juror_id, n, mean, SQRT(m2 / n) AS sd FROM review_jurortotals WHERE round_id = %s),
    cal AS (
        SELECT rev.application_id, rev.total, rev.tie,
               CASE WHEN j.n >= 2 AND j.sd > %s THEN (rev.total - j.mean) / j.sd END AS z,
               ROW_NUMBER() OVER w AS rn, COUNT(*) OVER w AS cnt
        FROM rev LEFT JOIN jur j ON j.juror_id = rev.juror_id
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
               VAR_POP(total) AS variance, MIN(total) AS low, MAX(total) AS high,
               AVG(CAST(tie AS DOUBLE PRECISION)) AS tie, AVG(z) AS z
        FROM cal GROUP BY application_id
    )
    SELECT %s, a.id, a.nomination_id, a.submitted_at, a.number, COALESCE(pa.reviews, 0), pa.mean,
           pa.median, pa.trimmed, pa.variance, pa.low, pa.high, {tie}, pa.z
    FROM targets ids JOIN applications_application a ON a.id = ids.application_id
         LEFT JOIN pa ON pa.application_id = ids.application_id {ties_join}
    ORDER BY ids.application_id
    ) AS computed"""
    percent = _trim_percent(round_)
    params = [*target_params, round_.pk, SUBMITTED, round_.pk, NOISE, percent, percent, round_.pk]
    part, kept = pooled(round_, rewritten) if rewritten else (NO_UNITS, None)
    with connection.cursor() as cursor:
        cursor.execute(stale_sql, stale_params)
        cursor.execute(sql, params)
    if rewritten is None:
        _store_pooled(round_, pooled(round_, None)[0])
    elif kept is not None:  # else not counted yet: the next ranking counts them (heal)
        _store_pooled(round_, kept.minus(part).plus(pooled(round_, rewritten)[0]))


class Pooled(NamedTuple):
    """Units (applications with two reviews or more) pooled: their number, their reviews' count,
    the mean of those reviews' totals and the sum of their squared deviations from it, and
    Σ m²·variance/(m − 1) — Krippendorff's alpha's parts. Sets of units combine and come apart
    (Chan's formulas), so rewriting a juror's applications moves the round's figures by their part
    only. The mean moves by differences of means and squares of differences, never by raw sums of
    squares, so nothing cancels: where everyone gave the same total, the spread stays at the level
    of one rounding of the mean, far below noise."""

    units: int
    n: int
    mean: float
    m2: float
    within: float

    def plus(self, other: "Pooled") -> "Pooled":
        n = self.n + other.n
        if not other.n:
            return self
        if not self.n:
            return other
        delta = other.mean - self.mean
        return Pooled(
            self.units + other.units,
            n,
            self.mean + delta * other.n / n,
            self.m2 + other.m2 + delta * delta * self.n * other.n / n,
            self.within + other.within,
        )

    def minus(self, part: "Pooled") -> "Pooled":
        """What remains when `part`, a subset, is taken out. Nothing left is exactly nothing (no
        rounding carried over); what is left never has a negative spread."""
        n = self.n - part.n
        if not part.n:
            return self
        if self.units <= part.units or n <= 0:
            return NO_UNITS
        mean = self.mean + (self.mean - part.mean) * part.n / n
        delta = part.mean - mean
        return Pooled(
            self.units - part.units,
            n,
            mean,
            max(self.m2 - part.m2 - delta * delta * n * part.n / self.n, 0.0),
            max(self.within - part.within, 0.0),
        )


NO_UNITS = Pooled(0, 0, 0.0, 0.0, 0.0)
# RoundTotals' columns that keep the round's Pooled units, in Pooled's order.
POOLED_COLUMNS = ("units", "pairable", "unit_mean", "unit_m2", "within")


def pooled(round_: Round, only: tuple[str, list] | None) -> tuple[Pooled, Pooled | None]:
    """The round's units pooled (those of the applications `only` selects, a subquery of ids, when
    given) from their rows, the spread taken around the set's own mean; and the round's units as
    kept on its RoundTotals row (None: not counted yet). One statement."""
    only_sql, only_params = (f"AND application_id IN ({only[0]})", only[1]) if only else ("", [])
    kept = ", ".join(f"k.{column}" for column in POOLED_COLUMNS)
    sql = f"""
    WITH u AS (
        SELECT CAST(reviews AS DOUBLE PRECISION) AS m, mean, variance AS v
        FROM {ApplicationTotals._meta.db_table}
        WHERE round_id = %s AND reviews >= 2 {only_sql}
    ),
    s AS (SELECT COUNT(*) AS units, SUM(m) AS n, SUM(m * mean) / SUM(m) AS mean FROM u)
    SELECT s.units, s.n, s.mean, SUM(u.m * u.v + u.m * (u.mean - s.mean) * (u.mean - s.mean)),
           SUM(u.m * u.m * u.v / (u.m - 1)), {kept}
    FROM s LEFT JOIN u ON 1 = 1 LEFT JOIN {RoundTotals._meta.db_table} k ON k.round_id = %s
    GROUP BY s.units, s.n, s.mean, {kept}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_.pk, *only_params, round_.pk])
        units, n, mean, m2, within, *stored = cursor.fetchone()
    found = NO_UNITS if not units else Pooled(units, int(n), mean, m2, within)
    return found, None if stored[0] is None else Pooled(*stored)


def stored_pooled(round_: Round) -> Pooled | None:
    """The round's units as kept on its RoundTotals row; None when not counted yet."""
    found = RoundTotals.objects.filter(round=round_).values_list(*POOLED_COLUMNS)
    return next((Pooled(*row) for row in found if row[0] is not None), None)


def _store_pooled(round_: Round, units: Pooled) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RoundTotals._meta.db_table} "
            f"SET {', '.join(f'{column} = %s' for column in POOLED_COLUMNS)} WHERE round_id = %s",
            [*units, round_.pk],
        )


def sync_reviews(reviews: Iterable[Review]) -> None:
    """After a transition (in its transaction): the reviews' totals, their jurors' figures and the
    figures of the applications those jurors reviewed. O(1) statements per round touched."""
    by_round: dict[int, list[Review]] = {}
    for review in reviews:
        by_round.setdefault(review.round_id, []).append(review)
    lock_rounds(by_round)
    if by_round and connection.vendor == "postgresql":
        # For the rest of this transaction. These statements touch the few hundred rows of one
        # juror's applications among tens of thousands; at the default random_page_cost (4, a
        # spinning disk's) PostgreSQL would rather hash whole tables than look those rows up by
        # index, and each statement takes 4 × longer (9 ms instead of 2 at 50,000 applications).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
    for changed in by_round.values():
        round_ = Round.objects.select_related("contest").get(pk=changed[0].round_id)
        criteria = criteria_of_round(round_)
        jurors = [r.juror_id for r in changed]
        update_totals(round_, criteria, [r.pk for r in changed])
        update_jurors(round_, jurors)
        update_applications(round_, criteria, jurors)


def refresh_round(round_: Round, criteria: Sequence[Criterion], new_basis: str) -> None:
    """Every total and every juror's and application's figures, set-based, and the basis recorded."""
    # First, so that the pooled units find the row. Writes `basis` and `recount` only
    # (update_or_create saves its defaults' fields): the stamp's counters belong to the triggers.
    RoundTotals.objects.update_or_create(round=round_, defaults={"basis": new_basis, "recount": None})
    update_totals(round_, criteria)
    update_jurors(round_)
    update_applications(round_, criteria)


def lock_rounds(round_ids: Iterable[int]) -> None:
    """Hold the rounds' RoundTotals rows until the transaction ends, in id order: the juror and
    application figures are rewritten by DELETE and INSERT, which two writers of one round must
    not interleave (the second would insert rows the first inserted meanwhile). A submission
    holds its round's row already (the stamp's trigger); a recusal of an unsubmitted review, or a
    reader repairing the figures, does not."""
    if connection.vendor != "postgresql":
        return  # SQLite writes one transaction at a time
    ids = sorted(set(round_ids))
    if ids:
        list(
            RoundTotals.objects.select_for_update()
            .filter(round_id__in=ids)
            .order_by("round_id")
            .values_list("pk")
        )


def _check(round_: Round) -> tuple | None:
    """The round's basis, recount flag, first stale review and units (`_CHECK`); None: no row."""
    with connection.cursor() as cursor:
        cursor.execute(*_CHECK.bind({_ROUND: round_.pk}))
        return cursor.fetchone()


def _sound(found: tuple | None, new_basis: str) -> bool:
    """Whether heal's check found nothing to repair: the basis current, no recount, no stale review,
    the units counted."""
    if found is None:
        return False
    basis_, recount, stale, units = found
    return basis_ == new_basis and not recount and stale is None and units is not None


# A stand-in for the round's id in the compiled check: no round has a negative id.
_ROUND = -1


def _check_query() -> QuerySet:
    """`heal`'s one read (compiled once per process: `core.compiled`): the round's basis, recount
    flag and units, and its first stale review by id — asked that way, PostgreSQL reads the
    partial index that holds only stale reviews whatever it guesses of their number."""
    stale = Review.objects.filter(round_id=_ROUND).filter(STALE_TOTALS).order_by("pk").values("pk")[:1]
    return (
        RoundTotals.objects.filter(round_id=_ROUND)
        .annotate(stale=Subquery(stale))
        .values_list("basis", "recount", "stale", "units")
    )


_CHECK = Compiled(_check_query)


def heal(round_: Round, criteria: Sequence[Criterion], new_basis: str) -> None:
    """Before a ranking is computed (never when a fresh one is served): recompute everything when
    the basis moved; else what was changed behind the services' back — reviews whose stored total
    is stale (read through a partial index that holds only them), with their jurors' and
    applications' figures, and every juror's and application's figures when a submitted review was
    deleted or moved (`recount`, set by triggers). One small read when nothing is amiss."""
    if _sound(found := _check(round_), new_basis):
        return  # nothing amiss: one query
    with transaction.atomic():
        lock_rounds([round_.pk])  # another reader may be repairing it: wait, then look again
        if _sound(found := _check(round_), new_basis):
            return
        if found is None or found[0] != new_basis or found[3] is None:
            refresh_round(round_, criteria, new_basis)
            return
        stale = list(Review.objects.filter(round=round_).filter(STALE_TOTALS).values_list("pk", "juror_id"))
        update_totals(round_, criteria, [pk for pk, _juror in stale])
        if found[1]:
            update_jurors(round_)
            update_applications(round_, criteria)
            RoundTotals.objects.filter(round=round_).update(recount=None)
        elif stale:
            jurors = [juror for _pk, juror in stale]
            update_jurors(round_, jurors)
            update_applications(round_, criteria, jurors)
