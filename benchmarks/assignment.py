"""How the automatic jury assignment scales: 10,000 applications × 3 jurors from 300 jurors.

    .venv/bin/python benchmarks/assignment.py [--applications 10000] [--jurors 300] [--baseline 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_assign \
        .venv/bin/python benchmarks/assignment.py

The round: 27 regions (accounts.regions.Region), 5 nominations (a tenth of the jurors judge one
only), 30 expertise categories (4 per juror, 2–3 per application), a fifth of the jurors capped
at 60 applications, the round at 150; conflicts: 2% random pairs plus every juror's own library
(each juror works for one of the applicant libraries).

1. The planner alone on plain data, for the baseline and the big round: seconds, loads, total
   affinity against its bound (each application's best eligible affinities, loads ignored).
2. With PostgreSQL in DATABASE_URL: the same big round written to a throwaway `test_...`
   database (created and dropped here) and assigned end to end by `auto_assign` (recording
   the automatic conflicts, reading, planning, bulk-creating 30,000 reviews).

Every result is checked: no conflicted pair, no juror above their cap, three distinct jurors
per application, no region twice on a panel. Ratios compare each figure with its goal: at most
5 s for the optimisation, a load spread of at most 1 among the jurors below their cap.
"""

import argparse
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

GOAL_SECONDS = 5.0
GOAL_SPREAD = 1
NEED = 3
NOMINATIONS = 5
CATEGORIES = 30
CAPPED, CAP, ROUND_CAP = 0.2, 60, 150
CONFLICT_SHARE = 0.02


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
    return problems


def free_spread(jurors, limits, loads: dict[int, int]) -> int:
    """Load spread among the jurors below their cap (capped ones are held down by the cap)."""
    free = [loads[j.id] for j in jurors if (c := effective_cap(j, limits)) is None or loads[j.id] < c]
    return max(free) - min(free) if free else 0


def run_planner(n_apps: int, n_jurors: int, rng: random.Random) -> dict:
    jurors, applications, conflicts, _ = make_round(n_apps, n_jurors, rng)
    limits = Limits(per_application=NEED, max_load=ROUND_CAP, spread_regions=True)
    plan = plan_assignment(jurors, applications, limits, conflicts)
    return {
        "plan": plan,
        "spread": free_spread(jurors, limits, plan.loads),
        "problems": verify(jurors, applications, limits, conflicts, plan.pairs),
    }


def run_database(n_apps: int, n_jurors: int, rng: random.Random) -> dict:
    """The same kind of round in PostgreSQL, assigned by auto_assign."""
    from accounts.models import Membership, Organisation, User
    from applications.models import Application
    from contests.models import Category, Classifier, Contest, Nomination
    from core import clock
    from review.assignment import auto_assign
    from review.models import Conflict, Juror, Review, Round

    jurors, applications, conflicts, links = make_round(n_apps, n_jurors, rng)
    now = clock.now()
    organiser = User.objects.create_user(email="bench-organiser@example.org", full_name="Бенчмарк")
    contest = Contest.objects.create(
        title="Конкурс для розподілу журі",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        state=Contest.State.IN_REVIEW,
        created_by=organiser,
    )
    nominations = Nomination.objects.bulk_create(
        Nomination(contest=contest, title=f"Номінація {k + 1}", order=k) for k in range(NOMINATIONS)
    )
    classifier = Classifier.objects.create(title="Е-послуги")
    categories = Category.objects.bulk_create(
        Category(classifier=classifier, code=str(k), title=f"Категорія {k}", order=k)
        for k in range(CATEGORIES)
    )
    libraries = Organisation.objects.bulk_create(
        (
            Organisation(
                name=f"Бібліотека №{i}",
                kind=Organisation.Kind.PUBLIC_LIBRARY,
                region=Region.values[i % len(Region.values)],
                settlement=f"Село {i}",
                email=f"assign{i}@example.org",
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
                number=f"A-{a.id:05d}",
                submitted_at=now - timedelta(days=40),
            )
            for a in applications
        ),
        batch_size=1000,
    )
    app_pk = {a.id: row.pk for a, row in zip(applications, rows, strict=True)}
    Application.categories.through.objects.bulk_create(
        (
            Application.categories.through(application_id=app_pk[a.id], category_id=categories[c].pk)
            for a in applications
            for c in a.categories
        ),
        batch_size=5000,
    )
    users = User.objects.bulk_create(
        User(email=f"juror{j.id}@example.org", full_name=f"Член журі {j.id}") for j in jurors
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
    Conflict.objects.bulk_create(
        (
            Conflict(juror_id=juror_pk[j], application_id=app_pk[a], kind=Conflict.Kind.DECLARED)
            for j, a in conflicts - own
        ),
        batch_size=5000,
    )
    round_ = Round.objects.create(
        contest=contest, number=1, title="Тур 1", reviewers_per_application=NEED, max_load=ROUND_CAP
    )
    started = time.perf_counter()
    report = auto_assign(round_, by=organiser)
    seconds = time.perf_counter() - started
    juror_of = {pk: j for j, pk in juror_pk.items()}
    app_of = {pk: a for a, pk in app_pk.items()}
    pairs = [
        (juror_of[j], app_of[a])
        for j, a in Review.objects.filter(round=round_).values_list("juror_id", "application_id")
    ]
    limits = Limits(per_application=NEED, max_load=ROUND_CAP, spread_regions=True)
    loads = Counter(j for j, _a in pairs)
    return {
        "report": report,
        "seconds": seconds,
        "spread": free_spread(jurors, limits, {j.id: loads[j.id] for j in jurors}),
        "problems": verify(jurors, applications, limits, conflicts, pairs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--jurors", type=int, default=300)
    parser.add_argument("--baseline", type=int, default=1_000, help="applications in the baseline round")
    args = parser.parse_args()

    failures = []
    print(f"planner: {NEED} jurors per application, {args.jurors} jurors")
    print(
        f"{'apps':>6} {'pairs':>6} {'unfilled':>8} {'seconds':>8} {'× goal':>7} {'loads':>8} "
        f"{'spread*':>7} {'affinity':>8} {'bound':>7} {'ratio':>6} {'exact':>5}"
    )
    results = {}
    for n in (args.baseline, args.applications):
        r = run_planner(n, args.jurors, random.Random(2026))
        p = r["plan"]
        results[n] = r
        print(
            f"{n:>6} {len(p.pairs):>6} {p.unfilled:>8} {p.seconds:>8.2f} {p.seconds / GOAL_SECONDS:>7.2f} "
            f"{f'{p.load_min}–{p.load_max}':>8} {r['spread']:>7} {p.affinity:>8} {p.affinity_bound:>7} "
            f"{p.affinity / max(p.affinity_bound, 1):>6.3f} {p.exact!s:>5}"
        )
        failures += [f"planner {n}: {problem}" for problem in r["problems"]]
    big = results[args.applications]
    base = results[args.baseline]
    growth = args.applications / args.baseline
    print(f"time × baseline: {big['plan'].seconds / base['plan'].seconds:.1f} for ×{growth:.0f} applications")
    if big["plan"].seconds > GOAL_SECONDS:
        failures.append(f"planner above {GOAL_SECONDS} s")
    if big["spread"] > GOAL_SPREAD:
        failures.append(f"load spread {big['spread']} above {GOAL_SPREAD}")

    if connection.vendor == "postgresql":
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        print(f"\nend to end: {connection.vendor} {test_name}")
        try:
            r = run_database(args.applications, args.jurors, random.Random(2026))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        rep = r["report"]
        print(
            f"auto_assign: {rep.created} reviews in {r['seconds']:.2f} s "
            f"(planner {rep.seconds:.2f} s, × goal {rep.seconds / GOAL_SECONDS:.2f}); loads "
            f"{rep.load_min}–{rep.load_max}, spread below the caps {r['spread']}; affinity {rep.affinity} "
            f"of bound {rep.affinity_bound} ({rep.affinity_ratio:.3f}); unfilled {rep.unfilled}"
        )
        failures += [f"auto_assign: {problem}" for problem in r["problems"]]
        if rep.seconds > GOAL_SECONDS:
            failures.append(f"auto_assign's planner above {GOAL_SECONDS} s")
    else:
        print("\nend to end: skipped (set DATABASE_URL to a PostgreSQL database)")
    print(
        f"goals: planner ≤ {GOAL_SECONDS} s, load spread* ≤ {GOAL_SPREAD} (*among jurors below their cap); "
        "bound = each application's best eligible affinities, loads and regions ignored"
    )
    print("\n".join(f"MISSED {failure}" for failure in failures) or "all goals met, invariants hold")


if __name__ == "__main__":
    main()
