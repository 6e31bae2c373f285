"""Issue 19 on PostgreSQL with real threads: a round's juror and application figures are rewritten by
DELETE and INSERT, so two transactions rewriting the same round's must take turns (a submission
holds the round's row through the stamp's trigger; a recusal of an unsubmitted review, or a reader
repairing the figures, must take it). Neither may fail, and the figures end equal to a full
recomputation."""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import transaction

from review import reference, totals
from review.models import Review, Round
from review.ranking import rank
from tests.races import run_together
from tests.review.ranking_data import Spec, build
from tests.review.test_ranking_incremental import _assert_kept
from tests.review.test_ranking_properties import assert_same

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_transactions_rewriting_one_rounds_figures_take_turns(monkeypatch) -> None:
    """Each, having rewritten its juror's applications (every application here), waits up to 2 s
    for the other to get as far before committing: without the round's lock the other is by then
    deleting the same rows, and inserts them again once the first commits — a duplicate key."""
    reviews = [(j, a, Review.State.SUBMITTED, {0: (3 * a + 5 * j) % 11}) for j in range(4) for a in range(6)]
    built = build(
        Spec(criteria=[(Decimal("1"), 0, 10)], nominations=1, applications=6, jurors=4, reviews=reviews)
    )
    rank(built.round)
    rewrite = totals.update_applications
    both = threading.Barrier(2)

    def rewrite_then_wait(*args, **kwargs):
        rewrite(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other is held up: by the lock,
            both.wait(timeout=2)  # or by these very rows

    monkeypatch.setattr(totals, "update_applications", rewrite_then_wait)

    def sync(juror: int):
        def run() -> None:
            with transaction.atomic():
                totals.sync_reviews([Review.objects.get(pk=built.reviews[juror, 0].pk)])

        return run

    results = run_together(sync(0), sync(1))
    assert results == [None, None], results
    round_ = Round.objects.select_related("contest").get(pk=built.round.pk)
    _assert_kept(round_)
    assert_same(rank(round_), reference.rank(reference.load(round_)))
