"""The ranking on hand-made rounds: what counts, the statistics, ties, weights, query counts."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review import reference
from review.models import Review, Round, Score
from review.ranking import breakdown, rank, ranking_page
from tests.review.ranking_data import Spec, build

pytestmark = pytest.mark.django_db

S = Review.State.SUBMITTED
ONE_CRITERION = [(Decimal("1"), 0, 10)]


def spec(reviews, *, applications=2, jurors=3, criteria=None, **kwargs) -> Spec:
    return Spec(
        criteria=criteria or ONE_CRITERION,
        nominations=1,
        applications=applications,
        jurors=jurors,
        reviews=reviews,
        **kwargs,
    )


def order(built, **kwargs) -> list[int]:
    index = {a.pk: i for i, a in enumerate(built.applications)}
    return [index[row.application_id] for row in rank(built.round, **kwargs).rows]


def row_of(ranking, application):
    return next(row for row in ranking.rows if row.application_id == application.pk)


def test_only_submitted_reviews_count() -> None:
    built = build(
        spec(
            [
                (0, 0, S, {0: 4}),
                (1, 0, Review.State.IN_PROGRESS, {0: 10}),
                (2, 0, Review.State.REOPENED, {0: 10}),
                (0, 1, S, {0: 6}),
                (1, 1, Review.State.ASSIGNED, {0: 0}),
            ]
        )
    )
    ranking = rank(built.round, method="mean")
    first, second = ranking.rows
    assert (first.application_id, first.mean, first.reviews) == (built.applications[1].pk, 6.0, 1)
    assert (second.application_id, second.mean, second.reviews) == (built.applications[0].pk, 4.0, 1)
    assert ranking.reviews == 2


def test_weighted_total_on_the_common_scale_or_0_to_100() -> None:
    same = build(
        spec(
            [(0, 0, S, {0: 10, 1: 0})],
            applications=1,
            criteria=[(Decimal("3"), 0, 10), (Decimal("1"), 0, 10)],
        )
    )
    ranking = rank(same.round, method="mean")
    assert ranking.scale == (0.0, 10.0)
    assert ranking.rows[0].mean == pytest.approx(7.5)

    mixed = build(
        spec(
            [(0, 0, S, {0: 5, 1: 3})],
            applications=1,
            criteria=[(Decimal("1"), 0, 10), (Decimal("1"), 1, 5)],
        )
    )
    ranking = rank(mixed.round, method="mean")
    assert ranking.scale == (0.0, 100.0)
    assert ranking.rows[0].mean == pytest.approx(50.0)  # (0.5 + 0.5) / 2 of the way up


def test_median_trimmed_spread_and_extremes() -> None:
    values = [1, 2, 9, 10]
    built = build(
        spec(
            [(j, 0, S, {0: v}) for j, v in enumerate(values)],
            applications=1,
            jurors=4,
            trim_share=Decimal("0.25"),
        )
    )
    row = rank(built.round, method="median").rows[0]
    assert row.median == pytest.approx(5.5)  # the mean of the two middle values
    assert row.trimmed == pytest.approx(5.5)  # drops 1 and 10
    assert row.mean == pytest.approx(5.5)
    assert row.score == row.median
    assert row.spread == pytest.approx(((4.5**2 + 3.5**2) * 2 / 4) ** 0.5)
    assert (row.low, row.high, row.reviews) == (1.0, 10.0, 4)

    skewed = build(
        spec(
            [(j, 0, S, {0: v}) for j, v in enumerate([0, 1, 2, 10])],
            applications=1,
            jurors=4,
            trim_share=Decimal("0.25"),
        )
    )
    row = rank(skewed.round).rows[0]
    assert row.median == pytest.approx(1.5)
    assert row.trimmed == pytest.approx(1.5)
    assert row.mean == pytest.approx(3.25)


def test_calibration_removes_a_jurors_leniency() -> None:
    # Juror 0 is harsh, juror 1 lenient; each saw a different pair. By raw means the lenient
    # juror's weaker application wins; calibrated, each juror's better application ties.
    built = build(
        spec(
            [(0, 0, S, {0: 3}), (0, 1, S, {0: 1}), (1, 2, S, {0: 9}), (1, 3, S, {0: 7})],
            applications=4,
            jurors=2,
        )
    )
    assert order(built, method="mean") == [2, 3, 0, 1]
    ranking = rank(built.round, method="calibrated")
    calibrated = {row.application_id: row.calibrated for row in ranking.rows}
    a = built.applications
    assert calibrated[a[0].pk] == pytest.approx(calibrated[a[2].pk])
    assert calibrated[a[1].pk] == pytest.approx(calibrated[a[3].pk])
    assert calibrated[a[0].pk] > calibrated[a[3].pk]
    # Equal calibrated scores: the earlier submission first (application 2 was submitted later).
    assert order(built, method="calibrated") == [0, 2, 1, 3]


def test_a_juror_with_one_review_or_one_score_for_all_is_not_calibrated() -> None:
    built = build(
        spec(
            [(0, 0, S, {0: 5}), (1, 0, S, {0: 4}), (1, 1, S, {0: 4}), (2, 1, S, {0: 2}), (2, 0, S, {0: 8})],
            jurors=3,
        )
    )
    ranking = rank(built.round, method="calibrated")
    first, second = (row_of(ranking, a) for a in built.applications)
    # Only juror 2 (2 and 8) carries information: +1 and −1 standard deviation.
    pooled = [5, 4, 4, 2, 8]
    mean = sum(pooled) / 5
    sd = (sum((x - mean) ** 2 for x in pooled) / 5) ** 0.5
    assert first.calibrated == pytest.approx(mean + sd)
    assert second.calibrated == pytest.approx(mean - sd)


def test_no_calibrated_score_ranks_last() -> None:
    # Juror 0 reviewed one application only: no calibrated score for it, whatever its mean.
    built = build(spec([(0, 0, S, {0: 10}), (1, 1, S, {0: 2}), (1, 2, S, {0: 8})], applications=3, jurors=2))
    assert order(built, method="mean") == [0, 2, 1]
    assert order(built, method="calibrated") == [2, 1, 0]
    assert rank(built.round, method="calibrated").rows[-1].calibrated is None


def test_ties_go_to_the_tie_break_criterion_then_the_earlier_submission_then_the_number() -> None:
    criteria = [(Decimal("1"), 0, 10), (Decimal("1"), 0, 10)]
    reviews = [(0, 0, S, {0: 4, 1: 6}), (0, 1, S, {0: 6, 1: 4}), (0, 2, S, {0: 5, 1: 5})]
    # Equal totals (5): without a tie-break criterion the earliest submission (application 0).
    plain = build(spec(reviews, applications=3, jurors=1, criteria=criteria))
    assert order(plain, method="mean") == [0, 1, 2]
    # With criterion 0 as tie-break: the higher raw score there first.
    by_first = build(spec(reviews, applications=3, jurors=1, criteria=criteria, tie_break=0))
    assert order(by_first, method="mean") == [1, 2, 0]
    # Submitted at the same moment, no tie-break criterion: the registration number decides.
    same_moment = build(spec(reviews, applications=3, jurors=1, criteria=criteria, same_submission=True))
    assert order(same_moment, method="mean") == [0, 1, 2]
    same_moment.applications[0].number = "Z-last"
    same_moment.applications[0].save(update_fields=["number"])
    assert order(same_moment, method="mean") == [1, 2, 0]


def test_a_tie_break_criterion_the_round_does_not_score_still_breaks_ties() -> None:
    criteria = [(Decimal("1"), 0, 10), (Decimal("1"), 0, 10)]
    # The round scores criterion 1 only; criterion 0 is the contest's tie-break. Application 2's
    # second review scores the tie-break alone: it has no total (it does not count), but its
    # tie-break score does, as in the reference.
    reviews = [
        (0, 0, S, {0: 2, 1: 5}),
        (0, 1, S, {0: 7, 1: 5}),
        (0, 2, S, {1: 5}),
        (1, 2, S, {0: 9}),
        (1, 0, S, {0: 3, 1: 5}),
    ]
    built = build(spec(reviews, applications=3, jurors=2, criteria=criteria, tie_break=0))
    built.round.criteria.set([built.criteria[1]])
    data = reference.load(built.round)
    for method in Round.Method.values:
        ours = rank(built.round, method=method)
        theirs = reference.rank(data, method=method)
        assert [(r.application_id, r.position, r.reviews, r.mean) for r in ours.rows] == [
            (r.application_id, r.position, r.reviews, r.mean) for r in theirs.rows
        ]
    ranking = rank(built.round, method="mean")
    assert order(built, method="mean") == [2, 1, 0]
    assert [r.reviews for r in ranking.rows] == [1, 1, 2]
    assert ranking.reviews == 4


def test_positions_within_nominations_and_filter() -> None:
    built = build(
        Spec(
            criteria=ONE_CRITERION,
            nominations=2,
            applications=4,
            jurors=1,
            reviews=[(0, a, S, {0: v}) for a, v in enumerate([3, 9, 5, 7])],
        )
    )
    ranking = rank(built.round, method="mean")
    # Applications alternate nominations: 0 and 2 in the first, 1 and 3 in the second.
    assert [(r.position, r.position_in_nomination) for r in ranking.rows] == [(1, 1), (2, 2), (3, 1), (4, 2)]
    first = built.applications[0].nomination_id
    only = rank(built.round, method="mean", nomination_id=first)
    assert [(r.application_id, r.position, r.position_in_nomination) for r in only.rows] == [
        (built.applications[2].pk, 3, 1),
        (built.applications[0].pk, 4, 2),
    ]


def test_contested_marks_the_widest_strong_disagreement() -> None:
    # Ten applications with two reviews each; only application 0's jurors are far apart.
    reviews = []
    for a in range(10):
        low, high = (1, 9) if a == 0 else (5, 6) if a == 1 else (5, 5)
        reviews += [(0, a, S, {0: low}), (1, a, S, {0: high})]
    ranking = rank(build(spec(reviews, applications=10, jurors=2)).round, method="mean")
    contested = [row.mean for row in ranking.rows if row.contested]
    assert contested == [5.0]
    # Alone in a round, a mild disagreement is the widest but not a quarter of the scale.
    mild = rank(build(spec([(0, 0, S, {0: 5}), (1, 0, S, {0: 6})], applications=1, jurors=2)).round)
    assert not mild.rows[0].contested


def test_krippendorff_alpha() -> None:
    # Units (1, 3) and (5, 7): D_o = 4, D_e = 40/3, alpha = 0.7.
    built = build(
        spec([(0, 0, S, {0: 1}), (1, 0, S, {0: 3}), (0, 1, S, {0: 5}), (1, 1, S, {0: 7})], jurors=2)
    )
    assert rank(built.round).agreement == pytest.approx(0.7)
    perfect = build(
        spec([(0, 0, S, {0: 2}), (1, 0, S, {0: 2}), (0, 1, S, {0: 8}), (1, 1, S, {0: 8})], jurors=2)
    )
    assert rank(perfect.round).agreement == pytest.approx(1.0)
    single = build(spec([(0, 0, S, {0: 2}), (1, 1, S, {0: 8})], jurors=2))
    assert rank(single.round).agreement is None  # no application with two reviews
    flat = build(spec([(0, 0, S, {0: 4}), (1, 0, S, {0: 4})], applications=1, jurors=2))
    assert rank(flat.round).agreement is None  # no variation at all


def test_changing_a_weight_reorders_and_writes_one_row() -> None:
    criteria = [(Decimal("1"), 0, 10), (Decimal("1"), 0, 10)]
    built = build(spec([(0, 0, S, {0: 10, 1: 2}), (0, 1, S, {0: 4, 1: 9})], jurors=1, criteria=criteria))
    assert order(built, method="mean") == [1, 0]
    criterion = built.criteria[0]
    criterion.weight = Decimal("3")
    with CaptureQueriesContext(connection) as queries:
        criterion.save()
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(writes) == 1
    assert writes[0].startswith('UPDATE "contests_criterion"')
    assert not any("review_" in sql for sql in writes)
    assert order(built, method="mean") == [0, 1]


def test_unknown_method_is_refused() -> None:
    built = build(spec([], applications=1))
    with pytest.raises(ValueError):
        rank(built.round, method="best")


def test_applications_without_reviews_rank_last_with_empty_scores() -> None:
    built = build(spec([(0, 1, S, {0: 1})]))
    rows = rank(built.round, method="mean").rows
    assert rows[-1].application_id == built.applications[0].pk
    assert (rows[-1].reviews, rows[-1].mean, rows[-1].score, rows[-1].contested) == (0, None, None, False)


def _queries_for(applications: int, count_queries) -> tuple[int, int]:
    built = build(
        spec(
            [(j, a, S, {0: (a + j) % 11, 1: (a * j) % 11}) for a in range(applications) for j in range(3)],
            applications=applications,
            criteria=[(Decimal("1"), 0, 10), (Decimal("2"), 0, 10)],
            tie_break=1,
        )
    )
    round_ = Round.objects.get(pk=built.round.pk)
    assert len(rank(round_).rows) == applications
    round_ = Round.objects.get(pk=built.round.pk)
    return count_queries(lambda: rank(round_)), count_queries(lambda: ranking_page(round_, per_page=50))


def test_query_count_does_not_grow_with_applications(count_queries) -> None:
    assert _queries_for(1, count_queries) == _queries_for(50, count_queries)


def test_ranking_page_brings_its_applications() -> None:
    built = build(spec([(0, a, S, {0: a}) for a in range(5)], applications=5, jurors=1))
    ranking, page = ranking_page(built.round, method="mean", page=2, per_page=2)
    assert len(ranking.rows) == 5
    assert [(row.position, application.pk) for row, application in page] == [
        (3, built.applications[2].pk),
        (4, built.applications[1].pk),
    ]
    with CaptureQueriesContext(connection) as queries:
        for _row, application in page:
            str(application.organisation), str(application.nomination)
    assert not queries.captured_queries


def test_breakdown_explains_the_total_criterion_by_criterion() -> None:
    criteria = [(Decimal("2"), 0, 10), (Decimal("1"), 1, 5)]
    built = build(
        spec(
            [
                (2, 0, S, {0: 8, 1: 5}),
                (0, 0, S, {0: 4, 1: 1}),
                (1, 0, Review.State.IN_PROGRESS, {0: 10}),
                (1, 1, S, {0: 6, 1: 3}),
            ],
            criteria=criteria,
        )
    )
    result = breakdown(built.round, built.applications[0])
    first, second = result.criteria
    assert (first.title, first.weight, first.scale, first.count, first.mean, first.low, first.high) == (
        "Критерій 0",
        Decimal("2"),
        (0, 10),
        2,
        6.0,
        4,
        8,
    )
    assert (second.count, second.mean, second.low, second.high) == (2, 3.0, 1, 5)
    # Jurors numbered by their order in the round (juror 1 has a review there too), anonymously.
    assert [(r.juror, r.scores) for r in result.reviews] == [
        ("Juror 1", {built.criteria[0].pk: 4, built.criteria[1].pk: 1}),
        ("Juror 3", {built.criteria[0].pk: 8, built.criteria[1].pk: 5}),
    ]
    assert result.scale == (0.0, 100.0)
    assert result.reviews[0].total == pytest.approx(100 * (2 * 0.4 + 0) / 3)
    assert result.reviews[1].total == pytest.approx(100 * (2 * 0.8 + 1) / 3)
    assert row_of(rank(built.round), built.applications[0]).mean == pytest.approx(
        (result.reviews[0].total + result.reviews[1].total) / 2
    )


def test_ranking_only_reads_once_the_totals_are_current() -> None:
    built = build(spec([(0, 0, S, {0: 3})], applications=1, jurors=1))
    # Rows written behind the services' back (bulk inserts) get their totals on the first read.
    rank(built.round)
    cache.clear()
    before = list(Score.objects.values_list("pk", "value", "updated_at"))
    with CaptureQueriesContext(connection) as queries:
        rank(built.round)
    # Reads, and on PostgreSQL a transaction-local setting (SET LOCAL jit = off).
    statements = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert all(sql.startswith(("SELECT", "WITH", "SAVEPOINT", "RELEASE", "SET LOCAL")) for sql in statements)
    assert list(Score.objects.values_list("pk", "value", "updated_at")) == before
