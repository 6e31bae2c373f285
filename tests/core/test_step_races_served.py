"""The steps the issue named, raced through a real server: gunicorn with process workers and with
threaded workers, on a PostgreSQL database of the test's own (migrated and seeded by manage.py),
64 requests at once over HTTP with token auth. One wins with 200, the other 63 get 409, none 5xx.

tests/core/test_step_races.py races every step in one process; this is the issue's setting, where
threads of one worker share the model classes (and django-fsm-2's field) and processes share rows.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
PARALLEL = 64

# For each server, a decided contest (to announce) and a scheduled tranche (to approve), each with
# its person's token; printed as "server contest token tranche token".
SEED = """
from datetime import date
from accounts import tokens as api_tokens
from contests.models import Contest
from grants import services
from tests.factories import UserFactory, contest_in_state
from tests.grants.conftest import World
for _server in ("processes", "threads"):
    organiser = UserFactory()
    contest = contest_in_state(Contest.State.DECIDED, organiser)
    world = World()
    tranche = services.schedule_tranche(
        world.active("1000.00"), by=world.officer, planned_on=date(2025, 5, 1), amount="600.00"
    )
    tokens = [api_tokens.issue(person, verified=True)[1] for person in (organiser, world.officer)]
    print(_server, contest.pk, tokens[0], tranche.pk, tokens[1])
"""


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set (CI's PostgreSQL pass).")
    return url


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL database of this test's own, migrated and seeded, dropped at the end:
    (its environment, {server: (contest, token, tranche, token)})."""
    parts = urlsplit(_server_url())
    name = f"konkurs_race_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            **os.environ,
            "DATABASE_URL": parts._replace(path=f"/{name}").geturl(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
        seeded = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SEED],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        lines = [line.split() for line in seeded.stdout.splitlines() if line.strip()]
        yield env, {line[0]: line[1:] for line in lines[-2:]}
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, token: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())["state"]
    except urllib.error.HTTPError as error:
        body = error.read().decode(errors="replace")
        try:
            return error.code, json.loads(body).get("state", body[:300])
        except ValueError:
            return error.code, body[:300]


def _serve(env: dict, tmp_path: Path, worker: list[str]):
    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "4", *worker],
        cwd=REPO,
        env={**env, "MEDIA_ROOT": str(tmp_path / "media")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:  # until it answers (polling a port, not timing a race)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)


@pytest.mark.parametrize(
    "worker",
    [["--worker-class", "sync"], ["--worker-class", "gthread", "--threads", "8"]],
    ids=["processes", "threads"],
)
def test_64_racing_requests_through_gunicorn_one_wins_the_rest_409(database, tmp_path, worker, request):
    env, seeds = database
    contest, organiser_token, tranche, officer_token = seeds[request.node.callspec.id]
    server, base = _serve(env, tmp_path, worker)
    try:
        for url, token, won_state in [
            (f"{base}/api/v1/contests/{contest}/announce/", organiser_token, "announced"),
            (f"{base}/api/v1/grant-tranches/{tranche}/approve/", officer_token, "approved"),
        ]:
            with ThreadPoolExecutor(PARALLEL) as pool:
                answers = list(pool.map(_post, [url] * PARALLEL, [token] * PARALLEL))
            statuses = Counter(status for status, _ in answers)
            assert statuses == {200: 1, 409: PARALLEL - 1}, (url, statuses, answers)
            assert {state for _, state in answers} == {won_state}, (url, answers)
    finally:
        server.terminate()
        server.wait(timeout=30)
