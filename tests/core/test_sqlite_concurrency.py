"""The embedded mode (SQLite in a file) under parallel edits: writers wait for each other, never 500.

A real server (gunicorn: four processes of eight threads each) on a fresh SQLite file, migrated and
seeded by manage.py, takes 100 PATCH at once, half on the contest, half on one of its nominations.
Without IMMEDIATE transactions a transaction that reads first and then writes (the nomination's
locked re-read, the contest's version check) fails at once with "database is locked" (SQLite does not
wait for a lock it could deadlock on), whatever the busy timeout.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PARALLEL = 100

SEED = """
from accounts import tokens
from tests.factories import UserFactory, grant, ready_contest
organiser = UserFactory()
contest = ready_contest()
grant(contest, organiser)
print(contest.pk, contest.nominations.first().pk, tokens.issue(organiser, verified=True)[1])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _patch(url: str, token: str, title: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"title": title}).encode(),
        method="PATCH",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:300]


@pytest.fixture
def embedded(tmp_path):
    """A migrated, seeded SQLite file and a threaded gunicorn serving it:
    (base url, contest id, nomination id, token)."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "DEBUG": "true",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True)
    seeded = subprocess.run(
        [*manage, "shell", "-c", SEED], cwd=REPO, env=env, check=True, capture_output=True, text=True
    )
    ids = seeded.stdout.split()[-3:]
    port = _free_port()
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "4",
            "-k",
            "gthread",
            "--threads",
            "8",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:  # until it answers (polling a port, not timing a race)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", *ids
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_parallel_edits_on_a_sqlite_file_wait_instead_of_failing(embedded):
    base, contest_id, nomination_id, token = embedded
    urls = [f"{base}/api/v1/contests/{contest_id}/", f"{base}/api/v1/nominations/{nomination_id}/"]
    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(lambda i: _patch(urls[i % 2], token, f"Назва {i}"), range(PARALLEL)))

    failed = [(status, body) for status, body in answers if status not in (200, 409, 412)]
    assert not failed, failed
    assert sum(status == 200 for status, _ in answers) >= PARALLEL // 2, answers
