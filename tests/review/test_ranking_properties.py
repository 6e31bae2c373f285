"""Hypothesis: the SQL ranking equals the plain-Python reference on random rounds (both databases),
and the calibrated ranking ignores what calibration is meant to ignore."""

import math

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review import reference
from review.models import Review, Round
from review.ranking import Ranking, rank
from tests.review.ranking_data import Spec, build, specs

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FLOATS = ("mean", "median", "trimmed", "calibrated", "score", "spread", "low", "high")


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def assert_same(sql: Ranking, python: Ranking) -> None:
    assert [r.application_id for r in sql.rows] == [r.application_id for r in python.rows]
    for ours, theirs in zip(sql.rows, python.rows, strict=True):
        assert (ours.position, ours.position_in_nomination, ours.nomination_id, ours.reviews) == (
            theirs.position,
            theirs.position_in_nomination,
            theirs.nomination_id,
            theirs.reviews,
        ), ours
        for name in FLOATS:
            assert close(getattr(ours, name), getattr(theirs, name)), (name, ours, theirs)
        assert ours.contested == theirs.contested, (ours, theirs)
    assert close(sql.agreement, python.agreement), (sql.agreement, python.agreement)
    assert sql.reviews == python.reviews
    assert sql.scale == python.scale


def rolled_back(work) -> None:
    """Each example in its own savepoint, so examples do not see each other's rows."""
    with transaction.atomic():
        work()
        transaction.set_rollback(True)


@EXAMPLES
@given(spec=specs())
def test_sql_equals_the_reference(spec: Spec) -> None:
    def check() -> None:
        built = build(spec)
        data = reference.load(built.round)
        for method in Round.Method.values:
            assert_same(rank(built.round, method=method), reference.rank(data, method=method))
        nomination = built.applications[0].nomination_id
        assert_same(
            rank(built.round, nomination_id=nomination), reference.rank(data, nomination_id=nomination)
        )

    rolled_back(check)


def calibrated_order(built) -> list[int]:
    """The calibrated ranking as indexes into the spec's applications (pks differ per build)."""
    index = {application.pk: i for i, application in enumerate(built.applications)}
    return [index[row.application_id] for row in rank(built.round, method=Round.Method.CALIBRATED).rows]


SUBMITTED_ONLY = [Review.State.SUBMITTED]
WIDE = (0, 1000)


@st.composite
def wide_rounds(draw) -> Spec:
    """Every criterion on 0..1000 and every review complete: a juror's rescaled scores stay
    within the scale and the rescaled total is the same affine map of the old one."""
    spec = draw(specs(same_scale=True, full=True, states=SUBMITTED_ONLY))
    spec.criteria = [(weight, *WIDE) for weight, _lo, _hi in spec.criteria]
    spec.reviews = [
        (j, a, s, {c: draw(st.integers(0, 300)) for c in scores}) for j, a, s, scores in spec.reviews
    ]
    # The tie-break criterion's raw mean would move with the raw scores: these properties are
    # about calibration alone.
    spec.tie_break = None
    return spec


@EXAMPLES
@given(
    spec=wide_rounds(),
    juror=st.integers(0, 4),
    factor=st.sampled_from([1, 2, 3]),
    shift=st.integers(0, 100),
)
def test_rescaling_one_jurors_scores_keeps_the_calibrated_ranking(spec, juror, factor, shift) -> None:
    juror %= spec.jurors
    with transaction.atomic():
        before = calibrated_order(build(spec))
        rescaled = Spec(**{**spec.__dict__})
        rescaled.reviews = [
            (j, a, s, {c: factor * v + shift if j == juror else v for c, v in scores.items()})
            for j, a, s, scores in spec.reviews
        ]
        after = calibrated_order(build(rescaled))
        transaction.set_rollback(True)
    assert after == before


@EXAMPLES
@given(spec=wide_rounds(), constant=st.integers(0, 1000))
def test_a_juror_who_gives_everyone_the_same_score_changes_nothing(spec, constant) -> None:
    with transaction.atomic():
        before = calibrated_order(build(spec))
        flat = Spec(**{**spec.__dict__})
        flat.jurors = spec.jurors + 1
        flat.reviews = [
            *spec.reviews,
            *[
                (spec.jurors, a, Review.State.SUBMITTED, dict.fromkeys(range(len(spec.criteria)), constant))
                for a in range(spec.applications)
            ],
        ]
        after = calibrated_order(build(flat))
        transaction.set_rollback(True)
    assert after == before
