"""What the ranking reads, kept up to date as reviews change (issue 19).

Each submitted review carries its **total** — Σ w·(v − min)/(max − min) / Σ w over the round's
criteria it scores, on 0..1 (NULL when it scores none) — and its raw tie-break score; each juror in
each round carries the count, mean and n·variance of their totals (`JurorTotals`). The ranking
statement reads those review-level rows and the few juror rows, never the scores.

Kept in the transaction that submits, reopens or recuses a review (`sync_reviews`: two statements
for the review, two for its juror). A change of weights, scales, the round's criteria, the
tie-break criterion or the round's applications changes the round's **basis**; the next ranking
then recomputes every total in one set-based UPDATE and every juror's figures in one INSERT …
SELECT (`refresh_round`). Any review changed by a path that did not sync (bulk tools, fixtures) has
`counted_at` ≠ `updated_at` and is recomputed before the next ranking is computed (`heal`), so a
stale total is never ranked: such a change moves the round's stamp (`RoundTotals.reviews_changed`,
kept by a trigger), so the ranking is computed afresh, and only then are the stale reviews looked
for (serving a fresh ranking never scans the round).
"""

import hashlib
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum

from contests.models import Criterion
from review.models import JurorTotals, Review, Round, RoundTotals
from review.selectors import round_applications, round_criteria

SUBMITTED = Review.State.SUBMITTED


def basis(round_: Round, criteria: Sequence[Criterion], applications_changed: int) -> str:
    """A digest of everything the stored totals and juror figures depend on besides the reviews:
    the criteria, the tie-break criterion and the round's applications (`applications_changed`,
    the round's counter kept by the database, moves whenever they change)."""
    digest = hashlib.sha256()
    digest.update(
        repr(
            [
                [(c.pk, str(c.weight), c.scale_min, c.scale_max) for c in criteria],
                round_.contest.tie_break_criterion_id,
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


def sync_reviews(reviews: Iterable[Review]) -> None:
    """After a transition (in its transaction): the reviews' totals and their jurors' figures.
    O(1) statements per round touched."""
    by_round: dict[int, list[Review]] = {}
    for review in reviews:
        by_round.setdefault(review.round_id, []).append(review)
    for changed in by_round.values():
        round_ = Round.objects.select_related("contest").get(pk=changed[0].round_id)
        update_totals(round_, list(round_criteria(round_)), [r.pk for r in changed])
        update_jurors(round_, [r.juror_id for r in changed])


def refresh_round(round_: Round, criteria: Sequence[Criterion], new_basis: str) -> None:
    """Every total and every juror's figures of the round, set-based, and the basis recorded."""
    update_totals(round_, criteria)
    update_jurors(round_)
    # Writes `basis` only (update_or_create saves its defaults' fields): the stamp's counters
    # belong to the triggers.
    RoundTotals.objects.update_or_create(round=round_, defaults={"basis": new_basis})


def heal(round_: Round, criteria: Sequence[Criterion], new_basis: str) -> None:
    """Before a ranking is computed (never when a fresh one is served): recompute everything when
    the basis moved, else what was changed behind the services' back: reviews whose stored total
    is stale, and the jurors' figures when they no longer count the round's submitted totals (a
    submitted review deleted, moved to another juror). One scan of the round's reviews finds both;
    the stored totals' own writes do not move the round's stamp (migration 0008)."""
    with transaction.atomic():
        current = RoundTotals.objects.filter(round=round_).values_list("basis", flat=True).first()
        if current != new_basis:
            refresh_round(round_, criteria, new_basis)
            return
        applications = round_applications(round_).order_by().values("pk")
        found = Review.objects.filter(round=round_).aggregate(
            stale=Count("pk", filter=stale_reviews()),
            counted=Count("pk", filter=Q(state=SUBMITTED, total__isnull=False, application__in=applications)),
        )
        kept = JurorTotals.objects.filter(round=round_).aggregate(n=Sum("n"))["n"] or 0
        if found["stale"]:
            changed = Review.objects.filter(round=round_).filter(stale_reviews()).values_list("pk", flat=True)
            update_totals(round_, criteria, list(changed))
        if found["stale"] or found["counted"] != kept:
            update_jurors(round_)


def stale_reviews():
    """Reviews whose stored total does not match their state or their last change."""
    submitted = Q(state=SUBMITTED)
    return (submitted & (Q(counted_at__isnull=True) | ~Q(counted_at=F("updated_at")))) | (
        ~submitted & (Q(counted_at__isnull=False) | Q(total__isnull=False))
    )
