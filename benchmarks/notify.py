"""One event to many recipients: time to write the outbox, and the delivery rate over real SMTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konkurs_bench .venv/bin/python benchmarks/notify.py \
        [--recipients 10000] [--baseline 100] [--workers 2] [--redis redis://127.0.0.1:6379/11]

Runs against a throwaway `test_...` database next to the one DATABASE_URL names (created and
dropped here), Redis as the broker (the chosen database is flushed before and after) and an
aiosmtpd sink on a free local port. It writes the outbox for `--baseline` and then for
`--recipients` bare e-mail addresses, each in one transaction, and prints the time and the
per-message ratio to the baseline; then `--workers` Celery worker processes deliver them and it
prints messages per second from the commit until the last one is marked sent.
Goals: writing 10,000 ≤ 1 s; delivery ≥ 500 messages/s.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/konkurs_bench")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from notifications import services  # noqa: E402
from notifications.models import Message  # noqa: E402
from tests.notifications.live import (  # noqa: E402
    SmtpSink,
    Worker,
    celery_broker,
    database_url,
    flush_redis,
    wait_for,
)

WRITE_GOAL_S = 1.0
RATE_GOAL = 500.0
CONTEXT = {
    "organisation": "Публічна бібліотека №1",
    "inviter": "Олена Тестова",
    "link": "https://konkurs.example.org/accounts/invitation/abc/",
    "expires": "01.02.2030",
}


def write(count: int, key: str) -> tuple[float, float]:
    """notify() `count` addresses in one transaction; (seconds, moment of commit)."""
    addresses = [f"reader{i}.{key}@example.org" for i in range(count)]
    start = time.perf_counter()
    with transaction.atomic():
        services.notify("accounts.invitation", addresses, CONTEXT, dedupe_key=key, scope="bench")
    done = time.perf_counter()
    return done - start, done


def sent_of(key: str) -> int:
    return Message.objects.filter(dedupe_key=key, state=Message.State.SENT).count()


def deliver(count: int, key: str, committed_at: float, sink: SmtpSink, timeout: float) -> float:
    """Seconds from the commit until every message of `key` is sent."""
    wait_for(lambda: sent_of(key) == count, timeout=timeout, what=f"{count} messages sent")
    elapsed = time.perf_counter() - committed_at
    failed = Message.objects.filter(dedupe_key=key).exclude(state=Message.State.SENT).count()
    assert failed == 0, f"{failed} messages not sent"
    return elapsed


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (prefork concurrency)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the workers share the database.")

    flush_redis(args.redis)
    old_config = setup_databases(verbosity=0, interactive=False)
    worker = None
    try:
        with SmtpSink() as sink, celery_broker(args.redis):
            env = {
                "DATABASE_URL": database_url(connection.settings_dict),
                "CELERY_BROKER_URL": args.redis,
                "CELERY_TASK_ALWAYS_EAGER": "false",
                "EMAIL_URL": sink.url,
                "DEBUG": "false",
                "SECRET_KEY": "benchmark-only-" + "x" * 40,
                "LOG_LEVEL": "WARNING",
            }
            worker = Worker(env=env, concurrency=args.workers, name="notify-bench").start()

            # Warm up (first connections to Redis, the workers' first task), then the baseline.
            _, warm_commit = write(1, "warm")
            deliver(1, "warm", warm_commit, sink, timeout=120)
            base_write, base_commit = write(args.baseline, "base")
            base_time = deliver(args.baseline, "base", base_commit, sink, timeout=120)

            big_write, big_commit = write(args.recipients, "big")
            big_time = deliver(args.recipients, "big", big_commit, sink, timeout=600)
            accepted = sink.accepted()
            duplicates = sum(n - 1 for n in sink.message_ids.values() if n > 1)
    finally:
        if worker is not None:
            worker.stop()
        connection.close()
        teardown_databases(old_config, verbosity=0)
        flush_redis(args.redis)

    expected = 1 + args.baseline + args.recipients
    rate = args.recipients / big_time
    base_rate = args.baseline / base_time
    per_base, per_big = base_write / args.baseline, big_write / args.recipients

    def verdict(ok: bool) -> str:
        return "meets the goal" if ok else "MISSES the goal"

    print(
        f"notify() to {args.recipients:,} e-mail recipients, PostgreSQL, {args.workers} worker processes, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  write outbox   {args.baseline:>6,}: {base_write * 1000:8.1f} ms  "
        f"({per_base * 1e6:6.1f} µs/message)"
    )
    print(
        f"  write outbox {args.recipients:>8,}: {big_write * 1000:8.1f} ms  "
        f"({per_big * 1e6:6.1f} µs/message, {per_big / per_base:.2f}× the baseline's per message)  "
        f"goal ≤ {WRITE_GOAL_S:.0f} s: {verdict(big_write <= WRITE_GOAL_S)}"
    )
    print(f"  deliver      {args.baseline:>8,}: {base_time:8.2f} s   ({base_rate:7.1f} messages/s)")
    print(
        f"  deliver      {args.recipients:>8,}: {big_time:8.2f} s   ({rate:7.1f} messages/s, "
        f"{rate / base_rate:.2f}× the baseline's rate)  "
        f"goal ≥ {RATE_GOAL:.0f}/s: {verdict(rate >= RATE_GOAL)}"
    )
    print(f"  SMTP sink accepted {accepted:,} of {expected:,} messages; duplicates: {duplicates}")


if __name__ == "__main__":
    main()
