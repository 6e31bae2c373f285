"""Issue 19: the stored totals the ranking reads are kept in the transaction that changes a review
(submit, reopen, recuse, juror removal) and recomputed set-based after a weight change; the SQL
ranking still equals the plain-Python reference afterwards (hypothesis, both databases), and a
page of the ranking reads the stored positions."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review import reference, services, totals
from review.models import STALE_TOTALS, ApplicationTotals, JurorTotals, RankingRow, Review, Round, RoundTotals
from review.ranking import rank, ranking_page, stored_ranking
from review.selectors import criteria_of_round, round_criteria
from tests.factories import UserFactory
from tests.review.ranking_data import Spec, build, specs
from tests.review.test_ranking_properties import assert_same

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
OPERATIONS = ("reopen", "recuse", "weight", "remove_juror", "submit")


def _juror_figures(round_: Round) -> dict[int, tuple[int, float, float]]:
    return {j.juror_id: (j.n, j.mean, j.m2) for j in JurorTotals.objects.filter(round=round_)}


APPLICATION_FIGURES = ("reviews", "mean", "median", "trimmed", "variance", "low", "high", "tie", "z")


def _application_figures(round_: Round) -> dict[int, tuple]:
    rows = ApplicationTotals.objects.filter(round=round_).values_list("application_id", *APPLICATION_FIGURES)
    return {row[0]: row[1:] for row in rows}


def _assert_kept(round_: Round) -> None:
    """What the services left equals a full recomputation: nothing stale, same juror and
    application figures."""
    assert not Review.objects.filter(round=round_).filter(STALE_TOTALS).exists()
    kept, kept_applications = _juror_figures(round_), _application_figures(round_)
    kept_units = totals.stored_pooled(round_)
    with transaction.atomic():
        totals.update_jurors(round_)
        totals.update_applications(round_, list(round_criteria(round_)))
        fresh, fresh_applications = _juror_figures(round_), _application_figures(round_)
        fresh_units = totals.stored_pooled(round_)
        transaction.set_rollback(True)
    # The round's pooled units, moved part by part, equal the units pooled afresh.
    assert kept_units is not None and fresh_units is not None
    assert kept_units[:2] == fresh_units[:2]
    assert kept_units[2:] == pytest.approx(fresh_units[2:], abs=1e-12)
    assert kept.keys() == fresh.keys()
    for juror, (n, mean, m2) in kept.items():
        assert n == fresh[juror][0]
        assert mean == pytest.approx(fresh[juror][1], abs=1e-12)
        assert m2 == pytest.approx(fresh[juror][2], abs=1e-12)
    assert kept_applications.keys() == fresh_applications.keys()
    for application, figures in kept_applications.items():
        assert figures == pytest.approx(fresh_applications[application], abs=1e-12, nan_ok=True), application


def _apply(built, operation: str, pick: int, organiser) -> None:
    round_ = built.round
    Round.objects.filter(pk=round_.pk).update(state=Round.State.OPEN)
    round_.refresh_from_db()
    submitted = sorted(
        (r for r in built.reviews.values() if r.state == Review.State.SUBMITTED), key=lambda r: r.pk
    )
    if operation == "weight":
        criterion = built.criteria[pick % len(built.criteria)]
        criterion.weight = Decimal("7.5")
        criterion.save()
        return
    if not submitted:
        return
    review = Review.objects.get(pk=submitted[pick % len(submitted)].pk)
    if operation == "reopen":
        services.reopen_review(review, by=organiser, note="Перевірте, будь ласка.")
    elif operation == "recuse":
        services.recuse(review.juror, review.application, by=organiser, reason="Конфлікт інтересів.")
    elif operation == "remove_juror":
        for own in Review.objects.filter(juror=review.juror, state__in=Review.LIVE_STATES):
            services.recuse(own.juror, own.application, by=organiser, reason="Вибуває з журі.")
        services.remove_juror(review.juror, by=organiser)
    elif operation == "submit":
        # Reopened, one score changed, submitted again: the new total replaces the old.
        services.reopen_review(review, by=organiser, note="Перевірте, будь ласка.")
        score = review.scores.order_by("pk").first()
        if score is not None:
            criterion = score.criterion
            score.value = criterion.scale_max if score.value != criterion.scale_max else criterion.scale_min
            score.save()
        Review.objects.filter(pk=review.pk).update(state=Review.State.IN_PROGRESS)
        review = Review.objects.get(pk=review.pk)
        if not services.missing_criteria(review):
            services.submit_review(review, by=review.juror.user)


@EXAMPLES
@given(
    spec=specs(), operations=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50)), max_size=3)
)
def test_sql_equals_the_reference_after_changes(spec, operations) -> None:
    with transaction.atomic():
        built = build(spec)
        organiser = UserFactory()
        rank(built.round)  # the bulk-built rows get their totals (healed on the first read)
        for operation, pick in operations:
            _apply(built, operation, pick, organiser)
            # A removed juror's reviews are gone with them.
            fresh = Review.objects.in_bulk([r.pk for r in built.reviews.values()])
            built.reviews = {k: fresh[r.pk] for k, r in built.reviews.items() if r.pk in fresh}
            if operation != "weight":
                _assert_kept(built.round)
            round_ = Round.objects.select_related("contest").get(pk=built.round.pk)
            data = reference.load(round_)
            for method in Round.Method.values:
                assert_same(rank(round_, method=method), reference.rank(data, method=method))
            assert_same(stored_ranking(round_), reference.rank(data))
        transaction.set_rollback(True)


def test_a_weight_change_recomputes_the_totals_in_one_statement() -> None:
    built = build(
        Spec(
            criteria=[(Decimal("1"), 0, 10), (Decimal("2"), 0, 10)],
            nominations=1,
            applications=3,
            jurors=2,
            reviews=[
                (j, a, Review.State.SUBMITTED, {0: a + j, 1: 10 - a}) for j in range(2) for a in range(3)
            ],
        )
    )
    rank(built.round)
    built.criteria[0].weight = Decimal("5")
    built.criteria[0].save()
    with CaptureQueriesContext(connection) as queries:
        ranking = rank(built.round)
    statements = [q["sql"].lstrip() for q in queries.captured_queries]
    # One set-based UPDATE of the round's reviews, whatever their number (and the basis recorded).
    assert len([sql for sql in statements if sql.startswith("UPDATE review_review")]) == 1
    assert_same(ranking, reference.rank(reference.load(built.round)))


def test_a_page_reads_stored_positions_and_follows_a_submission(count_queries) -> None:
    built = build(
        Spec(
            criteria=[(Decimal("1"), 0, 10)],
            nominations=2,
            applications=7,
            jurors=2,
            reviews=[(j, a, Review.State.SUBMITTED, {0: a}) for j in range(2) for a in range(6)]
            + [(0, 6, Review.State.IN_PROGRESS, {0: 10})],
            method=Round.Method.MEAN,
        )
    )
    ranking, page = ranking_page(built.round, page=2, per_page=3)
    assert len(ranking.rows) == 7
    assert [row.position for row, _application in page] == [4, 5, 6]
    assert RankingRow.objects.filter(round=built.round, method="mean").count() == 7
    # A second read stores nothing again and reads one slice.
    with CaptureQueriesContext(connection) as queries:
        ranking_page(built.round, page=1, per_page=3)
    assert not any("INSERT" in q["sql"].upper() for q in queries.captured_queries)
    # A submission moves the fingerprint: the stored positions are replaced.
    Round.objects.filter(pk=built.round.pk).update(state=Round.State.OPEN)
    review = Review.objects.get(pk=built.reviews[0, 6].pk)
    services.submit_review(review, by=review.juror.user)
    ranking, page = ranking_page(Round.objects.get(pk=built.round.pk), page=1, per_page=3)
    assert page[0][1].pk == built.applications[6].pk
    nomination = built.applications[0].nomination_id
    ranking, page = ranking_page(built.round, nomination_id=nomination, page=1, per_page=50)
    assert len(ranking.rows) == len([a for a in built.applications if a.nomination_id == nomination])
    assert all(row.nomination_id == nomination for row, _application in page)


def test_iterating_a_stored_ranking_reads_slices_not_rows(monkeypatch) -> None:
    """Walking all the stored rows (an export, a template's loop) is one query a slice, not one
    a row (Sequence's own __iter__ would index row by row)."""
    from review.ranking import StoredRows

    built = build(
        Spec(
            criteria=[(Decimal("1"), 0, 10)],
            nominations=1,
            applications=7,
            jurors=2,
            reviews=[(j, a, Review.State.SUBMITTED, {0: a}) for j in range(2) for a in range(7)],
        )
    )
    ranking = stored_ranking(built.round)
    monkeypatch.setattr(StoredRows, "ITER_SLICE", 3)
    with CaptureQueriesContext(connection) as queries:
        rows = list(ranking.rows)
    assert [row.position for row in rows] == list(range(1, 8))
    assert len(queries.captured_queries) == 3  # 3 + 3 + 1 rows


def test_figures_follow_reviews_deleted_or_moved_behind_the_services_back() -> None:
    """A submitted review deleted or moved to another application by raw SQL or a bulk tool (no
    service ran) flags the round (a trigger); the next ranking recounts the jurors' and the
    applications' figures, and equals the reference."""
    built = build(
        Spec(
            criteria=[(Decimal("1"), 0, 10)],
            nominations=1,
            applications=4,
            jurors=3,
            reviews=[
                (j, a, Review.State.SUBMITTED, {0: (a * 3 + j * 5) % 11}) for j in range(3) for a in range(4)
            ],
        )
    )
    rank(built.round)
    flag = RoundTotals.objects.filter(round=built.round).values_list("recount", flat=True)
    assert not flag.get()
    Review.objects.filter(pk=built.reviews[0, 0].pk).delete()
    assert flag.get() is True
    round_ = Round.objects.select_related("contest").get(pk=built.round.pk)
    assert_same(rank(round_), reference.rank(reference.load(round_)))
    _assert_kept(round_)
    assert not flag.get()
    Review.objects.filter(pk=built.reviews[0, 1].pk).update(application=built.applications[0])
    assert flag.get() is True
    assert_same(rank(round_), reference.rank(reference.load(round_)))
    _assert_kept(round_)


def _pooled_of(units: list[list[float]]) -> totals.Pooled:
    """Units pooled by the definition: each a list of its reviews' totals."""
    values = [v for unit in units for v in unit]
    if not values:
        return totals.NO_UNITS
    mean = sum(values) / len(values)
    within = 0.0
    for unit in units:
        m, unit_mean = len(unit), sum(unit) / len(unit)
        within += m * m * (sum((v - unit_mean) ** 2 for v in unit) / m) / (m - 1)
    return totals.Pooled(len(units), len(values), mean, sum((v - mean) ** 2 for v in values), within)


@given(
    st.lists(st.lists(st.floats(0, 1), min_size=2, max_size=6), max_size=12),
    st.lists(st.lists(st.floats(0, 1), min_size=2, max_size=6), max_size=12),
)
def test_pooled_units_combine_and_come_apart(first, second) -> None:
    """The round's units move by parts: pooling two sets, or taking one back out, gives what
    pooling the values afresh gives."""
    a, b, both = _pooled_of(first), _pooled_of(second), _pooled_of(first + second)
    for got, expected in ((a.plus(b), both), (both.minus(b), a), (both.minus(a), b)):
        assert got[:2] == expected[:2]
        assert got[2:] == pytest.approx(expected[2:], abs=1e-9)


def test_a_round_where_everyone_agrees_keeps_no_spread_through_changes() -> None:
    """Taking parts out and putting them back leaves no rounding that grows: where every total is
    the same, the spread stays at the level of one rounding of the mean (far below the noise under
    which the agreement is undefined), however many changes pass."""
    same = [[0.7, 0.7, 0.7]] * 5
    units = _pooled_of(same)
    for _ in range(1000):
        units = units.minus(_pooled_of(same[:2])).plus(_pooled_of(same[:2]))
    assert units.n == 15 and units.units == 5
    assert units.m2 < 1e-28 and units.within < 1e-28  # noise starts at (1e-9)² = 1e-18
    assert units.minus(units) == totals.NO_UNITS


def test_criteria_of_round_reads_what_the_queryset_reads_in_one_query(django_assert_num_queries) -> None:
    """The compiled read of a round's criteria (every ranking and submission starts with it) gives
    the queryset's criteria, with their decimal weights, whether the round chose some or not."""
    built = build(
        Spec(
            criteria=[(Decimal("1.5"), 0, 10), (Decimal("2"), 1, 5)],
            nominations=1,
            applications=1,
            jurors=1,
            reviews=[],
        )
    )
    round_ = built.round

    def same() -> None:
        with django_assert_num_queries(1):
            compiled = criteria_of_round(round_)
        expected = list(round_criteria(round_))
        assert [(c.pk, c.weight, c.scale_min, c.scale_max) for c in compiled] == [
            (c.pk, c.weight, c.scale_min, c.scale_max) for c in expected
        ]
        assert all(isinstance(c.weight, Decimal) for c in compiled)

    same()
    round_.criteria.set([built.criteria[1]])  # the round's own choice
    same()
    assert [c.pk for c in criteria_of_round(round_)] == [built.criteria[1].pk]
