"""Brute-force protection: django-axes counts failed logins (web, API token, admin) and this module
holds our side of it — per-account and per-address limits, the message saying when to try again,
the 429 answers (page and API), and a small limit of the same numbers for the doors axes does not
watch (password reset, sign-up). Settings: AXES_FAILURE_LIMIT (per account), AXES_IP_FAILURE_LIMIT
(per client address), AXES_COOLOFF_MINUTES."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext
from rest_framework import exceptions, status

from accounts import security_log
from accounts.models import User

# --- what axes asks us ------------------------------------------------------------------------


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """How long a lock lasts (AXES_COOLOFF_TIME), read at each request so tests may change it."""
    return timedelta(minutes=settings.AXES_COOLOFF_MINUTES)


def username_of(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The address tried, in one spelling: `A@x.org ` and `a@x.org` count as one account. Django's
    authenticate() names it `username`; axes' own calls name it by USERNAME_FIELD (`email`)."""
    source = credentials or getattr(request, "data", None) or request.POST
    value = source.get("username") or source.get("email") or ""
    if not isinstance(value, str):
        return None
    return value.strip().lower() or None


def _address_limit() -> int:
    return max(1, settings.AXES_IP_FAILURE_LIMIT)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits: an account locks after AXES_FAILURE_LIMIT failures
    from anywhere (one account sprayed from many addresses), a client address after
    AXES_IP_FAILURE_LIMIT failures on any accounts (one address trying many accounts; higher, as a
    library's staff share one address)."""

    def failures(self, request: HttpRequest, credentials: dict | None = None) -> tuple[int, int]:
        """(the account's failures, the address's failures) within the cool-off."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = recent.filter(username=username) if username else recent.none()
        by_address = recent.filter(ip_address=request.axes_ip_address or None)
        count = Sum("failures_since_start")
        account = by_account.aggregate(n=count)["n"] or 0
        address = (by_address.aggregate(n=count)["n"] or 0) if request.axes_ip_address else 0
        return account, address

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # Axes compares one number with AXES_FAILURE_LIMIT: the address's count on the account's scale.
        by_account, by_address = self.failures(request, credentials)
        return max(by_account, by_address * settings.AXES_FAILURE_LIMIT // _address_limit())

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A successful login clears that account's failures only: logging in to one's own account
        must not wipe an address's failures on others."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _detail = AccessAttempt.objects.filter(username=username).delete()
        return count


# --- when a lock ends, and saying so --------------------------------------------------------------


def locked_until(request: HttpRequest, credentials: dict | None = None) -> datetime:
    """When the lock on this account or address ends (the later of the two when both are locked):
    the cool-off after the last failure that counts."""
    handler = LockoutHandler()
    by_account, by_address = handler.failures(request, credentials)
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    latest: list[datetime] = []
    username = get_client_username(request, credentials)
    if username and by_account >= settings.AXES_FAILURE_LIMIT:
        latest.append(recent.filter(username=username).aggregate(t=Max("attempt_time"))["t"])
    if by_address >= _address_limit():
        latest.append(recent.filter(ip_address=request.axes_ip_address).aggregate(t=Max("attempt_time"))["t"])
    moments = [moment for moment in latest if moment is not None]
    last = max(moments) if moments else timezone.now()
    return last + cool_off(request)


def seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


def wait_message(seconds: int) -> str:
    """In the person's language: until when (in the site's time zone) and in how many minutes."""
    until = timezone.localtime(timezone.now() + timedelta(seconds=seconds))
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many attempts. For your safety this is paused: try again after %(time)s (in %(minutes)d "
        "minute). If you forgot your password, reset it.",
        "Too many attempts. For your safety this is paused: try again after %(time)s (in %(minutes)d "
        "minutes). If you forgot your password, reset it.",
        minutes,
    ) % {"time": time_format(until, "H:i"), "minutes": minutes}


def lockout_message(request: HttpRequest, credentials: dict | None = None) -> tuple[str, int]:
    """(the message, seconds to wait) for a locked login."""
    seconds = seconds_until(locked_until(request, credentials))
    return wait_message(seconds), seconds


class TooManyAttempts(exceptions.APIException):
    """429 with Retry-After (DRF's handler sets it from `wait`) and the message of the pages."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_attempts"

    def __init__(self, seconds: int) -> None:
        super().__init__(wait_message(seconds))
        self.wait = seconds


def record_lock(request: HttpRequest, credentials: dict | None = None) -> None:
    """LOCKED_OUT once per lock: on the failure that reached the limit (axes then counted it;
    refused attempts while locked are not counted)."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or getattr(request, "axes_lock_recorded", False):
        return
    request.axes_lock_recorded = True
    email = get_client_username(request, credentials) or ""
    user = User.objects.filter(email__iexact=email).first() if email else None
    by_account, by_address = LockoutHandler().failures(request, credentials)
    security_log.record(
        security_log.Kind.LOCKED_OUT,
        request=request,
        user=user,
        email=email,
        account_failures=by_account,
        address_failures=by_address,
        until=locked_until(request, credentials).isoformat(),
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a refused or locking login. The login page and the
    token endpoint answer 429 themselves (with the form, or the API's error body); anything else
    (the admin's login) gets a page, or JSON under the API's prefix."""
    record_lock(request, credentials)
    if original_response is not None and original_response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        return original_response
    message, seconds = lockout_message(request, credentials)
    headers = {"Retry-After": str(seconds)}
    if request.path.startswith(settings.API_PATH_PREFIX):
        return JsonResponse({"detail": message}, status=429, headers=headers)
    response = render(request, "accounts/lockout.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


# --- the security log of logins (called by the login page and the token endpoint) ---------------


def login_failed(request: HttpRequest, email: str) -> int | None:
    """Log a failed login; the seconds to wait when the account or address is locked (axes flagged
    the request: this failure locked it, or it was locked already), else None."""
    credentials = {"username": email}
    locked = bool(getattr(request, "axes_locked_out", False))
    user = User.objects.filter(email__iexact=(email or "").strip()).first() if email else None
    security_log.record(
        security_log.Kind.LOGIN_FAILED, request=request, user=user, email=email, locked=locked or None
    )
    if not locked:
        return None
    record_lock(request, credentials)
    return seconds_until(locked_until(request, credentials))


def login_succeeded(request: HttpRequest, user: User, **details) -> None:
    """Log the login; the account's earlier failures no longer count (axes does this itself for
    a session login, not for a token, which is not one)."""
    security_log.record(security_log.Kind.LOGIN_SUCCEEDED, request=request, user=user, **details)
    if settings.AXES_RESET_ON_SUCCESS:
        AccessAttempt.objects.filter(username=user.email.strip().lower()).delete()


# --- the doors axes does not watch: password reset and sign-up ------------------------------------


def _hit(key: str, allowed: int, window: int) -> int | None:
    """Count one request in a fixed window; the seconds left when over `allowed`, else None."""
    now = time.time()
    count, ends = cache.get(key) or (0, now + window)
    if ends <= now:
        count, ends = 0, now + window
    count += 1
    cache.set(key, (count, ends), timeout=math.ceil(ends - now) + 1)
    return math.ceil(ends - now) if count > allowed else None


def limit(request: HttpRequest, scope: str, email: str) -> int | None:
    """Count a request of `scope` (e.g. "password_reset") for the client's address and for the
    e-mail address it names, with the login's numbers; the seconds to wait when either is over
    its limit, else None."""
    window = int(cool_off(request).total_seconds())
    target = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    waits = [
        # The client's address by our rule (AXES_CLIENT_IP_CALLABLE: trusted proxies only).
        _hit(f"limit:{scope}:address:{get_client_ip_address(request)}", _address_limit(), window),
        _hit(f"limit:{scope}:email:{target}", settings.AXES_FAILURE_LIMIT, window) if email else None,
    ]
    return max((wait for wait in waits if wait is not None), default=None)


# --- current locks, for staff to see and lift -----------------------------------------------------


@dataclass(frozen=True)
class Lock:
    """A locked account (`key` its address) or client address (`key` the IP address)."""

    kind: str  # "account" or "address"
    key: str
    failures: int
    until: datetime

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.key}"


def current_locks() -> list[Lock]:
    """Accounts and addresses locked now, the latest lock first."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off())
    wait = cool_off()
    locks = []
    for kind, field, allowed in (
        ("account", "username", settings.AXES_FAILURE_LIMIT),
        ("address", "ip_address", _address_limit()),
    ):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=allowed)
        )
        locks += [Lock(kind, row[field], row["failures"], row["last"] + wait) for row in rows if row[field]]
    return sorted(locks, key=lambda lock: lock.until, reverse=True)


def find_lock(lock_id: str) -> Lock | None:
    return next((lock for lock in current_locks() if lock.id == lock_id), None)


def may_unlock(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def unlock(lock: Lock, *, by: User, request: HttpRequest | None = None) -> None:
    """Forget the failures behind a lock (staff); logged as UNLOCKED with who did it."""
    field = "username" if lock.kind == "account" else "ip_address"
    AccessAttempt.objects.filter(**{field: lock.key}).delete()
    user = User.objects.filter(email__iexact=lock.key).first() if lock.kind == "account" else None
    security_log.record(
        security_log.Kind.UNLOCKED,
        request=request,
        user=user,
        actor=by,
        email=lock.key if lock.kind == "account" else "",
        lock=lock.kind,
        address=lock.key if lock.kind == "address" else None,
        failures=lock.failures,
    )
