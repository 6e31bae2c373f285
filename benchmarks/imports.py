"""How the organisations' import scales: preview (every row checked) and the all-or-nothing import
of N rows, each with a new contact person who gets an invitation.

    .venv/bin/python benchmarks/imports.py [--rows 5000] [--baseline 500]

Runs on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/konkurs_bench_imports):
a throwaway `test_...` database next to it is created and dropped here. Celery is not eager
(in-memory broker): the invitations' deliveries are queued, not sent, as they would be for a
worker. For each size it prints rows per second, seconds for the preview (reading the CSV and
checking every row) and for the import, the queries of each, and the ratio of preview + import
to the goal (30 s for 5,000 rows; below 1 meets it). The baseline size gives the scaling ratio.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/konkurs_bench_imports")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from accounts import imports  # noqa: E402
from accounts.models import Invitation, Organisation, User, registry_code_checksum_ok  # noqa: E402
from accounts.regions import Region  # noqa: E402
from core.tables import read_table  # noqa: E402

GOAL_SECONDS = 30.0
GOAL_ROWS = 5000
HEADER = ["Назва", "Тип", "Область", "Населений пункт", "Адреса", "Код ЄДРПОУ", "Сайт", "E-mail", "Телефон",
          "Е-пошта контактної особи", "ПІБ контактної особи"]  # fmt: skip


def code(n: int) -> str:
    prefix = f"{3_000_000 + n:07d}"
    return next(prefix + str(d) for d in range(10) if registry_code_checksum_ok(prefix + str(d)))


def table_bytes(rows: int, offset: int) -> bytes:
    regions = [str(label) for _value, label in Region.choices]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    for i in range(offset, offset + rows):
        writer.writerow(
            [
                f"Вигадана публічна бібліотека-філія №{i} Вигаданої територіальної громади",
                "Публічна бібліотека",
                regions[i % len(regions)],
                f"Село Вигадане-{i}",
                f"вул. Бібліотечна, {i % 200 + 1}",
                code(i),
                f"library{i}.example.org",
                f"library{i}@example.org",
                "+380 00 000 00 00",
                f"contact{i}@example.org",
                f"Вигадана Особа {i}",
            ]
        )
    return buffer.getvalue().encode("cp1251")


def measure(rows: int, offset: int, by: User) -> dict:
    data = table_bytes(rows, offset)
    with CaptureQueriesContext(connection) as preview_queries:
        started = time.perf_counter()
        table = read_table(SimpleUploadedFile("t.csv", data), imports.ORGANISATIONS.columns())
        results = imports.ORGANISATIONS.preview(table.rows, table.numbers)
        preview_seconds = time.perf_counter() - started
    assert all(r.ok and not r.skip for r in results), [r.errors for r in results if not r.ok][:3]
    with CaptureQueriesContext(connection) as import_queries:
        started = time.perf_counter()
        outcome = imports.import_rows(imports.ORGANISATIONS, table.rows, table.numbers, by=by)
        import_seconds = time.perf_counter() - started
    assert outcome == {"created": rows, "invited": rows}, outcome
    total = preview_seconds + import_seconds
    return {
        "preview_s": preview_seconds,
        "import_s": import_seconds,
        "total_s": total,
        "rows_per_s": rows / total,
        "preview_queries": len(preview_queries.captured_queries),
        "import_queries": len(import_queries.captured_queries),
        "goal_ratio": total / (GOAL_SECONDS * rows / GOAL_ROWS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rows", type=int, default=GOAL_ROWS)
    parser.add_argument("--baseline", type=int, default=500)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server: the goal is measured there.")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} {test_name}")
    try:
        by = User.objects.create_user(
            email="bench-organiser@example.org", full_name="Бенчмарк", is_staff=True
        )
        measure(50, 10_000_000 - 1000, by)  # warm up: imports, translations, templates
        results = {n: measure(n, offset, by) for n, offset in ((args.baseline, 0), (args.rows, 100_000))}
        assert Organisation.objects.count() == 50 + args.baseline + args.rows
        assert Invitation.objects.count() == 50 + args.baseline + args.rows
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"{'rows':>6} {'preview s':>9} {'import s':>9} {'total s':>8} {'rows/s':>7} "
        f"{'prev. q':>7} {'import q':>8} {'× goal':>7} {'time ×':>7}"
    )
    base = results[args.baseline]
    for n, r in results.items():
        print(
            f"{n:>6} {r['preview_s']:>9.2f} {r['import_s']:>9.2f} {r['total_s']:>8.2f} "
            f"{r['rows_per_s']:>7.0f} "
            f"{r['preview_queries']:>7} {r['import_queries']:>8} {r['goal_ratio']:>7.2f} "
            f"{r['total_s'] / base['total_s']:>7.2f}"
        )
    big = results[args.rows]
    print(
        f"goal: {GOAL_ROWS} rows in ≤ {GOAL_SECONDS:.0f} s (× goal < 1 meets it, scaled to {args.rows} rows)"
    )
    print("all goals met" if big["goal_ratio"] < 1 else "MISSED the time goal")


if __name__ == "__main__":
    main()
