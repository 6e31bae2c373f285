"""How the automatic jury assignment scales, as ratios measured in the same run.

    .venv/bin/python benchmarks/assignment.py                 # the planner alone
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_assign \
        .venv/bin/python benchmarks/assignment.py             # … and auto_assign end to end
    SIZES=1000,10000 .venv/bin/python benchmarks/assignment.py

Rounds of 1,000 / 10,000 / 50,000 applications (SIZES limits them) × 3 jurors from 300: 27
regions (accounts.regions.Region), 5 nominations (a tenth of the jurors judge one only), 30
expertise categories (4 per juror, 2–3 per application), a fifth of the jurors capped at 60
applications, the round at 150 per 10,000 applications; conflicts: 2% random pairs plus every
juror's own library (each juror works for one of the applicant libraries).

For each size, with the load average (1 min) beside each figure:

1. plan: the planner alone on plain data (what auto_assign runs after reading the round).
2. exact (1,000 and 10,000 only): the same solver (OR-Tools min-cost flow) with every eligible
   (application, juror) pair as an arc; the planner's affinity over the exact one. Goal ≥ 0.99.
3. end to end (PostgreSQL in DATABASE_URL): the round written to a throwaway `test_...`
   database and assigned by `auto_assign` (recording the automatic conflicts, reading,
   planning, writing the reviews); its time over its own plan's time. Goal ≤ 2.

Every result is checked: no conflicted pair, no juror above their cap, three distinct jurors
per application, no region twice on a panel, a load spread of at most 1 among the jurors below
their cap.
"""

import math
import os
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.regions import Region  # noqa: E402
from review.assignment import (  # noqa: E402
    ApplicationData,
    JurorData,
    Limits,
    effective_cap,
    plan_assignment,
)

GOAL_RATIO = 2.0  # end to end over the plan
GOAL_AFFINITY = 0.99  # of the exact optimum
GOAL_SPREAD = 1
# The issue sets the ratio's goal at 10,000 applications; below, fixed costs (the round's
# reads, conflicts recorded) weigh more than a plan of a fraction of a second and the ratio is
# printed only.
GOAL_FROM = 10_000
SIZES = (1_000, 10_000, 50_000)
EXACT_SIZES = (1_000, 10_000)
JURORS = 300
NEED = 3
NOMINATIONS = 5
CATEGORIES = 30
CAPPED, CAP, ROUND_CAP = 0.2, 60, 150  # the round's cap per 10,000 applications
CONFLICT_SHARE = 0.02


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def limits_for(n_apps: int) -> Limits:
    # The round's cap grows with the round, so 300 jurors can fill 50,000 × 3 slots.
    return Limits(
        per_application=NEED,
        max_load=max(ROUND_CAP, math.ceil(ROUND_CAP * n_apps / 10_000)),
        spread_regions=True,
    )


def make_round(n_apps: int, n_jurors: int, rng: random.Random) -> tuple[list, list, set, dict]:
    """Plain data of a round; `organisations` maps an application to its library."""
    regions = Region.values
    n_libraries = max(1, n_apps // NOMINATIONS)
    applications = [
        ApplicationData(
            id=a,
            nomination=a % NOMINATIONS,
            categories=frozenset(rng.sample(range(CATEGORIES), rng.randint(2, 3))),
        )
        for a in range(n_apps)
    ]
    organisation = {a: a // NOMINATIONS for a in range(n_apps)}
    jurors, employer = [], {}
    for j in range(n_jurors):
        jurors.append(
            JurorData(
                id=j,
                region=rng.choice(regions),
                expertise=frozenset(rng.sample(range(CATEGORIES), 4)),
                nominations=frozenset([rng.randrange(NOMINATIONS)]) if rng.random() < 0.1 else frozenset(),
                max_load=CAP if rng.random() < CAPPED else None,
            )
        )
        employer[j] = rng.randrange(n_libraries)
    conflicts = {
        (rng.randrange(n_jurors), rng.randrange(n_apps))
        for _ in range(int(CONFLICT_SHARE * n_apps * n_jurors))
    }
    by_library: dict[int, list[int]] = {}
    for a, library in organisation.items():
        by_library.setdefault(library, []).append(a)
    conflicts |= {(j, a) for j, library in employer.items() for a in by_library.get(library, [])}
    return jurors, applications, conflicts, {"organisation": organisation, "employer": employer}


def verify(jurors, applications, limits, conflicts, pairs) -> list[str]:
    """The invariants every assignment must keep; returns what broke."""
    problems = []
    by_id = {j.id: j for j in jurors}
    if len(set(pairs)) != len(pairs):
        problems.append("a (juror, application) pair twice")
    if bad := [p for p in pairs if p in conflicts]:
        problems.append(f"{len(bad)} conflicted pairs")
    loads = Counter(j for j, _a in pairs)
    over = [j for j, n in loads.items() if (c := effective_cap(by_id[j], limits)) is not None and n > c]
    if over:
        problems.append(f"{len(over)} jurors above their cap")
    outside = [
        (j, a)
        for j, a in pairs
        if by_id[j].nominations and applications[a].nomination not in by_id[j].nominations
    ]
    if outside:
        problems.append(f"{len(outside)} pairs outside the juror's nominations")
    panels: dict[int, list[int]] = {}
    for j, a in pairs:
        panels.setdefault(a, []).append(j)
    if short := [a.id for a in applications if len(set(panels.get(a.id, []))) != NEED]:
        problems.append(f"{len(short)} applications without {NEED} distinct jurors")
    repeats = sum(len(p) - len({by_id[j].region for j in p}) for p in panels.values())
    if repeats:
        problems.append(f"{repeats} repeated regions")
    if (spread := free_spread(jurors, limits, {j.id: loads[j.id] for j in jurors})) > GOAL_SPREAD:
        problems.append(f"load spread {spread} among the jurors below their cap")
    return problems


def free_spread(jurors, limits, loads: dict[int, int]) -> int:
    """Load spread among the jurors below their cap (capped ones are held down by the cap)."""
    free = [loads[j.id] for j in jurors if (c := effective_cap(j, limits)) is None or loads[j.id] < c]
    return max(free) - min(free) if free else 0


def seed_database(n_apps: int, jurors, applications, conflicts, links) -> tuple:
    """The round in the database; returns (round, organiser, juror pk → id, application pk → id)."""
    from accounts.models import Membership, Organisation, User
    from applications.models import Application
    from contests.models import Category, Classifier, Contest, Nomination
    from core import clock
    from core.bulk import insert_rows
    from review.models import Conflict, Juror, Round

    now = clock.now()
    tag = f"n{n_apps}"
    organiser = User.objects.create_user(email=f"bench-organiser-{tag}@example.org", full_name="Бенчмарк")
    contest = Contest.objects.create(
        title=f"Конкурс для розподілу журі ({n_apps})",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        state=Contest.State.IN_REVIEW,
        created_by=organiser,
    )
    nominations = Nomination.objects.bulk_create(
        Nomination(contest=contest, title=f"Номінація {k + 1}", order=k) for k in range(NOMINATIONS)
    )
    classifier = Classifier.objects.create(title=f"Е-послуги {tag}")
    categories = Category.objects.bulk_create(
        Category(classifier=classifier, code=str(k), title=f"Категорія {k}", order=k)
        for k in range(CATEGORIES)
    )
    libraries = Organisation.objects.bulk_create(
        (
            Organisation(
                name=f"Бібліотека №{i} ({tag})",
                kind=Organisation.Kind.PUBLIC_LIBRARY,
                region=Region.values[i % len(Region.values)],
                settlement=f"Село {i}",
                email=f"assign{i}-{tag}@example.org",
            )
            for i in range(max(links["organisation"].values()) + 1)
        ),
        batch_size=1000,
    )
    rows = Application.objects.bulk_create(
        (
            Application(
                organisation=libraries[links["organisation"][a.id]],
                contest=contest,
                nomination=nominations[a.nomination],
                title=f"Проєкт №{a.id}",
                state=Application.State.ELIGIBLE,
                number=f"A-{tag}-{a.id:05d}",
                submitted_at=now - timedelta(days=40),
            )
            for a in applications
        ),
        batch_size=1000,
    )
    app_pk = {a.id: row.pk for a, row in zip(applications, rows, strict=True)}
    insert_rows(
        Application.categories.through,
        [(app_pk[a.id], categories[c].pk) for a in applications for c in a.categories],
        columns=["application_id", "category_id"],
    )
    users = User.objects.bulk_create(
        User(email=f"juror{j.id}-{tag}@example.org", full_name=f"Член журі {j.id}") for j in jurors
    )
    Membership.objects.bulk_create(
        Membership(user=users[j.id], organisation=libraries[links["employer"][j.id]]) for j in jurors
    )
    juror_rows = Juror.objects.bulk_create(
        Juror(contest=contest, user=users[j.id], region=j.region, max_load=j.max_load) for j in jurors
    )
    juror_pk = {j.id: row.pk for j, row in zip(jurors, juror_rows, strict=True)}
    Juror.expertise.through.objects.bulk_create(
        Juror.expertise.through(juror_id=juror_pk[j.id], category_id=categories[c].pk)
        for j in jurors
        for c in j.expertise
    )
    Juror.nominations.through.objects.bulk_create(
        Juror.nominations.through(juror_id=juror_pk[j.id], nomination_id=nominations[n].pk)
        for j in jurors
        for n in j.nominations
    )
    own = {(j, a) for j, a in conflicts if links["employer"][j] == links["organisation"][a]}
    insert_rows(
        Conflict,
        [(juror_pk[j], app_pk[a], Conflict.Kind.DECLARED) for j, a in conflicts - own],
        columns=["juror_id", "application_id", "kind"],
    )
    limits = limits_for(n_apps)
    round_ = Round.objects.create(
        contest=contest,
        number=1,
        title="Тур 1",
        reviewers_per_application=NEED,
        max_load=limits.max_load,
    )
    return round_, organiser, {pk: j for j, pk in juror_pk.items()}, {pk: a for a, pk in app_pk.items()}


def run_database(n_apps: int, rng: random.Random) -> dict:
    """The same round in PostgreSQL, assigned by auto_assign; the seeding is not timed."""
    from review.assignment import auto_assign
    from review.models import Review

    jurors, applications, conflicts, links = make_round(n_apps, JURORS, rng)
    round_, organiser, juror_of, app_of = seed_database(n_apps, jurors, applications, conflicts, links)
    started = time.perf_counter()
    report = auto_assign(round_, by=organiser)
    seconds = time.perf_counter() - started
    pairs = [
        (juror_of[j], app_of[a])
        for j, a in Review.objects.filter(round=round_).values_list("juror_id", "application_id")
    ]
    return {
        "report": report,
        "seconds": seconds,
        "load": load(),
        "problems": verify(jurors, applications, limits_for(n_apps), conflicts, pairs),
    }


def main() -> None:
    sizes = [int(n) for n in os.environ.get("SIZES", ",".join(map(str, SIZES))).split(",") if n.strip()]
    postgres = connection.vendor == "postgresql"
    failures: list[str] = []
    rows: dict[int, dict] = {}
    print(f"{NEED} jurors per application from {JURORS}; load = 1-minute load average beside each figure")
    for n in sizes:
        jurors, applications, conflicts, _links = make_round(n, JURORS, random.Random(2026))
        limits = limits_for(n)
        plan = plan_assignment(jurors, applications, limits, conflicts)
        row = {"plan": plan, "plan_load": load()}
        failures += [f"plan {n}: {p}" for p in verify(jurors, applications, limits, conflicts, plan.pairs)]
        if n in EXACT_SIZES:
            best = plan_assignment(jurors, applications, limits, conflicts, exact=True)
            row.update(exact=best, exact_load=load())
            failures += [
                f"exact {n}: {p}" for p in verify(jurors, applications, limits, conflicts, best.pairs)
            ]
            row["affinity_ratio"] = plan.affinity / max(best.affinity, 1)
            if row["affinity_ratio"] < GOAL_AFFINITY:
                failures.append(f"affinity {n}: {row['affinity_ratio']:.4f} of the exact optimum")
        rows[n] = row
        print(
            f"{n:>6} applications: plan {plan.seconds:.2f} s (load {row['plan_load']}), "
            f"affinity {plan.affinity}"
            + (
                f"; exact {row['exact'].seconds:.2f} s (load {row['exact_load']}), affinity "
                f"{row['exact'].affinity}, plan/exact {row['affinity_ratio']:.4f}"
                if "exact" in row
                else ""
            ),
            flush=True,
        )

    if postgres:
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        print(f"\nend to end: {connection.vendor} {test_name}")
        try:
            for n in sizes:
                r = run_database(n, random.Random(2026))
                rep = r["report"]
                rows[n]["e2e"] = r
                ratio = r["seconds"] / rep.seconds
                print(
                    f"{n:>6} applications: auto_assign {rep.created} reviews in {r['seconds']:.2f} s "
                    f"(load {r['load']}), its plan {rep.seconds:.2f} s, end to end / plan {ratio:.2f}",
                    flush=True,
                )
                failures += [f"auto_assign {n}: {p}" for p in r["problems"]]
                if ratio > GOAL_RATIO and n >= GOAL_FROM:
                    failures.append(f"auto_assign {n}: end to end {ratio:.2f} × its plan")
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    else:
        print("\nend to end: skipped (set DATABASE_URL to a PostgreSQL database)")

    print(
        f"\n{'apps':>6} {'plan s':>7} {'load':>5} {'e2e s':>7} {'load':>5} {'e2e/plan':>8} "
        f"{'exact s':>7} {'load':>5} {'aff/exact':>9}"
    )
    for n, row in rows.items():
        e2e = row.get("e2e")
        print(
            f"{n:>6} {row['plan'].seconds:>7.2f} {row['plan_load']:>5} "
            + (
                f"{e2e['seconds']:>7.2f} {e2e['load']:>5} {e2e['seconds'] / e2e['report'].seconds:>8.2f} "
                if e2e
                else f"{'–':>7} {'':>5} {'–':>8} "
            )
            + (
                f"{row['exact'].seconds:>7.2f} {row['exact_load']:>5} {row['affinity_ratio']:>9.4f}"
                if "exact" in row
                else f"{'–':>7} {'':>5} {'–':>9}"
            )
        )
    if len(rows) > 1:
        first, last = min(rows), max(rows)
        print(
            f"growth ×{last / first:.0f} applications: "
            f"plan ×{rows[last]['plan'].seconds / rows[first]['plan'].seconds:.1f}"
        )
    print(
        f"goals: end to end ≤ {GOAL_RATIO:g} × the plan in the same run (from {GOAL_FROM:,} applications); "
        f"affinity ≥ {GOAL_AFFINITY:g} of the "
        "exact optimum (every eligible pair an arc, same solver)"
    )
    print("\n".join(f"MISSED {failure}" for failure in failures) or "all goals met, invariants hold")


if __name__ == "__main__":
    main()
