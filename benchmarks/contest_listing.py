"""How the contest list scales: /api/v1/contests/ and the home page / for N published contests.

    .venv/bin/python benchmarks/contest_listing.py [--sizes 1,30,300] [--repeat 15]

Runs against a throwaway test database: in-memory SQLite by default, or a `test_...`
database next to the one DATABASE_URL names (created and dropped here). For each N it
prints the median time and the number of SQL queries of each page, and their ratios to
N=1 measured in the same run. Numbers are for comparison within one run, not targets.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from contests.models import Contest, ContestRole, Criterion, FormField, Nomination  # noqa: E402
from core import clock  # noqa: E402

PAGES = {"api": "/api/v1/contests/", "home": "/"}


def add_contests(count: int, start: int, organiser: User) -> None:
    """`count` published contests, each with 3 nominations, 5 criteria and 10 form fields."""
    now = clock.now()
    contests = Contest.objects.bulk_create(
        Contest(
            title=f"Конкурс бібліотечних е-послуг №{start + i}",
            summary="Вигаданий конкурс для вимірювання швидкості списку.",
            regulations="Положення " * 50,
            conditions="Умови " * 30,
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=40 + i % 30),
            max_winners=5,
            grant_budget=Decimal("500000.00"),
            state=Contest.State.PUBLISHED,
            published_at=now - timedelta(days=3),
            created_by=organiser,
        )
        for i in range(count)
    )
    ContestRole.objects.bulk_create(
        ContestRole(contest=c, user=organiser, role=ContestRole.Role.ORGANISER) for c in contests
    )
    Nomination.objects.bulk_create(
        Nomination(contest=c, title=f"Номінація {k}", order=k) for c in contests for k in range(3)
    )
    Criterion.objects.bulk_create(
        Criterion(contest=c, title=f"Критерій {k}", weight=Decimal(k + 1), order=k)
        for c in contests
        for k in range(5)
    )
    FormField.objects.bulk_create(
        FormField(
            contest=c,
            key=f"q{k}",
            label=f"Питання {k}",
            field_type=FormField.Type.LONG_TEXT,
            required=True,
            order=k,
        )
        for c in contests
        for k in range(10)
    )


def measure(client: Client, url: str, repeat: int) -> tuple[float, int]:
    """Median seconds over `repeat` requests after two warm-ups, and the query count."""
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", default="1,30,300", help="numbers of contests, ascending")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page and size")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.sizes.split(","))

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} {test_name}")
    try:
        organiser = User.objects.create_user(email="bench-organiser@example.org", full_name="Бенчмарк")
        client = Client()
        results: dict[tuple[str, int], tuple[float, int]] = {}
        have = 0
        for n in sizes:
            add_contests(n - have, have, organiser)
            have = n
            for page, url in PAGES.items():
                results[page, n] = measure(client, url, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    baseline = f"N={sizes[0]}"
    header = f"{'page':<6} {'N':>5} {'median ms':>10} {'queries':>8}"
    print(f"{header} {'time ×' + baseline:>11} {'queries ×':>10}")
    for page, url in PAGES.items():
        base_time, base_queries = results[page, sizes[0]]
        for n in sizes:
            seconds, queries = results[page, n]
            print(
                f"{page:<6} {n:>5} {seconds * 1000:>10.2f} {queries:>8} "
                f"{seconds / base_time:>11.2f} {queries / max(base_queries, 1):>10.2f}"
            )
        print(f"       ({url})")


if __name__ == "__main__":
    main()
