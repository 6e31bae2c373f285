"""Issue 19, point 2: how sure the ranking is — score and rank intervals and the chance of winning
by resampling the reviews, on the ranking page, in the API, in the published file (reproduced by
`verify_results`), computed by a Celery task above 500 applications and cached by fingerprint."""

import json
from decimal import Decimal

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse

from review import reference, uncertainty
from review.models import Review
from tests.review.ranking_data import Spec, build
from tests.review.test_web_results import client_for, score_and_submit

CRITERION = [reference.Criterion(1, 1.0, 0, 10)]


def round_data(totals: dict[int, list[tuple[int, int]]], nominations: dict[int, int] | None = None, **kwargs):
    """A round from {application: [(juror, score 0..10), …]}, all in nomination 1 unless told."""
    nominations = nominations or {}
    applications = [
        reference.Application(a, nominations.get(a, 1), None, f"N{a:03d}") for a in sorted(totals)
    ]
    reviews, n = [], 0
    for application, given in sorted(totals.items()):
        for juror, value in given:
            n += 1
            reviews.append(reference.ReviewData(n, juror, application, {1: value}))
    return reference.RoundData(
        round_id=0,
        method=kwargs.get("method", "calibrated"),
        trim_share=Decimal("0.20"),
        tie_break_criterion_id=None,
        criteria=CRITERION,
        applications=applications,
        reviews=reviews,
    )


def spread_round(method: str = "calibrated"):
    """Eight applications, three of four jurors each, scores that disagree a little."""
    rng = np.random.default_rng(3)
    totals = {
        a: [(j, int(np.clip(round(a + rng.normal(0, 1.5)), 0, 10))) for j in rng.choice(4, 3, replace=False)]
        for a in range(1, 9)
    }
    return round_data(totals, method=method)


def by_app(result) -> dict[int, uncertainty.Estimate]:
    return result.by_application()


def test_one_clear_winner_gets_probability_about_one() -> None:
    totals = {1: [(1, 10), (2, 10), (3, 9)]}
    totals |= {a: [(1, 2 + a % 3), (2, 3 + a % 2), (3, 2 + a % 4)] for a in range(2, 12)}
    result = uncertainty.estimate(round_data(totals), uncertainty.Limits(1, {1: 1}), seed=7, replicates=400)
    rows = by_app(result)
    assert rows[1].probability >= 0.99
    assert rows[1].verdict == "likely winner"
    assert rows[1].rank_low == rows[1].rank_high == 1
    assert all(rows[a].probability <= 0.01 and rows[a].verdict == "unlikely" for a in range(2, 12))
    assert result.fragile_nominations == []
    assert rows[1].low <= rows[1].score <= rows[1].high


def test_identical_entries_get_equal_probabilities() -> None:
    same = [(1, 7), (2, 5), (3, 6)]
    totals = {1: same, 2: same, 3: same, 4: [(1, 4), (2, 3), (3, 5)], 5: [(1, 2), (2, 4), (3, 3)]}
    result = uncertainty.estimate(round_data(totals), uncertainty.Limits(2, {1: 2}), seed=11, replicates=300)
    rows = by_app(result)
    # Three equal entries for two places: each wins in two thirds of the draws, exactly alike.
    assert rows[1].probability == rows[2].probability == rows[3].probability
    assert rows[1].probability == pytest.approx(2 / 3, abs=0.05)
    assert rows[1].verdict == "could go either way"
    assert (rows[1].low, rows[1].high) == (rows[2].low, rows[2].high) == (rows[3].low, rows[3].high)
    assert result.fragile_nominations == [1]
    assert sum(row.cutoff for row in result.rows) == 2  # the last winner and the first non-winner


def test_the_seed_reproduces_and_is_recorded() -> None:
    data, limits = spread_round(), uncertainty.Limits(3, {1: 3})
    first = uncertainty.estimate(data, limits, seed=42, replicates=200)
    again = uncertainty.estimate(data, limits, seed=42, replicates=200)
    other = uncertainty.estimate(data, limits, seed=43, replicates=200)
    assert first == again
    assert first.seed == 42 and first.replicates == 200
    assert [r.probability for r in first.rows] != [r.probability for r in other.rows]


@pytest.mark.parametrize("method", ["mean", "median", "trimmed", "calibrated"])
def test_a_draw_of_every_review_once_gives_the_reference_scores(method) -> None:
    """The vectorised maths is the reference's: the identity draw reproduces each method's score."""
    data = spread_round(method)
    apps, juror, total, counts = uncertainty._totals(data)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    scores = uncertainty._scores(method, total[None, :], juror[None, :], apps, starts, counts, 0.2, 10.0)[0]
    expected = {row.application_id: row.score for row in reference.rank(data, method=method).rows}
    ids = sorted(a.id for a in data.applications)
    assert scores == pytest.approx([expected[i] for i in ids], abs=1e-9)


def test_limits_of_the_contest_and_the_nominations_hold() -> None:
    # Two nominations of three clear entries each; one winner per nomination, two in the contest.
    totals = {a: [(1, 10 - a), (2, 10 - a), (3, 10 - a)] for a in range(1, 7)}
    nominations = {a: 1 if a <= 3 else 2 for a in totals}
    result = uncertainty.estimate(
        round_data(totals, nominations, method="mean"),
        uncertainty.Limits(2, {1: 1, 2: 1}),
        seed=1,
        replicates=100,
    )
    rows = by_app(result)
    assert rows[1].probability == 1.0 and rows[4].probability == 1.0  # the best of each nomination
    assert rows[2].probability == 0.0  # second in its nomination, though third in the round
    assert sum(row.probability for row in result.rows) == pytest.approx(2.0)


# ---- The round in the database -------------------------------------------------------------------

S = Review.State.SUBMITTED


def built_round(applications: int = 4):
    reviews = [(j, a, S, {0: min(10, 2 + 2 * a + (j % 2))}) for a in range(applications) for j in range(3)]
    return build(
        Spec(
            criteria=[(Decimal("1"), 0, 10)],
            nominations=1,
            applications=applications,
            jurors=3,
            reviews=reviews,
        )
    )


@pytest.mark.django_db
def test_small_rounds_are_computed_on_read_and_cached(monkeypatch) -> None:
    cache.clear()
    built = built_round()
    first = uncertainty.for_round(built.round)
    assert isinstance(first, uncertainty.Uncertainty)
    assert first.rows[0].application_id == built.applications[-1].pk
    monkeypatch.setattr(uncertainty, "compute", lambda *a, **k: pytest.fail("not cached"))
    assert uncertainty.for_round(built.round) == first


@pytest.mark.django_db
def test_large_rounds_run_the_task_with_progress_and_cache_by_fingerprint(monkeypatch) -> None:
    cache.clear()
    built = built_round(6)
    monkeypatch.setattr(uncertainty, "ON_READ_LIMIT", 5)  # six applications count as a large round
    from review import tasks

    started, reported = [], []
    real_delay, real_set = tasks.estimate_round.delay, cache.set

    def delay(*args):
        started.append(args)
        return real_delay(*args)  # eager in tests: runs here

    def spy_set(key, value, *args, **kwargs):
        if key.endswith(":progress"):
            reported.append(value)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(tasks.estimate_round, "delay", delay)
    monkeypatch.setattr(cache, "set", spy_set)
    result = uncertainty.for_round(built.round)
    assert started == [(built.round.pk, built.round.method)]
    assert isinstance(result, uncertainty.Uncertainty)
    assert reported[-1] == (uncertainty.REPLICATES, uncertainty.REPLICATES)
    assert len(reported) == uncertainty.REPLICATES // uncertainty.CHUNK
    # The same fingerprint: served from the cache, no second task.
    assert uncertainty.for_round(built.round) == result
    assert len(started) == 1
    # A new submission changes the fingerprint: the task runs again for the new state.
    review = built.reviews[(0, 0)]
    Review.objects.filter(pk=review.pk).update(state=Review.State.REOPENED)
    changed = uncertainty.for_round(built.round)
    assert len(started) == 2
    assert changed.seed != result.seed


@pytest.mark.django_db
def test_a_large_round_shows_progress_while_the_task_runs(monkeypatch) -> None:
    cache.clear()
    built = built_round(6)
    monkeypatch.setattr(uncertainty, "ON_READ_LIMIT", 5)
    from review import tasks

    monkeypatch.setattr(tasks.estimate_round, "delay", lambda *args: None)  # queued, not yet run
    pending = uncertainty.for_round(built.round)
    assert pending == uncertainty.Pending(0, uncertainty.REPLICATES)
    assert uncertainty.summary(pending)["state"] == "computing"


@pytest.mark.django_db
def test_a_large_round_with_the_broker_down_answers_and_asks_again_later(monkeypatch) -> None:
    """The page does not fail when the task cannot be queued; the next reading queues it."""
    cache.clear()
    built = built_round(6)
    monkeypatch.setattr(uncertainty, "ON_READ_LIMIT", 5)
    from review import tasks

    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.estimate_round, "delay", broker_down)
    assert uncertainty.for_round(built.round) == uncertainty.Pending(0, uncertainty.REPLICATES)
    queued = []
    monkeypatch.setattr(tasks.estimate_round, "delay", lambda *args: queued.append(args))
    uncertainty.for_round(built.round)
    assert queued == [(built.round.pk, built.round.method)]


# ---- The page, the API, the published file -------------------------------------------------------


@pytest.fixture
def two_scored(jury):
    cache.clear()
    for application, values in (
        (jury.applications[2], ((9, 9), (10, 9))),
        (jury.applications[4], ((3, 2), (2, 3))),
    ):
        for juror, (impact, method) in zip((jury.jurors[1], jury.jurors[3]), values, strict=True):
            score_and_submit(jury, jury.assign(juror, application), impact, method)
    return jury


@pytest.mark.django_db
def test_the_ranking_page_shows_intervals_chances_and_a_chart(two_scored) -> None:
    jury = two_scored
    body = client_for(jury.organiser).get(reverse("review:ranking", args=[jury.round.pk])).content.decode()
    assert "How sure the ranking is" in body
    assert "Chance of winning" in body
    assert "likely winner" in body or "could go either way" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="interval" role="img"' in body
    assert "style=" not in body.split("How sure the ranking is")[1]  # CSP: no inline style


@pytest.mark.django_db
def test_the_api_ranking_carries_the_chances(api, two_scored) -> None:
    jury = two_scored
    data = api(jury.organiser).get(f"/api/v1/review-rounds/{jury.round.pk}/ranking/").json()
    assert data["uncertainty"]["state"] == "ready"
    assert isinstance(data["uncertainty"]["seed"], int)
    row = data["rows"][0]
    assert {"score_low", "score_high", "rank_low", "rank_high", "probability", "verdict", "cutoff"} <= set(
        row
    )
    assert 0.0 <= row["probability"] <= 1.0
    schema = api(jury.organiser).get("/api/schema/?format=json").json()
    ranking = schema["paths"]["/api/v1/review-rounds/{id}/ranking/"]["get"]["responses"]["200"]
    assert "Ranking" in json.dumps(ranking)


@pytest.mark.django_db
def test_the_page_and_the_api_say_a_large_round_is_being_computed(monkeypatch, api, two_scored) -> None:
    jury = two_scored
    monkeypatch.setattr(uncertainty, "ON_READ_LIMIT", 1)
    from review import tasks

    monkeypatch.setattr(tasks.estimate_round, "delay", lambda *args: None)  # queued, not yet run
    body = client_for(jury.organiser).get(reverse("review:ranking", args=[jury.round.pk])).content.decode()
    assert "being computed" in body and "0% done" in body
    data = api(jury.organiser).get(f"/api/v1/review-rounds/{jury.round.pk}/ranking/").json()
    assert data["uncertainty"]["state"] == "computing"
    assert data["rows"][0]["probability"] is None


def test_an_application_without_reviews_never_wins() -> None:
    data = round_data({1: [(1, 6), (2, 7)], 2: []})
    result = uncertainty.estimate(data, uncertainty.Limits(5, {1: 5}), seed=2, replicates=50, method="mean")
    rows = by_app(result)
    assert rows[1].probability == 1.0
    assert rows[2].probability == 0.0 and rows[2].low is None and rows[2].verdict == "unlikely"


@pytest.mark.django_db
def test_closing_a_large_round_starts_its_chances_so_announcing_finds_them(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """The published results carry the chances of winning; for a large round they take seconds:
    closing the round starts them (after commit), so announcing reads them from the cache instead
    of computing them inside its request."""
    from accounts.models import User
    from review import services, tasks

    cache.clear()
    built = built_round(6)
    monkeypatch.setattr(uncertainty, "ON_READ_LIMIT", 5)
    started = []
    real_delay = tasks.estimate_round.delay
    monkeypatch.setattr(
        tasks.estimate_round, "delay", lambda *args: started.append(args) or real_delay(*args)
    )
    from review.models import Round

    Round.objects.filter(pk=built.round.pk).update(state=Round.State.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_round(Round.objects.get(pk=built.round.pk), by=User.objects.first())
    assert started == [(built.round.pk, built.round.method)]
    monkeypatch.setattr(uncertainty, "compute", lambda *a, **k: pytest.fail("announcing computed them again"))
    assert isinstance(uncertainty.ready_or_compute(built.round), uncertainty.Uncertainty)


def test_a_page_builds_its_own_estimates_from_the_cached_columns() -> None:
    """The figures travel through the cache as columns (not one object per application) and a page
    builds only its rows' estimates, found by position or, for a row the figures hold elsewhere,
    by application; equal to the whole round's."""
    import pickle

    from review.ranking import RankedRow

    data = spread_round()
    result = uncertainty.estimate(data, uncertainty.Limits(3, {1: 3}), seed=5, replicates=60)
    whole = result.by_application()  # builds every estimate
    thawed = pickle.loads(pickle.dumps(result))
    assert "rows" not in thawed.__dict__  # the built estimates are not what the cache holds
    assert thawed == result
    ranking = reference.rank(data)
    page = ranking.rows[2:5]
    assert thawed.for_rows(page) == {row.application_id: whole[row.application_id] for row in page}
    assert "rows" not in thawed.__dict__
    # A row whose position no longer matches the figures' (the ranking moved on) is still found.
    moved = page[0]._replace(position=1) if page[0].position != 1 else page[0]._replace(position=2)
    assert isinstance(moved, RankedRow)
    assert thawed.for_rows([moved]) == {moved.application_id: whole[moved.application_id]}
    assert any(estimate.low is not None for estimate in whole.values())
