"""Automatic jury assignment: every application of a round gets its jurors in one optimisation.

The planner (`plan_assignment`) works on plain data and solves a min-cost maximum flow
(OR-Tools): source → juror (one arc per unit of load) → application, or → (application,
region) → application when regions are spread → sink. Maximum flow fills as many slots as the
hard rules allow (conflicts, nominations, load caps, one review per juror and application);
among those fillings the costs choose, strictly in this order:

1. jurors below the round's minimum load (a soft lower bound: units up to it are cheap),
2. repeated regions within an application (the first juror of a region passes free, more pay),
3. balanced loads (the k-th unit of a juror's load costs in proportion to k, a convex cost, so
   no juror takes work that one with two fewer could take instead),
4. expertise: the most total affinity.

The weights of each tier exceed what any exchange of assignments can change in the tiers below
(an augmenting cycle passes each juror at most once), so the order is exact, not a blend.

`auto_assign` and `replace_declined` read the round from the ORM and write the reviews; they
send nothing: the calling service notifies the jurors.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ortools.graph.python import min_cost_flow

from accounts.models import Membership
from applications.models import Application
from contests.models import Contest
from core.bulk import insert_rows
from review.conflicts import declared_pairs, record_automatic_conflicts
from review.models import Conflict, Juror, OrganisationConflict, Review, Round
from review.selectors import round_applications

# Affinity for a juror explicitly attached to the application's nomination, on top of one
# point per shared category.
NOMINATION_BONUS = 2
# Up to this many eligible (juror, application) pairs the flow sees them all and the plan is
# optimal; above it each application offers a shortlist, which keeps a 10,000 × 300 round
# within seconds (the solver's time grows with arcs and with (application, region) nodes).
EXACT_UP_TO = 250_000
# Capacity standing in for "unbounded" (the flow never needs more than the slots to fill).
_UNBOUNDED = np.iinfo(np.int64).max // 4


# --- plain data in and out ------------------------------------------------------------------


@dataclass(frozen=True)
class JurorData:
    id: int
    region: str = ""  # blank: a group of its own
    expertise: frozenset[int] = frozenset()  # category ids
    nominations: frozenset[int] = frozenset()  # empty: every nomination
    max_load: int | None = None  # personal cap, None: unbounded
    load: int = 0  # live reviews already in the round


@dataclass(frozen=True)
class ApplicationData:
    id: int
    nomination: int
    categories: frozenset[int] = frozenset()
    assigned: frozenset[int] = frozenset()  # jurors with a live review of it in the round
    declined: frozenset[int] = frozenset()  # jurors who declined it in the round (their row stays)


@dataclass(frozen=True)
class Limits:
    per_application: int
    min_load: int | None = None
    max_load: int | None = None
    spread_regions: bool = True


class ShortfallReason(Enum):
    TOO_FEW_ELIGIBLE = "too_few_eligible"
    LOADS_FULL = "loads_full"


@dataclass(frozen=True)
class Shortfall:
    """An application left with fewer jurors than the round asks for, and why."""

    application: int
    missing: int
    reason: ShortfallReason
    eligible: int  # jurors who could review it at all (loads aside), besides those assigned

    @property
    def message(self) -> str:
        if self.reason is ShortfallReason.TOO_FEW_ELIGIBLE:
            return ngettext(
                "Only %(count)d more juror may review it (conflicts of interest, nominations).",
                "Only %(count)d more jurors may review it (conflicts of interest, nominations).",
                self.eligible,
            ) % {"count": self.eligible}
        return _("The jurors who may review it have reached their load limits.")


@dataclass(frozen=True)
class Plan:
    pairs: list[tuple[int, int]]  # new (juror id, application id), sorted
    shortfalls: list[Shortfall]
    loads: dict[int, int]  # juror id → load in the round after the plan (existing + new)
    active: frozenset[int]  # jurors who can take work: load statistics are over them
    affinity: int  # of the new pairs
    affinity_bound: int  # each application's best eligible affinities for its open slots
    region_repeats: int  # jurors beyond the first of their region per application (all reviews)
    below_min_load: list[int]  # active jurors left below the round's minimum
    seconds: float
    # False when the network was too big to take every eligible pair: each application then
    # offered the flow a shortlist (see `_shortlist`), and optimality holds over the shortlist.
    exact: bool = True

    @property
    def unfilled(self) -> int:
        return sum(s.missing for s in self.shortfalls)

    @property
    def load_min(self) -> int:
        return min((self.loads[j] for j in self.active), default=0)

    @property
    def load_max(self) -> int:
        return max((self.loads[j] for j in self.active), default=0)

    @property
    def load_spread(self) -> int:
        return self.load_max - self.load_min


def affinity(juror: JurorData, application: ApplicationData, bonus: int = NOMINATION_BONUS) -> int:
    """Shared categories, plus the bonus when the juror is attached to the nomination."""
    attached = application.nomination in juror.nominations
    return len(juror.expertise & application.categories) + (bonus if attached else 0)


def may_review(
    juror: JurorData, application: ApplicationData, conflicts: Collection[tuple[int, int]]
) -> bool:
    """The hard rules for one new pair (loads aside)."""
    return (
        (juror.id, application.id) not in conflicts
        and (not juror.nominations or application.nomination in juror.nominations)
        and juror.id not in application.assigned
        and juror.id not in application.declined
    )


def effective_cap(juror: JurorData, limits: Limits) -> int | None:
    caps = [c for c in (limits.max_load, juror.max_load) if c is not None]
    return min(caps) if caps else None


# --- the planner -----------------------------------------------------------------------------


def _index(values: Sequence[int]) -> dict[int, int]:
    return {v: i for i, v in enumerate(values)}


def _matrices(
    jurors: Sequence[JurorData],
    applications: Sequence[ApplicationData],
    conflicts: Collection[tuple[int, int]],
    bonus: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(eligible, affinity): applications × jurors, built column-wise with numpy."""
    n_apps, n_jurors = len(applications), len(jurors)
    nominations = _index(sorted({a.nomination for a in applications}))
    app_nomination = np.array([nominations[a.nomination] for a in applications], dtype=np.int64)
    attached = np.zeros((n_jurors, len(nominations)), dtype=bool)
    allowed = np.ones((n_jurors, len(nominations)), dtype=bool)
    for j, juror in enumerate(jurors):
        if juror.nominations:
            allowed[j] = False
            for nomination in juror.nominations & nominations.keys():
                attached[j, nominations[nomination]] = allowed[j, nominations[nomination]] = True
    eligible = allowed[:, app_nomination].T.copy()

    juror_at, app_at = _index([j.id for j in jurors]), _index([a.id for a in applications])
    barred = [(app_at[a], juror_at[j]) for j, a in conflicts if j in juror_at and a in app_at] + [
        (i, juror_at[j])
        for i, app in enumerate(applications)
        for j in app.assigned | app.declined
        if j in juror_at
    ]
    if barred:
        rows, cols = np.array(barred, dtype=np.int64).T
        eligible[rows, cols] = False

    categories = _index(sorted({c for a in applications for c in a.categories}))
    scores = bonus * attached[:, app_nomination].T.astype(np.int64)
    if categories:
        app_cat = np.zeros((n_apps, len(categories)), dtype=np.float32)
        juror_cat = np.zeros((n_jurors, len(categories)), dtype=np.float32)
        for i, app in enumerate(applications):
            app_cat[i, [categories[c] for c in app.categories]] = 1
        for j, juror in enumerate(jurors):
            known = [categories[c] for c in juror.expertise if c in categories]
            juror_cat[j, known] = 1
        # float32 BLAS is exact for counts this small, and much faster than integer matmul.
        scores += np.rint(app_cat @ juror_cat.T).astype(np.int64)
    return eligible, scores


def _load_arcs(
    juror: int, load: int, units: int, threshold: int, unit_cost: Callable[[int], int]
) -> tuple[list[int], list[int], list[int]]:
    """Arcs source → juror for load levels load+1 … load+units: one per level up to `threshold`,
    then segments of doubling width priced at their top level (still convex; exact balance
    matters near the average, where `threshold` keeps single levels)."""
    jurors, caps, costs = [], [], []
    level, top, group = load + 1, load + units, 2
    while level <= top:
        width = 1 if level <= threshold else min(group, top - level + 1)
        if level > threshold:
            group *= 2
        jurors.append(juror)
        caps.append(width)
        costs.append(unit_cost(level + width - 1))
        level += width
    return jurors, caps, costs


def _shortlist(
    open_: np.ndarray,
    scores: np.ndarray,
    juror_region: np.ndarray | None,
    need: int,
    floor: int,
    per_juror: int,
) -> np.ndarray:
    """The pairs a large round hands to the flow: for each application the best candidate of
    each region (with spread regions; so few repeats need nodes) or its best 4·N candidates,
    plus the best few of the jurors without a region; then each juror's own best `per_juror`
    applications (the application side alone loses the pairs where a region's best juror is
    wanted elsewhere and the next one of the region was as good: 98.9% of the exact affinity
    without them, above 99.5% with 1.5 fair loads each); then every juror is topped up to
    `floor` applications, so balancing the loads never lacks room. "Best" is by affinity, ties
    in a fixed pseudo-random order so that no juror is always last."""
    n_apps, n_jurors = open_.shape
    rows = np.arange(n_apps)
    tie = (rows[:, None] * 1_000_003 + np.arange(n_jurors)[None, :] * 7_919) % 65_536
    key = np.where(open_, scores * 65_536 + tie, -1)
    keep = np.zeros_like(open_)

    def best(pool: np.ndarray, k: int) -> None:
        if len(pool) <= k:
            keep[:, pool] |= open_[:, pool]
            return
        chosen = pool[np.argpartition(-key[:, pool], k - 1, axis=1)[:, :k]]
        keep[rows[:, None], chosen] |= open_[rows[:, None], chosen]

    if juror_region is None:
        best(np.arange(n_jurors), 4 * need)
    else:
        for region in np.unique(juror_region[juror_region >= 0]):
            best(np.nonzero(juror_region == region)[0], 1)
        best(np.nonzero(juror_region < 0)[0], need + 2)
    if 0 < per_juror < n_apps:
        top = np.argpartition(-key, per_juror - 1, axis=0)[:per_juror]
        columns = np.broadcast_to(np.arange(n_jurors), top.shape)
        keep[top, columns] |= open_[top, columns]
    elif per_juror:
        keep |= open_
    counts = keep.sum(axis=0)
    for j in np.nonzero(counts < floor)[0]:
        extra = np.nonzero(open_[:, j] & ~keep[:, j])[0]
        more = int(floor - counts[j])
        if len(extra) > more:
            extra = extra[np.argpartition(-key[extra, j], more - 1)[:more]]
        keep[extra, j] = True
    return keep


@dataclass(frozen=True)
class _Network:
    """The parts of the flow network that do not depend on which applications get region nodes."""

    n_jurors: int
    n_apps: int
    a_idx: np.ndarray  # per juror → application arc: application index
    j_idx: np.ndarray  # … and juror index
    arc_cost: np.ndarray
    missing: np.ndarray  # open slots per application
    load_arcs: tuple[np.ndarray, ...]  # source → juror: juror index, capacity, cost
    w_region: int


def _solve(
    net: _Network, juror_region: np.ndarray | None = None, present: np.ndarray | None = None
) -> np.ndarray:
    """Indices of the juror → application arcs the min-cost maximum flow uses. With regions,
    candidates of one region for one application meet in an (application, region) node whose
    first unit passes free (unless the region already sits on the panel) and the rest pay
    w_region; a node is made only where a repeat is possible."""
    source, sink, first_juror = 0, 1, 2
    first_app = first_juror + net.n_jurors
    heads = first_app + net.a_idx
    flow = min_cost_flow.SimpleMinCostFlow()
    region_arcs = None
    if juror_region is not None and present is not None:
        counts = np.zeros(present.shape, dtype=np.int64)
        named = juror_region[net.j_idx] >= 0
        np.add.at(counts, (net.a_idx[named], juror_region[net.j_idx][named]), 1)
        # A repeat needs two candidates of a region, or one and a juror of it already assigned.
        needed = (counts >= 2) | ((counts >= 1) & (present > 0))
        node_of = np.full(needed.shape, -1, dtype=np.int64)
        node_apps, node_regions = np.nonzero(needed)
        nodes = first_app + net.n_apps + np.arange(len(node_apps))
        node_of[node_apps, node_regions] = nodes
        arc_region = juror_region[net.j_idx]
        via = np.where(arc_region >= 0, node_of[net.a_idx, np.maximum(arc_region, 0)], -1)
        heads = np.where(via >= 0, via, heads)
        free = present[node_apps, node_regions] == 0
        region_arcs = (
            np.concatenate([nodes[free], nodes]),
            np.concatenate([first_app + node_apps[free], first_app + node_apps]),
            np.concatenate([np.ones(free.sum(), dtype=np.int64), net.missing[node_apps]]),
            np.concatenate([np.zeros(free.sum(), dtype=np.int64), np.full(len(nodes), net.w_region)]),
        )
    # Juror → application arcs first, so their indices are 0 … len(a_idx) - 1.
    arcs = [(first_juror + net.j_idx, heads, np.ones(len(net.a_idx), dtype=np.int64), net.arc_cost)]
    if region_arcs is not None:
        arcs.append(region_arcs)
    wanting = np.nonzero(net.missing > 0)[0]
    arcs.append(
        (first_app + wanting, np.full(len(wanting), sink), net.missing[wanting], np.zeros(len(wanting)))
    )
    takers, capacities, costs = net.load_arcs
    arcs.append((np.full(len(takers), source), first_juror + takers, capacities, costs))
    for tails, arc_heads, arc_caps, arc_costs in arcs:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.asarray(tails, dtype=np.int32),
            np.asarray(arc_heads, dtype=np.int32),
            np.asarray(arc_caps, dtype=np.int64),
            np.asarray(arc_costs, dtype=np.int64),
        )
    demand = int(net.missing.sum())
    flow.set_node_supply(source, demand)
    flow.set_node_supply(sink, -demand)
    # Plain solve() is much faster when every slot can be filled; when not, it says so quickly
    # and the maximum-flow variant fills what it can.
    status = flow.solve()
    if status != flow.OPTIMAL:
        status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return np.nonzero(flow.flows(np.arange(len(net.a_idx), dtype=np.int32)))[0]


def plan_assignment(
    jurors: Sequence[JurorData],
    applications: Sequence[ApplicationData],
    limits: Limits,
    conflicts: Collection[tuple[int, int]] = frozenset(),
    *,
    bonus: int = NOMINATION_BONUS,
    exact: bool | None = None,
) -> Plan:
    """New (juror, application) pairs for the open slots of a round; see the module's docstring
    for the order of the goals. Pure: plain data in, plain data out. `exact`: True hands the
    flow every eligible pair whatever the size (the benchmark's reference optimum), False always
    a shortlist, None decides by size (`EXACT_UP_TO`)."""
    started = time.perf_counter()
    jurors, applications = list(jurors), list(applications)
    n_apps, n_jurors = len(applications), len(jurors)
    need = limits.per_application
    missing = np.array([max(0, need - len(a.assigned)) for a in applications], dtype=np.int64)
    load = np.array([j.load for j in jurors], dtype=np.int64)
    caps = [effective_cap(j, limits) for j in jurors]
    cap = np.array([_UNBOUNDED if c is None else c for c in caps], dtype=np.int64)
    remaining = np.maximum(cap - load, 0)

    eligible, scores = _matrices(jurors, applications, conflicts, bonus)
    open_ = eligible & (missing > 0)[:, None] & (remaining > 0)[None, :]
    juror_at = _index([j.id for j in jurors])
    regions = _index(sorted({j.region for j in jurors if j.region}))
    juror_region = np.array([regions.get(j.region, -1) for j in jurors], dtype=np.int64)
    spread = limits.spread_regions and bool(regions)
    if exact is None:
        exact = int(open_.sum()) <= EXACT_UP_TO
    if exact:
        candidates = open_
    else:
        takers_now = int(((remaining > 0) & open_.any(axis=0)).sum())
        fair = math.ceil(int(missing.sum()) / max(takers_now, 1))
        candidates = _shortlist(
            open_,
            scores,
            juror_region if spread else None,
            need,
            floor=3 * fair + need,
            per_juror=(3 * fair) // 2 + need,
        )
    a_idx, j_idx = np.nonzero(candidates)
    units = np.minimum(remaining, candidates.sum(axis=0))

    # Tier weights (see the module docstring); each exceeds what a cycle can change below it.
    max_affinity = int(scores.max(initial=0)) + 1
    top_level = int((load + units).max(initial=0)) + 1
    w_balance = max_affinity * (n_jurors + 1) + 1
    w_region = w_balance * (top_level + 1) + max_affinity * (n_jurors + 1)
    w_min_load = w_region * (n_jurors + 2)

    def unit_cost(level: int) -> int:
        below = limits.min_load is not None and level <= limits.min_load
        return w_balance * level + (0 if below or limits.min_load is None else w_min_load)

    takers = np.nonzero(units > 0)[0]
    total = int(load.sum() + missing.sum())
    threshold = max(limits.min_load or 0, 2 * math.ceil(total / max(len(takers), 1)) + 8)
    load_arcs: tuple[list[int], list[int], list[int]] = ([], [], [])
    for j in takers:
        for into, part in zip(
            load_arcs, _load_arcs(int(j), int(load[j]), int(units[j]), threshold, unit_cost), strict=True
        ):
            into += part
    network = _Network(
        n_jurors=n_jurors,
        n_apps=n_apps,
        a_idx=a_idx,
        j_idx=j_idx,
        arc_cost=(max_affinity - scores[a_idx, j_idx]).astype(np.int64),
        missing=missing,
        load_arcs=tuple(np.array(part, dtype=np.int64) for part in load_arcs),
        w_region=w_region,
    )
    chosen = np.zeros(0, dtype=np.int64)
    if len(a_idx) and spread:
        present = np.zeros((n_apps, len(regions)), dtype=np.int64)
        for i, app in enumerate(applications):
            for juror_id in app.assigned:
                if juror_id in juror_at and jurors[juror_at[juror_id]].region:
                    present[i, regions[jurors[juror_at[juror_id]].region]] += 1
        chosen = _solve(network, juror_region, present)
    elif len(a_idx):
        chosen = _solve(network)

    new_a, new_j = a_idx[chosen], j_idx[chosen]
    filled = np.bincount(new_a, minlength=n_apps)
    final = load + np.bincount(new_j, minlength=n_jurors)
    # Affinity bound: each application's best eligible affinities for its open slots, ignoring
    # loads and regions (what the round could reach with unbounded, perfectly placed jurors).
    bound = 0
    if n_jurors and missing.any():
        ranked = -np.sort(-np.where(eligible, scores, -1), axis=1)[:, : int(missing.max())]
        take = np.arange(ranked.shape[1])[None, :] < missing[:, None]
        bound = int(np.where(take & (ranked >= 0), ranked, 0).sum())
    n_eligible = eligible.sum(axis=1)
    shortfalls = [
        Shortfall(
            application=applications[i].id,
            missing=int(missing[i] - filled[i]),
            reason=(
                ShortfallReason.TOO_FEW_ELIGIBLE if n_eligible[i] < missing[i] else ShortfallReason.LOADS_FULL
            ),
            eligible=int(n_eligible[i]),
        )
        for i in np.nonzero(filled < missing)[0]
    ]
    active_mask = (cap > 0) & ((load > 0) | (eligible & (missing > 0)[:, None]).any(axis=0))
    active = frozenset(jurors[j].id for j in np.nonzero(active_mask)[0])
    loads = {j.id: int(final[k]) for k, j in enumerate(jurors)}
    pairs = sorted((jurors[j].id, applications[a].id) for a, j in zip(new_a, new_j, strict=True))
    return Plan(
        pairs=pairs,
        shortfalls=shortfalls,
        loads=loads,
        active=active,
        affinity=int(scores[new_a, new_j].sum()),
        affinity_bound=bound,
        region_repeats=region_repeats(jurors, applications, pairs),
        below_min_load=sorted(
            j for j in active if limits.min_load is not None and loads[j] < limits.min_load
        ),
        seconds=time.perf_counter() - started,
        exact=exact,
    )


def region_repeats(
    jurors: Sequence[JurorData], applications: Sequence[ApplicationData], pairs: Collection[tuple[int, int]]
) -> int:
    """Jurors beyond the first of their (non-blank) region per application, old and new."""
    region = {j.id: j.region for j in jurors}
    panels: dict[int, list[int]] = {a.id: list(a.assigned) for a in applications}
    for juror_id, application_id in pairs:
        panels[application_id].append(juror_id)
    repeats = 0
    for panel in panels.values():
        named = [region.get(j, "") for j in panel if region.get(j, "")]
        repeats += len(named) - len(set(named))
    return repeats


# --- the round in the database ---------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentReport:
    created: int
    unfilled: int
    unfilled_applications: list[int]
    load_min: int
    load_max: int
    load_spread: int
    affinity: int
    affinity_bound: int  # each application's best eligible affinities for its open slots
    seconds: float  # the planner's (the optimisation's) time
    total_seconds: float = 0.0  # reading, planning and writing
    shortfalls: list[Shortfall] = field(default_factory=list)
    region_repeats: int = 0
    below_min_load: list[int] = field(default_factory=list)  # juror ids
    exact: bool = True

    @property
    def affinity_ratio(self) -> float:
        return self.affinity / self.affinity_bound if self.affinity_bound else 1.0

    @property
    def reasons(self) -> dict[int, str]:
        """Application id → why it lacks jurors, in the user's language."""
        return {s.application: s.message for s in self.shortfalls}


_NONE: frozenset[int] = frozenset()


def _pairs_by(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for key, value in rows:
        found.setdefault(key, set()).add(value)
    return found


def _recorded_conflicts(contest: Contest) -> set[tuple[int, int]]:
    """What `conflicted_pairs` returns, once `record_automatic_conflicts` has run in the same
    transaction: every automatic conflict is then a recorded row (but for pairs with a submitted
    review, whose juror is on the panel already), so recomputing them (a pass over jurors ×
    applications) is not needed; declarations against organisations still are."""
    recorded = Conflict.objects.filter(juror__contest=contest).values_list("juror_id", "application_id")
    return set(recorded) | declared_pairs(contest)


def _round_data(round_: Round) -> tuple[list[JurorData], list[ApplicationData], Limits]:
    contest_id = round_.contest_id
    expertise = _pairs_by(
        Juror.expertise.through.objects.filter(juror__contest_id=contest_id).values_list(
            "juror_id", "category_id"
        )
    )
    nominations = _pairs_by(
        Juror.nominations.through.objects.filter(juror__contest_id=contest_id).values_list(
            "juror_id", "nomination_id"
        )
    )
    loads = dict(
        Review.objects.filter(round=round_, state__in=Review.LIVE_STATES)
        .values("juror_id")
        .annotate(n=Count("pk"))
        .values_list("juror_id", "n")
    )
    jurors = [
        JurorData(
            id=pk,
            region=region,
            expertise=frozenset(expertise.get(pk, ())),
            nominations=frozenset(nominations.get(pk, ())),
            max_load=max_load,
            load=loads.get(pk, 0),
        )
        for pk, region, max_load in Juror.objects.filter(contest_id=contest_id)
        .order_by("pk")
        .values_list("pk", "region", "max_load")
    ]
    applications_qs = round_applications(round_)
    categories = _pairs_by(
        Application.categories.through.objects.filter(
            application_id__in=applications_qs.values("pk")
        ).values_list("application_id", "category_id")
    )
    live: dict[int, set[int]] = {}
    declined: dict[int, set[int]] = {}
    for juror_id, application_id, state in Review.objects.filter(round=round_).values_list(
        "juror_id", "application_id", "state"
    ):
        into = declined if state == Review.State.DECLINED else live
        into.setdefault(application_id, set()).add(juror_id)
    applications = [
        ApplicationData(
            id=pk,
            nomination=nomination_id,
            categories=frozenset(categories[pk]) if pk in categories else _NONE,
            # Shared when empty: building 10,000 empty sets took longer than the rest of the read.
            assigned=frozenset(live[pk]) if pk in live else _NONE,
            declined=frozenset(declined[pk]) if pk in declined else _NONE,
        )
        for pk, nomination_id in applications_qs.order_by("pk").values_list("pk", "nomination_id")
    ]
    limits = Limits(
        per_application=round_.reviewers_per_application,
        min_load=round_.min_load,
        max_load=round_.max_load,
        spread_regions=round_.spread_regions,
    )
    return jurors, applications, limits


def auto_assign(round_: Round, *, by) -> AssignmentReport:
    """Fill every open jury slot of the round in one optimisation and write the reviews
    (assigned, `assigned_by=by`). Existing reviews stay as they are and count towards loads and
    slots. The round's row is locked, so two organisers cannot assign the same slots twice."""
    started = time.perf_counter()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("contest").get(pk=round_.pk)
        # Recorded first, so the database triggers know every conflict the plan avoids; the
        # pairs include every application of an organisation a juror declared a conflict with.
        record_automatic_conflicts(round_.contest)
        conflicts = _recorded_conflicts(round_.contest)
        jurors, applications, limits = _round_data(round_)
        plan = plan_assignment(jurors, applications, limits, conflicts)
        # One statement for all the new reviews, however many (on PostgreSQL the rows travel
        # as one JSON document): bulk_create() built a model instance per row and adapted
        # every value in Python, 30,000 reviews took several times the plan. Creating a
        # review records no history row (only its transitions do), so this is the whole write.
        insert_rows(
            Review,
            plan.pairs,
            columns=["juror_id", "application_id"],
            same={"round": round_, "assigned_by": by},
        )
    return AssignmentReport(
        created=len(plan.pairs),
        unfilled=plan.unfilled,
        unfilled_applications=[s.application for s in plan.shortfalls],
        load_min=plan.load_min,
        load_max=plan.load_max,
        load_spread=plan.load_spread,
        affinity=plan.affinity,
        affinity_bound=plan.affinity_bound,
        seconds=plan.seconds,
        total_seconds=time.perf_counter() - started,
        shortfalls=plan.shortfalls,
        region_repeats=plan.region_repeats,
        below_min_load=plan.below_min_load,
        exact=plan.exact,
    )


def _conflicted_jurors(application: Application) -> set[int]:
    """Jurors of the contest who must not review this one application: recorded conflicts,
    standing declarations against its organisation, and the automatic rules of
    `review.conflicts` (own organisation, optionally the same oblast), computed for this
    application alone instead of the whole contest."""
    contest = application.contest
    jurors = Juror.objects.filter(contest=contest)
    barred = set(Conflict.objects.filter(application=application).values_list("juror_id", flat=True))
    barred |= set(
        OrganisationConflict.objects.filter(
            juror__contest=contest,
            organisation_id=application.organisation_id,
            state__in=OrganisationConflict.STANDING_STATES,
        ).values_list("juror_id", flat=True)
    )
    staff = Membership.objects.filter(organisation_id=application.organisation_id).values("user_id")
    barred |= set(jurors.filter(user_id__in=staff).values_list("pk", flat=True))
    region = application.organisation.region
    if contest.conflict_same_region and region:
        barred |= set(jurors.filter(region=region).values_list("pk", flat=True))
    return barred


def replace_declined(review: Review, *, by) -> Review | None:
    """After a juror declines: one new juror for the same application and round, touching no
    other review. The candidate must be free of conflicts, allowed in the nomination, under
    their load cap and new to the application in this round; the best keeps the regions of the
    panel distinct where possible, then has the lowest load, then the highest affinity (the
    planner's order of goals). None when nobody may take it or the panel is already full."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=review.round_id)
        review = Review.objects.select_related("application__organisation", "application__contest").get(
            pk=review.pk
        )
        if review.state != Review.State.DECLINED:
            raise ValueError("only a declined review is replaced")
        application = review.application
        reviews = Review.objects.filter(round=round_, application=application)
        panel = list(reviews.filter(state__in=Review.LIVE_STATES).values_list("juror__region", flat=True))
        if len(panel) >= round_.reviewers_per_application:
            return None
        taken = set(reviews.values_list("juror_id", flat=True))  # one row per juror, any state
        barred = taken | _conflicted_jurors(application)
        loads = dict(
            Review.objects.filter(round=round_, state__in=Review.LIVE_STATES)
            .values("juror_id")
            .annotate(n=Count("pk"))
            .values_list("juror_id", "n")
        )
        categories = frozenset(application.categories.values_list("pk", flat=True))
        target = ApplicationData(
            id=application.pk, nomination=application.nomination_id, categories=categories
        )
        limits = Limits(per_application=round_.reviewers_per_application, max_load=round_.max_load)
        regions = {r for r in panel if r}
        best_key, best_id = None, None
        candidates = Juror.objects.filter(contest_id=round_.contest_id).exclude(pk__in=barred)
        for juror in candidates.prefetch_related("expertise", "nominations"):
            data = JurorData(
                id=juror.pk,
                region=juror.region,
                expertise=frozenset(c.pk for c in juror.expertise.all()),
                nominations=frozenset(n.pk for n in juror.nominations.all()),
                max_load=juror.max_load,
                load=loads.get(juror.pk, 0),
            )
            cap = effective_cap(data, limits)
            if (data.nominations and target.nomination not in data.nominations) or (
                cap is not None and data.load >= cap
            ):
                continue
            repeat = round_.spread_regions and bool(data.region) and data.region in regions
            key = (repeat, data.load, -affinity(data, target), data.id)
            if best_key is None or key < best_key:
                best_key, best_id = key, data.id
        if best_id is None:
            return None
        return Review.objects.create(round=round_, juror_id=best_id, application=application, assigned_by=by)
