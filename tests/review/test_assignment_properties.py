"""Properties of the jury planner on random small rounds: the hard rules always hold, and on tiny
rounds the plan is the lexicographic optimum found by trying every assignment."""

import itertools
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review import assignment
from review.assignment import (
    ApplicationData,
    JurorData,
    Limits,
    affinity,
    effective_cap,
    may_review,
    plan_assignment,
    region_repeats,
)

FAST = settings(max_examples=50, deadline=None)


@st.composite
def rounds(draw, max_jurors: int = 7, max_apps: int = 7, existing: bool = True):
    n_jurors = draw(st.integers(1, max_jurors))
    n_apps = draw(st.integers(0, max_apps))
    need = draw(st.integers(1, 3))
    jurors = []
    for j in range(1, n_jurors + 1):
        jurors.append(
            JurorData(
                id=j,
                region=draw(st.sampled_from(["", "lviv", "odesa", "sumy"])),
                expertise=frozenset(draw(st.sets(st.integers(1, 4), max_size=3))),
                nominations=frozenset(draw(st.sets(st.integers(1, 2), max_size=1))),
                max_load=draw(st.none() | st.integers(0, 4)),
            )
        )
    applications = []
    for a in range(1, n_apps + 1):
        assigned = draw(st.sets(st.integers(1, n_jurors), max_size=2)) if existing else set()
        declined = draw(st.sets(st.integers(1, n_jurors), max_size=1)) - assigned if existing else set()
        applications.append(
            ApplicationData(
                id=100 + a,
                nomination=draw(st.integers(1, 2)),
                categories=frozenset(draw(st.sets(st.integers(1, 4), max_size=3))),
                assigned=frozenset(assigned),
                declined=frozenset(declined),
            )
        )
    # Existing reviews are the jurors' loads.
    loads = Counter(j for a in applications for j in a.assigned)
    jurors = [JurorData(**{**j.__dict__, "load": loads[j.id]}) for j in jurors]
    all_pairs = [(j.id, a.id) for j in jurors for a in applications]
    conflicts = (
        draw(st.sets(st.sampled_from(all_pairs), max_size=len(all_pairs) // 3)) if all_pairs else set()
    )
    max_load = draw(st.none() | st.integers(1, 5))
    min_load = draw(st.none() | st.integers(0, max_load or 3))
    limits = Limits(
        per_application=need, min_load=min_load, max_load=max_load, spread_regions=draw(st.booleans())
    )
    return jurors, applications, limits, conflicts


def max_fill(jurors, applications, limits, conflicts) -> int:
    """The most open slots any assignment can fill (loads and hard rules only), by networkx."""
    graph = nx.DiGraph()
    for juror in jurors:
        cap = effective_cap(juror, limits)
        room = len(applications) if cap is None else max(0, cap - juror.load)
        graph.add_edge("s", ("j", juror.id), capacity=room)
        for app in applications:
            if may_review(juror, app, conflicts):
                graph.add_edge(("j", juror.id), ("a", app.id), capacity=1)
    for app in applications:
        graph.add_edge(("a", app.id), "t", capacity=max(0, limits.per_application - len(app.assigned)))
    if "s" not in graph or "t" not in graph:
        return 0
    return nx.maximum_flow_value(graph, "s", "t")


def check_hard_rules(plan, jurors, applications, limits, conflicts) -> None:
    by_id = {j.id: j for j in jurors}
    apps = {a.id: a for a in applications}
    assert len(set(plan.pairs)) == len(plan.pairs)
    new = Counter(j for j, _a in plan.pairs)
    for juror_id, app_id in plan.pairs:
        assert may_review(by_id[juror_id], apps[app_id], conflicts)
    for juror in jurors:
        cap = effective_cap(juror, limits)
        assert plan.loads[juror.id] == juror.load + new[juror.id]
        if new[juror.id]:
            assert cap is None or plan.loads[juror.id] <= cap
    panels = Counter(a for _j, a in plan.pairs)
    for app in applications:
        assert len(app.assigned) + panels[app.id] <= max(limits.per_application, len(app.assigned))
    unfilled = {s.application: s.missing for s in plan.shortfalls}
    for app in applications:
        missing = max(0, limits.per_application - len(app.assigned))
        assert panels[app.id] + unfilled.get(app.id, 0) == missing
    assert len(plan.pairs) == max_fill(jurors, applications, limits, conflicts)


@FAST
@given(rounds())
def test_hard_rules_and_most_slots_filled(instance):
    jurors, applications, limits, conflicts = instance
    plan = plan_assignment(jurors, applications, limits, conflicts)
    check_hard_rules(plan, jurors, applications, limits, conflicts)
    assert plan.affinity <= plan.affinity_bound
    assert plan.exact


@FAST
@given(rounds(max_jurors=9, max_apps=9))
def test_shortlist_keeps_the_hard_rules(instance):
    """Large rounds offer the flow a shortlist: the hard rules hold there too."""
    jurors, applications, limits, conflicts = instance
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assignment, "EXACT_UP_TO", 0)
        plan = plan_assignment(jurors, applications, limits, conflicts)
    by_id = {j.id: j for j in jurors}
    apps = {a.id: a for a in applications}
    assert len(set(plan.pairs)) == len(plan.pairs)
    for juror_id, app_id in plan.pairs:
        assert may_review(by_id[juror_id], apps[app_id], conflicts)
    new = Counter(j for j, _a in plan.pairs)
    for juror in jurors:
        cap = effective_cap(juror, limits)
        assert not new[juror.id] or cap is None or plan.loads[juror.id] <= cap


def objective(jurors, applications, limits, pairs) -> tuple:
    """The planner's goals in order, smaller is better: fill, minimum load, regions, balance
    (sum of squared loads: the convex per-unit cost), affinity."""
    new = Counter(j for j, _a in pairs)
    loads = {j.id: j.load + new[j.id] for j in jurors}
    floor = limits.min_load or 0
    shortfall = sum(max(0, floor - loads[j.id]) for j in jurors)
    repeats = region_repeats(jurors, applications, pairs) if limits.spread_regions else 0
    by_id = {j.id: j for j in jurors}
    apps = {a.id: a for a in applications}
    total_affinity = sum(affinity(by_id[j], apps[a]) for j, a in pairs)
    return (-len(pairs), shortfall, repeats, sum(v * v for v in loads.values()), -total_affinity)


def brute_force_best(jurors, applications, limits, conflicts) -> tuple:
    options = []
    for app in applications:
        missing = max(0, limits.per_application - len(app.assigned))
        allowed = [j.id for j in jurors if may_review(j, app, conflicts)]
        options.append(
            [
                [(j, app.id) for j in chosen]
                for size in range(min(missing, len(allowed)) + 1)
                for chosen in itertools.combinations(allowed, size)
            ]
        )
    best = None
    for combination in itertools.product(*options):
        pairs = [pair for part in combination for pair in part]
        new = Counter(j for j, _a in pairs)
        if any(
            new[j.id] and (cap := effective_cap(j, limits)) is not None and j.load + new[j.id] > cap
            for j in jurors
        ):
            continue
        key = objective(jurors, applications, limits, pairs)
        best = key if best is None or key < best else best
    return best


@FAST
@given(rounds(max_jurors=4, max_apps=3))
def test_tiny_rounds_reach_the_brute_force_optimum(instance):
    jurors, applications, limits, conflicts = instance
    plan = plan_assignment(jurors, applications, limits, conflicts)
    assert objective(jurors, applications, limits, plan.pairs) == brute_force_best(
        jurors, applications, limits, conflicts
    )


@FAST
@given(
    n_jurors=st.integers(1, 12),
    n_apps=st.integers(0, 30),
    need=st.integers(1, 4),
    regions=st.lists(st.sampled_from(["", "lviv", "odesa", "sumy", "rivne"]), min_size=12, max_size=12),
    spread=st.booleans(),
)
def test_loads_differ_by_at_most_one_when_nothing_binds(n_jurors, n_apps, need, regions, spread):
    need = min(need, n_jurors)
    # With spread regions, shared regions would bind: keep them distinct (or blank) there.
    jurors = [
        JurorData(id=j, region=f"{regions[j]}-{j}" if spread and regions[j] else regions[j])
        for j in range(n_jurors)
    ]
    applications = [ApplicationData(id=100 + a, nomination=1) for a in range(n_apps)]
    plan = plan_assignment(jurors, applications, Limits(per_application=need, spread_regions=spread))
    assert len(plan.pairs) == need * n_apps
    if n_apps:
        assert plan.load_spread <= 1


@FAST
@given(rounds(max_jurors=8, max_apps=8))
def test_no_single_move_would_balance_better(instance):
    """Local optimality of the balance: no assignment of a juror could pass to one with at least
    two fewer reviews without breaking a rule or repeating a region the plan avoided."""
    jurors, applications, limits, conflicts = instance
    plan = plan_assignment(jurors, applications, limits, conflicts)
    by_id = {j.id: j for j in jurors}
    apps = {a.id: a for a in applications}
    chosen = set(plan.pairs)
    base_repeats = region_repeats(jurors, applications, plan.pairs) if limits.spread_regions else 0
    for juror_id, app_id in plan.pairs:
        for other in jurors:
            cap = effective_cap(other, limits)
            if (
                plan.loads[other.id] + 2 > plan.loads[juror_id]
                or (other.id, app_id) in chosen
                or not may_review(other, apps[app_id], conflicts)
                or (cap is not None and plan.loads[other.id] + 1 > cap)
            ):
                continue
            moved = [p for p in plan.pairs if p != (juror_id, app_id)] + [(other.id, app_id)]
            repeats = region_repeats(jurors, applications, moved) if limits.spread_regions else 0
            below = limits.min_load is not None and plan.loads[juror_id] <= limits.min_load
            assert repeats > base_repeats or below, (by_id[juror_id], other, app_id)
