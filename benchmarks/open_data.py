"""The open data of grants (/open-data/grants.json and .csv): time, queries and bytes by size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_open .venv/bin/python \\
        benchmarks/open_data.py --sizes 1000 10000

Runs against a throwaway `test_...` database next to the one DATABASE_URL names (created and
dropped here; SQLite works too). For each size it writes that many winners of one announced
contest (organisations, applications, grants, one paid tranche each, with bulk_create), then
fetches the JSON and the CSV (consumed to the last byte) and prints the median time of RUNS,
the number of queries (the same at every size) and the size of the body.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
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

from accounts.models import Organisation  # noqa: E402
from accounts.regions import Region  # noqa: E402
from applications.models import Application  # noqa: E402
from contests.models import Contest, Nomination  # noqa: E402
from grants.models import Disbursement, Grant  # noqa: E402

RUNS = int(os.environ.get("RUNS", "3"))


def build(size: int, start: int) -> None:
    contest = Contest.objects.create(
        title=f"Бенчмарк {size}", state=Contest.State.ANNOUNCED, grant_budget=Decimal(size) * 50_000
    )
    nomination = Nomination.objects.create(contest=contest, title="Номінація")
    regions = list(Region.values)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Бібліотека {start + i}",
            kind=Organisation.Kind.PUBLIC_LIBRARY,
            region=regions[i % len(regions)],
            settlement="Вигадане",
            registry_code=f"{10_000_000 + start + i}",
            email=f"lib{start + i}@example.org",
        )
        for i in range(size)
    )
    applications = Application.objects.bulk_create(
        Application(
            organisation=o,
            contest=contest,
            nomination=nomination,
            title=f"Проєкт {i}",
            number=f"B-{start + i}",
            state=Application.State.AWARDED,
        )
        for i, o in enumerate(organisations)
    )
    grants = Grant.objects.bulk_create(
        Grant(
            contest=contest,
            application=a,
            state=Grant.State.ACTIVE,
            amount=Decimal("40000.00"),
            purpose="Закупівля ноутбуків і навчання відвідувачів",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
        )
        for a in applications
    )
    Disbursement.objects.bulk_create(
        Disbursement(
            grant=g,
            planned_on=date(2025, 2, 1),
            amount=Decimal("10000.00"),
            state=Disbursement.State.PAID,
            paid_on=date(2025, 2, 3),
            payment_reference=f"P{g.pk}",
            idempotency_key=f"bench-{g.pk}",
        )
        for g in grants
    )


def fetch(client: Client, url: str) -> tuple[float, int, int]:
    times, queries, size = [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append(time.perf_counter() - started)
        queries, size = len(ctx.captured_queries), len(body)
    return statistics.median(times), queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    try:
        client = Client()
        total = 0
        for size in args.sizes:
            build(size - total, total)  # cumulative: the all-contests files hold `size` grants
            total = size
            for url in ("/open-data/grants.json", "/open-data/grants.csv"):
                seconds, queries, length = fetch(client, url)
                print(
                    f"{size:>7} grants  {url:<24} {seconds:7.3f} s  {queries} queries  "
                    f"{length / 1e6:6.1f} MB  {seconds / size * 1e6:6.1f} µs/grant"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
