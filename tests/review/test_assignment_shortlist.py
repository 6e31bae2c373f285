"""The shortlist a large round hands to the flow keeps almost all of the exact optimum's
expertise: each juror offers their own best applications besides each application's best juror
of every region (the application side alone lost over 1% on rounds like this one)."""

import random

from review import assignment
from review.assignment import ApplicationData, JurorData, Limits, plan_assignment

REGIONS = [f"region-{k}" for k in range(12)]
CATEGORIES = 30


def round_like_the_benchmark(n_apps: int, n_jurors: int) -> tuple[list, list, set]:
    """The shape of benchmarks/assignment.py, smaller: 5 nominations, 2–3 categories per
    application and 4 per juror, a tenth of the jurors in one nomination, 2% conflicts."""
    rng = random.Random(19)
    applications = [
        ApplicationData(
            id=a, nomination=a % 5, categories=frozenset(rng.sample(range(CATEGORIES), rng.randint(2, 3)))
        )
        for a in range(n_apps)
    ]
    jurors = [
        JurorData(
            id=j,
            region=rng.choice(REGIONS),
            expertise=frozenset(rng.sample(range(CATEGORIES), 4)),
            nominations=frozenset([rng.randrange(5)]) if rng.random() < 0.1 else frozenset(),
            max_load=30 if rng.random() < 0.2 else None,
        )
        for j in range(n_jurors)
    ]
    conflicts = {(rng.randrange(n_jurors), rng.randrange(n_apps)) for _ in range(n_apps * n_jurors // 50)}
    return jurors, applications, conflicts


def test_the_shortlist_keeps_99_percent_of_the_exact_affinity():
    jurors, applications, conflicts = round_like_the_benchmark(600, 90)
    limits = Limits(per_application=3, max_load=60, spread_regions=True)
    short = plan_assignment(jurors, applications, limits, conflicts, exact=False)
    best = plan_assignment(jurors, applications, limits, conflicts, exact=True)
    assert not short.exact and best.exact
    # The higher goals are not traded for expertise: as many slots, repeats and the same balance.
    assert (short.unfilled, short.region_repeats) == (best.unfilled, best.region_repeats) == (0, 0)
    assert (short.load_min, short.load_max) == (best.load_min, best.load_max)
    assert short.affinity >= 0.99 * best.affinity, short.affinity / best.affinity


def test_large_rounds_take_the_shortlist_by_default(monkeypatch):
    jurors, applications, conflicts = round_like_the_benchmark(60, 20)
    limits = Limits(per_application=3)
    assert plan_assignment(jurors, applications, limits, conflicts).exact
    monkeypatch.setattr(assignment, "EXACT_UP_TO", 100)
    assert not plan_assignment(jurors, applications, limits, conflicts).exact
