"""The exports as multiples of PostgreSQL's own COPY of the same rows, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_export .venv/bin/python \\
        benchmarks/export.py            # SIZES=1000,10000 to limit, RUNS=3 runs per figure, KEEP=1

Runs against a throwaway `test_...` database next to the one DATABASE_URL names (created and
dropped here). For each size (1,000 / 10,000 / 50,000 applications, each with realistic answers
and 5 submitted reviews × 8 criteria, written with COPY) it times, median of RUNS:

- the floor: `COPY (the export's SELECT) TO STDOUT` through psycopg, all bytes read, timed in
  turns with the export it is the floor of;
- the score CSV (review.exports), the applications CSV and XLSX (applications.exports), each
  consumed to the last byte, printed as a multiple of its floor;
- core.xlsx against XlsxWriter's constant_memory mode writing the same rows (already in memory).

Absolute times move with the machine's load; the ratios to a floor read in the same run do much
less, and `os.getloadavg()` is printed beside each figure. Goals at 10,000 applications: score CSV
≤ 2× its COPY, applications CSV ≤ 2×, XLSX ≤ 3×, core.xlsx ≥ 1.5× faster than XlsxWriter.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/konkurs_bench_export")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from accounts.models import Organisation, User  # noqa: E402
from accounts.regions import Region  # noqa: E402
from applications.exports import Table, csv_response, export_rows, xlsx_response  # noqa: E402
from applications.models import Application  # noqa: E402
from benchmarks.copying import copy_rows  # noqa: E402
from contests.models import Contest, ContestRole, Criterion, FormField, Nomination  # noqa: E402
from core.xlsx import write_sheet  # noqa: E402
from review.exports import ScoresTable, scores_csv_response  # noqa: E402
from review.models import Juror, Review, Round  # noqa: E402

GOALS = {"score CSV": 2.0, "applications CSV": 2.0, "applications XLSX": 3.0}
GOAL_XLSX_SPEEDUP = 1.5  # core.xlsx against XlsxWriter (constant_memory)
GOAL_SIZE = 10_000
PER_NOMINATION = 2000  # one live application per organisation and nomination
REVIEWS, CRITERIA, JURORS = 5, 8, 300

SENTENCES = [
    "Бібліотека навчила відвідувачів користуватися порталом електронних послуг.",
    "Консультації щодо субсидій і пенсій проводили щотижня у читальному залі.",
    "Разом із громадською організацією провели вуличні акції та роздали закладки.",
    "Звернення до міського голови надсилали через електронну приймальню.",
    "Старші люди вперше отримали електронний підпис і скористалися ним самостійно.",
    "У філіях встановили комп'ютери з доступом до інтернету для мешканців сіл.",
]
CHOICES = ["Пенсії", "Субсидії", "Податки", "Реєстрація", "Електронний підпис", "Дія"]
LONG_TEXTS = ["problem", "target_group", "solution", "results", "resources", "sustainability"]


def text(rng: random.Random, low: int, high: int) -> str:
    size = rng.randint(low, high)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(rng.choice(SENTENCES))
    return " ".join(words)[:size]


def answers(rng: random.Random, i: int) -> dict:
    result = {key: text(rng, 300, 1500) for key in LONG_TEXTS}
    if i % 50 == 0:  # a few answers a spreadsheet would take for a formula
        result["problem"] = '=HYPERLINK("https://example.org")' + result["problem"]
    return result | {
        "people_served": str(rng.randint(20, 4000)),
        "e_services": rng.sample(CHOICES, rng.randint(1, 4)),
        "wifi": rng.random() < 0.7,
        "email": f"library{rng.randint(1, 99999)}@example.org",
        "website": f"https://library{rng.randint(1, 99999)}.example.org/e-services",
    }


def build(size: int, organiser: User, rng: random.Random) -> Round:
    """A contest in review with `size` applications, each with REVIEWS submitted reviews."""
    now = timezone.now()
    contest = Contest.objects.create(
        title=f"Бенчмарк експорту {size}",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        state=Contest.State.IN_REVIEW,
        created_by=organiser,
    )
    ContestRole.objects.create(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    nominations = Nomination.objects.bulk_create(
        Nomination(contest=contest, title=f"Номінація {k + 1}", order=k)
        for k in range(-(-size // PER_NOMINATION))
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            contest=contest,
            title=f"Критерій {k + 1}",
            weight=Decimal(1 + k % 3),
            scale_min=0,
            scale_max=10,
            order=k,
        )
        for k in range(CRITERIA)
    )
    kinds = FormField.Type
    questions = [(key, kinds.LONG_TEXT, []) for key in LONG_TEXTS] + [
        ("people_served", kinds.NUMBER, []),
        ("e_services", kinds.MULTIPLE_CHOICE, CHOICES),
        ("wifi", kinds.YES_NO, []),
        ("email", kinds.EMAIL, []),
        ("website", kinds.URL, []),
    ]
    FormField.objects.bulk_create(
        FormField(
            contest=contest, key=key, label=f"Питання «{key}»", field_type=kind, choices=choices, order=i
        )
        for i, (key, kind, choices) in enumerate(questions)
    )
    regions = Region.values
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                name=f"Публічна бібліотека №{i} ({contest.pk})",
                kind=Organisation.Kind.PUBLIC_LIBRARY,
                region=regions[i % len(regions)],
                settlement=f"Село {i}",
                email=f"bench{contest.pk}-{i}@example.org",
            )
            for i in range(min(size, PER_NOMINATION))
        ),
        batch_size=1000,
    )
    pool = [answers(rng, i) for i in range(min(size, 500))]  # varied texts, built once
    applications = Application.objects.bulk_create(
        (
            Application(
                organisation=organisations[i % PER_NOMINATION],
                contest=contest,
                nomination=nominations[i // PER_NOMINATION],
                title=f"Проєкт е-послуг №{i}" if i % 97 else f"-Проєкт №{i}",
                answers=pool[i % len(pool)],
                state=Application.State.UNDER_REVIEW,
                number=f"K{contest.pk}-{i + 1:05d}",
                submitted_at=now - timedelta(days=31, minutes=i),
            )
            for i in range(size)
        ),
        batch_size=500,
    )
    users = User.objects.bulk_create(
        User(email=f"juror{contest.pk}-{k}@example.org", full_name=f"Суддя {k}") for k in range(JURORS)
    )
    jurors = Juror.objects.bulk_create(Juror(contest=contest, user=user, region="kyiv") for user in users)
    round_ = Round.objects.create(contest=contest, number=1, title="Тур 1", method=Round.Method.CALIBRATED)
    stamp = now.isoformat()
    pairs = [(a.pk, jurors[k].pk) for a in applications for k in rng.sample(range(JURORS), REVIEWS)]
    columns = ["round_id", "juror_id", "application_id", "state", "overall_comment", "decline_reason"]
    copy_rows(
        "review_review",
        [*columns, "submitted_at", "created_at", "updated_at"],
        ((round_.pk, j, a, Review.State.SUBMITTED, "Добре", "", stamp, stamp, stamp) for a, j in pairs),
    )
    reviews = Review.objects.filter(round=round_).values_list("pk", flat=True)
    copy_rows(
        "review_score",
        ["review_id", "criterion_id", "value", "comment", "updated_at"],
        ((r, c.pk, rng.randint(0, 10), "", stamp) for r in reviews.iterator() for c in criteria),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return round_


def floor(queryset: QuerySet) -> Callable[[], int]:
    """PostgreSQL's COPY of the export's own SELECT to CSV, every byte read by psycopg."""
    sql, params = queryset.query.sql_with_params()

    def run() -> int:
        size = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy,
        ):
            for data in copy:
                size += len(data)
        return size

    return run


def consume(respond: Callable) -> Callable[[], int]:
    def run() -> int:
        response = respond()
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size

    return run


def median_s(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median seconds of `runs` runs and the 1-minute load average after them."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), os.getloadavg()[0]


def xlsxwriter_sheet(target, rows: list[list]) -> None:
    """The same rows with XlsxWriter: constant memory, nothing a user typed read as a formula."""
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(target, options)
    sheet = workbook.add_worksheet("Applications")
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif hasattr(value, "hour"):
                sheet.write_datetime(r, c, value, moment)
            else:
                sheet.write_number(r, c, value)
    workbook.close()


def writers(contest: Contest, runs: int) -> dict[str, tuple[float, float]]:
    """core.xlsx and XlsxWriter writing the applications' rows (read once, outside the timing)."""
    table = Table.of(contest)
    rows = [table.headers(), *table.rows()]

    def ours() -> None:
        with tempfile.TemporaryFile() as target:
            write_sheet(target, "Applications", rows)

    def theirs() -> None:
        with tempfile.TemporaryFile() as target:
            xlsxwriter_sheet(target, rows)

    return {"core.xlsx": median_s(ours, runs), "XlsxWriter": median_s(theirs, runs)}


def measure(round_: Round, runs: int) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    """For each export: (its seconds and load, its floor's seconds and load)."""
    contest = round_.contest
    scores, applications = floor(ScoresTable.of(round_).query()), floor(export_rows(contest))
    cases = {
        "score CSV": (consume(lambda: scores_csv_response(round_)), scores),
        "applications CSV": (consume(lambda: csv_response(contest)), applications),
        "applications XLSX": (consume(lambda: xlsx_response(contest)), applications),
    }
    return {name: in_turns(work, base, runs) for name, (work, base) in cases.items()}


def in_turns(work: Callable[[], object], base: Callable[[], object], runs: int):
    """The export and its floor timed in turns, so that both see the same neighbours on a shared
    machine: (median seconds of each, with the load average after them)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for job, found in ((base, times[1]), (work, times[0])):
            started = time.perf_counter()
            job()
            found.append(time.perf_counter() - started)
    load = os.getloadavg()[0]
    return (statistics.median(times[0]), load), (statistics.median(times[1]), load)


def main() -> None:
    sizes = [int(s) for s in os.environ.get("SIZES", "1000,10000,50000").split(",") if s.strip()]
    runs = int(os.environ.get("RUNS", "3"))
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql":
        raise SystemExit("the floor is PostgreSQL's COPY: set DATABASE_URL to a PostgreSQL database")
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {test_name}; runs per figure: {runs} (median); load = 1-minute load average")
    failures: list[str] = []
    try:
        rng = random.Random(135)
        organiser = User.objects.create_user(email="bench-organiser@example.org", full_name="Бенчмарк")
        with translation.override("uk"):
            columns = ("export", "apps", "seconds", "load", "COPY s", "load", "× COPY")
            header = "{:<18} {:>6} {:>8} {:>5} {:>7} {:>5} {:>7}".format(*columns)
            for size in sizes:
                started = time.perf_counter()
                round_ = build(size, organiser, rng)
                built = time.perf_counter() - started
                print(f"\n{size} applications, {size * REVIEWS} reviews built in {built:.0f} s")
                consume(lambda r=round_: scores_csv_response(r))()  # warm up: imports, translations
                print(header)
                for name, ((seconds, load), (base, base_load)) in measure(round_, runs).items():
                    ratio = seconds / base
                    print(
                        f"{name:<18} {size:>6} {seconds:>8.3f} {load:>5.2f} "
                        f"{base:>7.3f} {base_load:>5.2f} {ratio:>7.2f}"
                    )
                    if size == GOAL_SIZE and ratio > GOALS[name]:
                        failures.append(f"{name}: {ratio:.2f}× its COPY (goal ≤ {GOALS[name]}×)")
                timings = writers(round_.contest, runs)
                (ours, load), (theirs, their_load) = timings["core.xlsx"], timings["XlsxWriter"]
                print(
                    f"XLSX writers, same {size + 1} rows: core.xlsx {ours:.3f} s (load {load:.2f}), "
                    f"XlsxWriter constant_memory {theirs:.3f} s (load {their_load:.2f}): "
                    f"core.xlsx {theirs / ours:.2f}× faster"
                )
                if size == GOAL_SIZE and theirs / ours < GOAL_XLSX_SPEEDUP:
                    failures.append(f"core.xlsx only {theirs / ours:.2f}× faster than XlsxWriter")
    finally:
        if os.environ.get("KEEP"):  # for tuning by hand
            print(f"kept {test_name}: drop it with dropdb")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    goals = ", ".join(f"{name} ≤ {goal}×" for name, goal in GOALS.items())
    print(
        f"\ngoals at {GOAL_SIZE} applications: {goals} its COPY; core.xlsx ≥ {GOAL_XLSX_SPEEDUP}× XlsxWriter"
    )
    if GOAL_SIZE not in sizes:
        print(f"(not measured at {GOAL_SIZE}: goals not checked)")
    print("\n".join(f"MISSED {failure}" for failure in failures) or "all goals met")


if __name__ == "__main__":
    main()
