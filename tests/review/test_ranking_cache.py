"""Rankings are cached under a fingerprint of what they read: a repeat read skips the big
statement, and any change that matters (a submission, a weight) is seen at once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review import services
from review.ranking import rank

pytestmark = pytest.mark.django_db


def _submit(jury, juror, application, impact: int) -> None:
    review = jury.assign(juror, application)
    values = {jury.impact.pk: {"value": impact}, jury.method.pk: {"value": 5}}
    if application.nomination_id == jury.b.pk:
        values[jury.only_b.pk] = {"value": 3}
    services.save_scores(review, by=juror.user, scores=values)
    services.submit_review(review, by=juror.user)


def _statements(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def test_a_repeat_read_is_served_from_the_cache_and_changes_are_seen(jury):
    first, second = jury.applications[1], jury.applications[3]
    _submit(jury, jury.jurors[1], first, 6)
    _submit(jury, jury.jurors[1], second, 4)
    cold = _statements(lambda: rank(jury.round, method="mean"))
    warm = _statements(lambda: rank(jury.round, method="mean"))
    assert any("FROM review_applicationtotals" in sql for sql in cold)
    assert not any("FROM review_applicationtotals" in sql for sql in warm)
    assert [r.application_id for r in rank(jury.round, method="mean").rows[:2]] == [first.pk, second.pk]

    # A new submission changes the fingerprint: the second application overtakes.
    _submit(jury, jury.jurors[2], second, 10)
    _submit(jury, jury.jurors[3], second, 10)
    assert rank(jury.round, method="mean").rows[0].application_id == second.pk

    # So does a weight (one row written): the next read computes afresh.
    assert not any(
        "FROM review_applicationtotals" in sql for sql in _statements(lambda: rank(jury.round, method="mean"))
    )
    jury.impact.weight = Decimal("0.01")
    jury.impact.save()
    assert any(
        "FROM review_applicationtotals" in sql for sql in _statements(lambda: rank(jury.round, method="mean"))
    )
