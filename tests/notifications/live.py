"""Real pieces for end-to-end delivery: an SMTP sink, a Celery worker process, broker switching.

Used by test_live_worker.py and benchmarks/notify.py.
"""

import asyncio
import collections
import logging
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email.parser import BytesHeaderParser
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = str(ROOT / ".venv" / "bin" / "celery")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float = 60, what: str = "a condition") -> None:
    """Poll `condition` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        if sink.hold_first and not sink.held.is_set():
            # The first message stays on the wire until the test has killed its sender.
            sink.held.set()
            await asyncio.get_running_loop().run_in_executor(None, sink.release.wait, 120)
            return "451 4.3.0 Not accepted"
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with sink.lock:
            if sink.keep:
                sink.raw.append(envelope.original_content or envelope.content)
            sink.message_ids[headers["Message-ID"]] += 1
            sink.recipients.extend(envelope.rcpt_tos)
            sink.last = headers
        return "250 OK"


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that counts what it accepted (250) by Message-ID."""

    def __init__(self, *, hold_first: bool = False, keep: bool = False):
        # Imported here so that collecting the tests does not need aiosmtpd (dev extra).
        from aiosmtpd.controller import Controller

        self.hold_first = hold_first
        self.keep = keep  # keep every message's bytes (tests read them whole)
        self.raw: list[bytes] = []
        self.held = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.message_ids: collections.Counter[str] = collections.Counter()
        self.recipients: list[str] = []
        self.last = None
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        # aiosmtpd logs every SMTP command at INFO: a sink that logs costs the CPU the workers
        # are being measured on.
        logging.getLogger("mail.log").setLevel(logging.WARNING)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def accepted(self) -> int:
        with self.lock:
            return sum(self.message_ids.values())

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.controller.stop()


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


class Worker:
    """`celery -A config worker` as a process group of its own, so it can be killed whole."""

    def __init__(self, *, env: dict[str, str], concurrency: int = 2, name: str = "notify"):
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
        self.concurrency = concurrency
        self.name = name
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115

    def start(self) -> "Worker":
        command = [
            CELERY,
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            str(self.concurrency),
            "-n",
            f"{self.name}-{os.getpid()}-{time.monotonic_ns()}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def _signal(self, sig: int) -> None:
        # The whole group, even if the parent has gone: pool children must not outlive it.
        if self.process is not None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once: no warm shutdown, no acks, no cleanup."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None:
            return
        self._signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        self.kill()

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-5000:]


def _reset_pools(app) -> None:
    from kombu import pools

    pools.reset()  # closes and forgets every pool: the next publish connects afresh
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app at `url` (not eager); restore it afterwards."""
    from config import celery_app as app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    _reset_pools(app)
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        _reset_pools(app)
        app.conf.update(**saved)


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    finally:
        client.close()
