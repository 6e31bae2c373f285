"""When a request reached us: the moment a deadline is judged at, not when a worker got to it.

Under load a request may wait in the front proxy's or gunicorn's queue for seconds before a
worker runs it; a submission sent before the deadline must not be refused for that wait.
`ArrivalMiddleware` (first in MIDDLEWARE) stamps each request's arrival:

- from the front proxy's `X-Request-Start` header (`t=<seconds>` as nginx sends with
  `proxy_set_header X-Request-Start "t=${msec}";`, or milliseconds / microseconds since the
  epoch as Heroku and others send), but only when the request comes straight from a proxy
  listed in settings.TRUSTED_PROXY_IPS (addresses or networks; `unix` for a Unix socket), and
  only when the moment is neither in the future nor older than settings.REQUEST_START_MAX_AGE
  seconds — anyone else could send the header to slip past a deadline;
- otherwise from the middleware's own reading of the clock, the earliest point in the process.

The moment travels in a context variable, so services stay free of request objects:
`arrival.moment()` is the current request's arrival, or the clock's now outside a request
(Celery tasks, management commands, tests calling services directly).
"""

import ipaddress
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from core import clock

log = logging.getLogger(__name__)

HEADER = "HTTP_X_REQUEST_START"
UNIX_SOCKET = "unix"

_arrived: ContextVar[datetime | None] = ContextVar("arrived", default=None)


def arrived_at() -> datetime | None:
    """The current request's arrival, None outside a request."""
    return _arrived.get()


def moment() -> datetime:
    """The moment to judge a deadline at: the request's arrival, else now."""
    return _arrived.get() or clock.now()


@contextmanager
def arriving(at: datetime) -> Iterator[datetime]:
    """Run the block as if its request had arrived `at` (the middleware's, and tests')."""
    token = _arrived.set(at)
    try:
        yield at
    finally:
        _arrived.reset(token)


def parse_request_start(value: str) -> datetime | None:
    """`t=1700000000.123` (seconds, nginx's ${msec}), `t=1700000000123` (milliseconds) or
    `t=1700000000123456` (microseconds), with or without `t=`; None when unreadable."""
    text = value.strip()
    if text.startswith("t="):
        text = text[2:].strip()
    try:
        number = float(text)
    except ValueError:
        return None
    if not number > 0 or number == float("inf"):
        return None
    # Seconds since the epoch stay below 1e11 until the year 5138; milliseconds below 1e14.
    if number >= 1e14:
        number /= 1_000_000
    elif number >= 1e11:
        number /= 1_000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


@cache
def _trusted(entries: tuple[str, ...]) -> tuple[bool, tuple]:
    """(a Unix socket is trusted, the trusted networks) from settings.TRUSTED_PROXY_IPS."""
    networks = []
    unix = False
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        if entry.lower() == UNIX_SOCKET:
            unix = True
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXY_IPS: {entry!r} is neither an IP address, a network nor {UNIX_SOCKET!r}"
            ) from None
    return unix, tuple(networks)


def trusted_proxies() -> tuple[bool, tuple]:
    return _trusted(tuple(getattr(settings, "TRUSTED_PROXY_IPS", ()) or ()))


def from_trusted_proxy(request: HttpRequest) -> bool:
    """True when the direct peer (REMOTE_ADDR, never X-Forwarded-For) is a trusted proxy."""
    unix, networks = trusted_proxies()
    peer = (request.META.get("REMOTE_ADDR") or "").strip()
    try:
        address = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return unix  # gunicorn bound to a Unix socket gives no IP address
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's IP address: the direct peer, or the last address a trusted proxy (settings.
    TRUSTED_PROXY_IPS) added to X-Forwarded-For; a client cannot choose it by sending the header."""
    peer = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and from_trusted_proxy(request):
        return forwarded.split(",")[-1].strip() or peer
    return peer


def arrival_of(request: HttpRequest, now: datetime) -> datetime:
    """The request's arrival: the trusted proxy's stamp when sane, else `now`."""
    header = request.META.get(HEADER)
    if not header or not from_trusted_proxy(request):
        return now
    stamped = parse_request_start(header)
    max_age = timedelta(seconds=getattr(settings, "REQUEST_START_MAX_AGE", 300))
    if stamped is None or stamped > now or stamped < now - max_age:
        log.warning("X-Request-Start %r ignored: unreadable, in the future or too old", header[:64])
        return now
    return stamped


class ArrivalMiddleware:
    """Stamps the request's arrival (request.arrived_at and arrival.moment()) for its duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        trusted_proxies()  # a mistyped setting stops the start, not every request

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = clock.now()  # first: everything after this is our own processing time
        request.arrived_at = arrival_of(request, now)
        with arriving(request.arrived_at):
            return self.get_response(request)
