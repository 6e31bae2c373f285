"""The collector pause around bulk building (core/collector.py): off inside, back on after, and
never switched on where it was off, so nested and concurrent blocks are safe."""

import gc
from decimal import Decimal

import pytest

from core.collector import paused_collection
from review import ranking
from tests.review.ranking_data import Spec, build


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_off_inside_and_back_on_after_even_on_error(collector_on) -> None:
    with paused_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_collection():
        raise ValueError
    assert gc.isenabled()


def test_a_nested_block_leaves_it_off_until_the_outer_one_ends(collector_on) -> None:
    with paused_collection():
        with paused_collection():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_stays_off_where_it_was_switched_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with paused_collection():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.django_db
def test_the_ranking_builds_its_rows_with_the_collector_paused(monkeypatch, collector_on) -> None:
    """Where it pays: reading a ranking's rows (50,000 tuples at the largest size)."""
    seen = []
    original = ranking._ranked_rows

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(ranking, "_ranked_rows", watching)
    built = build(Spec(criteria=[(Decimal("1"), 0, 10)], nominations=1, applications=2, jurors=1, reviews=[]))
    computed = ranking.rank(built.round)
    assert seen == []  # built when first read, not before
    assert [row.position for row in computed.rows] == [1, 2] and computed.rows[0].position == 1
    assert seen == [False]  # once, with the collector paused
    assert gc.isenabled()
