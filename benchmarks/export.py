"""How the applications export scales: CSV and XLSX of N submitted applications, through the real view.

    .venv/bin/python benchmarks/export.py [--rows 10000] [--baseline 1000]

Runs against a throwaway test database: in-memory SQLite by default, or a `test_...` database
next to the one DATABASE_URL names (created and dropped here). It creates two published contests
with submitted applications (bulk_create, answers of realistic size: long Ukrainian texts, a
number, a multiple choice, yes/no, contacts), then downloads /applications/contest/<pk>/export.csv
and .xlsx with django.test.Client as an organiser, consuming the streamed content.

For each format and size it prints rows per second (a run without tracing), the peak of Python
allocations (tracemalloc, a second run) and the growth of the peak resident memory (getrusage
maxrss) over the resident memory at the start; each run is a forked process, so the peak reached
while building the data does not hide the export's own. Ratios compare the big contest with the
baseline measured in the same run; the figures are checked against the goals: at most 150 MB
peak, at least 5,000 rows per second.
"""

import argparse
import json
import os
import random
import resource
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import Organisation, User  # noqa: E402
from accounts.regions import Region  # noqa: E402
from applications.models import Application  # noqa: E402
from contests.models import Contest, ContestRole, FormField, Nomination  # noqa: E402
from core import clock  # noqa: E402

GOAL_PEAK_MB = 150
GOAL_ROWS_PER_SECOND = 5000
FORMATS = ("csv", "xlsx")
PER_NOMINATION = 2000  # one live application per organisation and nomination

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
    words = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(rng.choice(SENTENCES))
    return " ".join(words)[:size]


def answers(rng: random.Random) -> dict:
    result = {key: text(rng, 300, 1500) for key in LONG_TEXTS}
    result |= {
        "people_served": str(rng.randint(20, 4000)),
        "e_services": rng.sample(CHOICES, rng.randint(1, 4)),
        "wifi": rng.random() < 0.7,
        "email": f"library{rng.randint(1, 99999)}@example.org",
        "website": f"https://library{rng.randint(1, 99999)}.example.org/e-services",
    }
    return result


def make_contest(rows: int, organiser: User, rng: random.Random) -> Contest:
    now = clock.now()
    contest = Contest.objects.create(
        title=f"Конкурс на {rows} заявок",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=30),
        state=Contest.State.PUBLISHED,
        published_at=now - timedelta(days=30),
        created_by=organiser,
    )
    ContestRole.objects.create(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    nominations = Nomination.objects.bulk_create(
        Nomination(contest=contest, title=f"Номінація {k + 1}", order=k)
        for k in range(-(-rows // PER_NOMINATION))
    )
    T = FormField.Type
    questions = [(key, T.LONG_TEXT, []) for key in LONG_TEXTS] + [
        ("people_served", T.NUMBER, []),
        ("e_services", T.MULTIPLE_CHOICE, CHOICES),
        ("wifi", T.YES_NO, []),
        ("email", T.EMAIL, []),
        ("website", T.URL, []),
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
            for i in range(min(rows, PER_NOMINATION))
        ),
        batch_size=1000,
    )
    Application.objects.bulk_create(
        (
            Application(
                organisation=organisations[i % PER_NOMINATION],
                contest=contest,
                nomination=nominations[i // PER_NOMINATION],
                title=f"Проєкт е-послуг №{i}",
                answers=answers(rng),
                state=Application.State.SUBMITTED,
                number=f"K{contest.pk}-{i + 1:05d}",
                submitted_at=now - timedelta(minutes=i),
            )
            for i in range(rows)
        ),
        batch_size=500,
    )
    return contest


def download(client: Client, url: str) -> int:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return size


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def maxrss_mb() -> float:
    # Linux reports kilobytes (macOS bytes; the benchmark targets the Linux servers).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(work) -> dict:
    """Run `work` in a forked process and return its result: the child's peak resident memory
    starts from what it inherits, not from the parent's peak while it built the data."""
    if connection.vendor != "sqlite":
        connections.close_all()  # the child opens its own; an in-memory SQLite must stay open
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            result = work()
        except BaseException as error:
            result = {"error": repr(error)}
        with os.fdopen(write_end, "w") as pipe:
            json.dump(result, pipe)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        result = json.load(pipe)
    os.waitpid(pid, 0)
    if "error" in result:
        raise SystemExit(result["error"])
    return result


def timed(client: Client, url: str, rows: int) -> dict:
    rss_before = rss_mb()
    started = time.perf_counter()
    size = download(client, url)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "rss_growth_mb": maxrss_mb() - rss_before,
        "size_mb": size / 2**20,
    }


def traced(client: Client, url: str) -> dict:
    tracemalloc.start()
    download(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"peak_mb": peak / 2**20}


def measure(client: Client, url: str, rows: int) -> dict:
    """Two fresh processes: one timed (and its peak resident memory), one traced by tracemalloc
    (which slows Python down, so it is not timed)."""
    return in_child(lambda: timed(client, url, rows)) | in_child(lambda: traced(client, url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000, help="applications in the big contest")
    parser.add_argument("--baseline", type=int, default=1_000, help="applications in the baseline contest")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} {test_name}")
    try:
        rng = random.Random(135)
        organiser = User.objects.create_user(email="bench-organiser@example.org", full_name="Бенчмарк")
        started = time.perf_counter()
        contests = {n: make_contest(n, organiser, rng) for n in (args.baseline, args.rows)}
        print(f"created {args.baseline + args.rows} applications in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(organiser)
        for fmt in FORMATS:  # warm up in the parent: imports, templates, translations
            download(client, f"/applications/contest/{contests[args.baseline].pk}/export.{fmt}")
        results = {
            (fmt, n): measure(client, f"/applications/contest/{contest.pk}/export.{fmt}", n)
            for fmt in FORMATS
            for n, contest in contests.items()
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(
        f"{'format':<6} {'rows':>6} {'seconds':>8} {'rows/s':>8} {'peak MB':>8} {'maxrss +MB':>10} "
        f"{'file MB':>8} {'time ×':>7} {'peak ×':>7}"
    )
    failures = []
    for fmt in FORMATS:
        base = results[fmt, args.baseline]
        for n in (args.baseline, args.rows):
            r = results[fmt, n]
            print(
                f"{fmt:<6} {n:>6} {r['seconds']:>8.2f} {r['rows_per_second']:>8.0f} {r['peak_mb']:>8.1f} "
                f"{r['rss_growth_mb']:>10.1f} {r['size_mb']:>8.1f} "
                f"{r['seconds'] / base['seconds']:>7.2f} {r['peak_mb'] / base['peak_mb']:>7.2f}"
            )
        big = results[fmt, args.rows]
        if big["peak_mb"] > GOAL_PEAK_MB or big["rss_growth_mb"] > GOAL_PEAK_MB:
            failures.append(f"{fmt}: peak memory above {GOAL_PEAK_MB} MB")
        if big["rows_per_second"] < GOAL_ROWS_PER_SECOND:
            failures.append(f"{fmt}: fewer than {GOAL_ROWS_PER_SECOND} rows per second")
    print(
        f"goals: peak ≤ {GOAL_PEAK_MB} MB (tracemalloc and maxrss growth), "
        f"≥ {GOAL_ROWS_PER_SECOND} rows/s, at {args.rows} rows"
    )
    print("\n".join(f"MISSED {failure}" for failure in failures) or "all goals met")


if __name__ == "__main__":
    main()
