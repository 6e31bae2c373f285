"""Saving answers and submitting under load, against a bare DB-write view in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench_load .venv/bin/python \\
        benchmarks/load.py [--users 64] [--seconds 15] [--drafts 4000] [--workers 2]

Builds a throwaway `test_…` database next to the one DATABASE_URL names (dropped at the end) with
a published contest (a form of three questions), `--drafts` drafts, each of its own library and
member with an API token. Starts gunicorn (`--workers` sync workers, DEBUG off, persistent
connections as configured) on loopback with benchmarks/load_settings.py, which serves beside the
application two baselines (they exist only in these benchmark settings, benchmarks/load_urls.py):
a bare Django view that parses the same JSON and writes one row, and the floor of a save in this
stack (DRF with the project's token authentication, the caller's row read locked and one UPDATE).
Then drives each for `--seconds` with locust, headless, `--users` concurrent clients and no think
time, one after the other:

    bare DB write   PATCH /bench/bare-write/<id>/ (the baseline)
    floor write     PATCH /bench/floor-write/<id>/ (token auth, scoped locked read, one UPDATE)
    save answers    PATCH /api/v1/applications/<id>/ (token auth, drafts picked at random)
    submit          POST /api/v1/applications/<id>/submit/ (each draft once)

and prints requests/s, p50/p99 and errors of each with the load average, and the ratios against
the bare view (the goals) and against the floor (what the application's own work costs). Goals:
0 errors; saving ≥ 50 % of the bare view's requests/s; submitting ≥ 33 %; p99 ≤ 3 × the bare
view's. Everything runs on this machine: the load generator shares the CPUs.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/konkurs_bench_load")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts import tokens as api_tokens  # noqa: E402
from accounts.models import ApiToken, Membership, Organisation, User  # noqa: E402
from applications.models import Application  # noqa: E402
from contests.models import Contest, ContestRole, FormField, Nomination  # noqa: E402

ANSWERS = {
    "short": "Електронна черга до читальної зали",
    "long": "Запис до читальної зали через сайт бібліотеки, нагадування і звіт для громади. " * 6,
    "number": "1607",
}
GOALS = {"save": 0.50, "submit": 0.33, "p99": 3.0}
SCENARIOS = ("bare", "floor", "save", "submit")
LABELS = {"bare": "bare DB write", "floor": "floor write", "save": "save answers", "submit": "submit"}
BIN = Path(sys.executable).parent
REDIS_DB = 14  # the broker of the served app: the receipts' delivery tasks queue here, unconsumed


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def seed(drafts: int) -> tuple[list[list], list[list]]:
    """A published contest and `drafts` complete drafts; [(id, token)] for saving, for submitting."""
    now = timezone.now()
    organiser = User.objects.create_user(email="bench-organiser@example.org", full_name="Організаторка")
    contest = Contest.objects.create(
        title="Бенчмарк навантаження",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=30),
        state=Contest.State.PUBLISHED,
        created_by=organiser,
    )
    ContestRole.objects.create(contest=contest, user=organiser, role=ContestRole.Role.ORGANISER)
    nomination = Nomination.objects.create(contest=contest, title="Номінація", order=0)
    for order, (key, kind, required) in enumerate(
        [
            ("short", FormField.Type.SHORT_TEXT, True),
            ("long", FormField.Type.LONG_TEXT, True),
            ("number", FormField.Type.NUMBER, False),
        ]
    ):
        FormField.objects.create(
            contest=contest, key=key, label=f"Питання {key}", field_type=kind, required=required, order=order
        )
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                name=f"Бібліотека {i}",
                kind=Organisation.Kind.PUBLIC_LIBRARY,
                region="lviv",
                settlement=f"Село {i}",
                email=f"library{i}@example.org",
            )
            for i in range(drafts)
        ),
        batch_size=2000,
    )
    users = User.objects.bulk_create(
        (User(email=f"member{i}@example.org", full_name=f"Бібліотекарка {i}") for i in range(drafts)),
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        (Membership(organisation=o, user=u) for o, u in zip(organisations, users, strict=True)),
        batch_size=2000,
    )
    keys = [api_tokens.new_key() for _user in users]  # (prefix, raw key, hash)
    expires = timezone.now() + timedelta(days=1)
    ApiToken.objects.bulk_create(
        (
            ApiToken(user=u, name="load", key_prefix=p, key_hash=h, scopes=["full"], expires_at=expires)
            for u, (p, _key, h) in zip(users, keys, strict=True)
        ),
        batch_size=2000,
    )
    applications = Application.objects.bulk_create(
        (
            Application(
                organisation=o,
                contest=contest,
                nomination=nomination,
                title=f"Проєкт {i}",
                answers=ANSWERS,
                created_by=u,
            )
            for i, (o, u) in enumerate(zip(organisations, users, strict=True))
        ),
        batch_size=2000,
    )
    pairs = [[a.pk, key] for a, (_p, key, _h) in zip(applications, keys, strict=True)]
    saving = min(1000, len(pairs) // 4)
    return pairs[:saving], pairs[saving:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def warm_up(base: str, pairs: list[list], rounds: int = 20) -> None:
    """Each worker imports, connects and fills its caches before the clock runs."""
    for pk, token in pairs[:rounds]:
        for url, headers in (
            (f"{base}/api/v1/applications/{pk}/", {"Authorization": f"Token {token}"}),
            (f"{base}/bench/floor-write/{pk}/", {"Authorization": f"Token {token}"}),
            (f"{base}/bench/bare-write/{pk}/", {}),
        ):
            request = urllib.request.Request(
                url,
                data=json.dumps({"answers": ANSWERS}).encode(),
                method="PATCH",
                headers={"Content-Type": "application/json", **headers},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()


def drive(scenario: str, base: str, plan: Path, users: int, seconds: int, out: Path) -> dict:
    prefix = out / scenario
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "benchmarks" / "load_locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--exit-code-on-error",
            "0",
        ],
        env={**os.environ, "LOAD_PLAN": str(plan), "LOAD_SCENARIO": scenario},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=seconds + 60,
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    failures_file = Path(f"{prefix}_failures.csv")
    causes, failed = [], 0
    if failures_file.exists():
        with open(failures_file, newline="") as f:
            for r in csv.DictReader(f):
                causes.append(f"{r['Occurrences']}× {r['Error'][:120]}")
                failed += int(r["Occurrences"])
    return {
        "requests": int(row["Request Count"]),
        "errors": max(int(row["Failure Count"]), failed),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]) if row["50%"] != "N/A" else float("nan"),
        "p99": float(row["99%"]) if row["99%"] != "N/A" else float("nan"),
        "load": load(),
        "causes": causes,
    }


def clear_broker_queue() -> None:
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)
        client.delete("celery", *client.keys("_kombu.binding.*"))
    except Exception as error:  # the broker is optional here: the outbox keeps the messages
        print(f"(could not clear the broker queue: {error})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--users", type=int, default=64, help="concurrent clients")
    parser.add_argument("--seconds", type=int, default=15, help="per scenario (4 scenarios, ≤ 60 s in all)")
    parser.add_argument("--drafts", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run it on PostgreSQL: set DATABASE_URL.")
    if len(SCENARIOS) * args.seconds > 60:
        raise SystemExit(f"At most 60 s of load in all: --seconds ≤ {60 // len(SCENARIOS)}.")
    if not (BIN / "locust").exists():
        raise SystemExit("locust is missing: pip install -r requirements.lock (it is a dev dependency).")

    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    out = Path(tempfile.mkdtemp(prefix="konkurs-load-"))
    server = None
    try:
        saving, submitting = seed(args.drafts)
        plan = out / "plan.json"
        plan.write_text(json.dumps({"save": saving, "submit": submitting, "answers": ANSWERS}))
        connection.close()  # gunicorn's workers are the only clients from here

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        db_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{test_name}"
        server_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
            "DATABASE_URL": db_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "LOG_LEVEL": "ERROR",
            "PYTHONWARNINGS": "ignore::UserWarning",  # no collected static files: not served here
        }
        server_log = (out / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=server_env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(f"{base}/api/v1/")
        warm_up(base, saving)

        cpus = os.cpu_count()
        print(
            f"database: PostgreSQL {test_name}; gunicorn {args.workers} sync workers on {base}; "
            f"locust {args.users} users, {args.seconds} s each; {cpus} CPUs, {load()}"
        )
        results = {}
        for scenario in SCENARIOS:
            results[scenario] = drive(scenario, base, plan, args.users, args.seconds, out)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
            server_log.close()
        clear_broker_queue()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        log = (out / "gunicorn.log").read_text() if (out / "gunicorn.log").exists() else ""
        shutil.rmtree(out, ignore_errors=True)
        if log.strip():
            print("gunicorn said (last lines):\n  " + "\n  ".join(log.strip().splitlines()[-10:]))

    print(f"{'':<14} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for scenario, r in results.items():
        print(
            f"{LABELS[scenario]:<14} {r['requests']:>9} {r['rps']:>8.1f} {r['p50']:>8.0f} {r['p99']:>8.0f} "
            f"{r['errors']:>7}  [{r['load']}]"
        )
        for cause in r["causes"]:
            print(f"    {cause}")
    bare = results["bare"]
    verdicts = []
    print("ratios against the bare DB-write view of this run:")
    for scenario in ("save", "submit"):
        r = results[scenario]
        rps_ratio = r["rps"] / bare["rps"]
        p99_ratio = r["p99"] / bare["p99"]
        rps_ok, p99_ok = rps_ratio >= GOALS[scenario], p99_ratio <= GOALS["p99"]
        verdicts += [rps_ok, p99_ok]
        print(
            f"    {LABELS[scenario]:<14} req/s {rps_ratio:6.1%} (goal ≥ {GOALS[scenario]:.0%}) "
            f"{'ok' if rps_ok else 'MISSED'}; p99 {p99_ratio:4.1f} × (goal ≤ {GOALS['p99']:.0f} ×) "
            f"{'ok' if p99_ok else 'MISSED'}"
        )
    floor = results["floor"]
    print("against the floor (token auth, the caller's row locked and one UPDATE, in DRF):")
    for scenario in ("floor", "save", "submit"):
        r = results[scenario]
        print(
            f"    {LABELS[scenario]:<14} req/s {r['rps'] / bare['rps']:6.1%} of bare, "
            f"{r['rps'] / floor['rps']:6.1%} of the floor"
        )
    errors = sum(r["errors"] for r in results.values())
    verdicts.append(errors == 0)
    print(f"    errors: {errors} (goal 0) {'ok' if errors == 0 else 'MISSED'}")
    print("all goals met" if all(verdicts) else "some goals missed")


if __name__ == "__main__":
    main()
