"""Writes of the webhooks app: endpoints, the outbox of deliveries, sending and its health.

Events come from the apps' services through core.hooks (`record_event`, subscribed in apps.py):
the deliveries are written in the event's own transaction and sent by Celery after commit,
as the e-mail outbox does (notifications.services: a conditional UPDATE claims a row, failures
retry with its backoff, a sweeper requeues what a dead worker or a down broker left)."""

import json
import logging
import time
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from contests.models import Contest, ContestRole
from core import clock, outbox
from core.compiled import Compiled
from notifications.services import notify
from webhooks import events, signing
from webhooks.models import SUBSCRIBABLE, Attempt, Delivery, Endpoint, EventType
from webhooks.selectors import subjects_of

log = logging.getLogger(__name__)

SENDING_LEASE = timedelta(minutes=5)  # a claim older than this belonged to a worker that died
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def max_attempts() -> int:
    return getattr(settings, "WEBHOOKS_MAX_ATTEMPTS", 8)


def _disable_after_failures() -> int:
    return getattr(settings, "WEBHOOKS_DISABLE_AFTER_FAILURES", 10)


def _disable_after_time() -> timedelta:
    return timedelta(hours=getattr(settings, "WEBHOOKS_DISABLE_AFTER_HOURS", 24))


# --- endpoints -------------------------------------------------------------------------------


def check_url(url: str) -> str:
    """HTTPS only; plain HTTP to this machine only when DEBUG or WEBHOOKS_ALLOW_HTTP (tests)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        raise ValidationError({"url": [_("Enter an https:// address.")]})
    if parts.username or parts.password:
        raise ValidationError({"url": [_("The address must not contain a user name or password.")]})
    if parts.scheme == "http":
        local = host in LOCAL_HOSTS
        allowed = settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_HTTP", False)
        if not (local and allowed):
            raise ValidationError({"url": [_("Enter an https:// address.")]})
    return url


def check_events(chosen: list[str]) -> list[str]:
    known = {value for value, _label in SUBSCRIBABLE}
    chosen = sorted(set(chosen or []))
    if not chosen:
        raise ValidationError({"events": [_("Choose at least one event.")]})
    if unknown := [e for e in chosen if e not in known]:
        raise ValidationError({"events": [_("Unknown event: %(event)s") % {"event": ", ".join(unknown)}]})
    return chosen


def create_endpoint(
    owner: Organisation | Contest, *, url: str, events: list[str], by: User, description: str = ""
) -> tuple[Endpoint, str]:
    """A new endpoint of an organisation or a contest, and its secret (shown this once)."""
    secret = signing.new_secret()
    endpoint = Endpoint(
        url=check_url(url),
        events=check_events(events),
        description=description.strip(),
        secret=secret,
        created_by=by,
    )
    if isinstance(owner, Organisation):
        endpoint.organisation = owner
    else:
        endpoint.contest = owner
    endpoint.save()
    return endpoint, secret


def update_endpoint(endpoint: Endpoint, **fields: Any) -> Endpoint:
    if "url" in fields:
        endpoint.url = check_url(fields["url"])
    if "events" in fields:
        endpoint.events = check_events(fields["events"])
    if "description" in fields:
        endpoint.description = (fields["description"] or "").strip()
    endpoint.save()
    return endpoint


def delete_endpoint(endpoint: Endpoint) -> None:
    endpoint.delete()


def rotate_secret(endpoint: Endpoint) -> str:
    """A new secret at once: deliveries sent from now on are signed with it."""
    secret = signing.new_secret()
    Endpoint.objects.filter(pk=endpoint.pk).update(secret=secret, updated_at=clock.now())
    endpoint.secret = secret
    return secret


def enable_endpoint(endpoint: Endpoint) -> Endpoint:
    """Back on after it was disabled, with a clean slate of failures."""
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.failing_since = None
    endpoint.save()
    return endpoint


def send_test(endpoint: Endpoint) -> Delivery:
    """A `webhook.test` delivery, sent even to a disabled endpoint (to check it before enabling)."""
    with transaction.atomic():
        data = {
            "object": "webhook",
            "id": endpoint.pk,
            "url": settings.SITE_URL + reverse("api:webhook-detail", args=[endpoint.pk]),
        }
        [delivery] = _write([(endpoint, EventType.PING.value, data)])
    return delivery


# --- the outbox ------------------------------------------------------------------------------


def _envelope(event: str, event_id: str, occurred_at: str, data: dict) -> dict:
    return {"id": event_id, "type": event, "occurred_at": occurred_at, "data": data}


def _write(items: list[tuple[Endpoint, str, dict]]) -> list[Delivery]:
    now = clock.now()
    occurred_at = now.isoformat()
    rows = []
    for endpoint, event, data in items:
        event_id = data.pop("_event_id", None) or str(uuid.uuid4())
        rows.append(
            Delivery(
                endpoint=endpoint,
                event=event,
                payload=_envelope(event, event_id, occurred_at, data),
                created_at=now,
            )
        )
    created = Delivery.objects.bulk_create(rows)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: enqueue(ids))
    return created


# Read in the transaction of every event (each submission's): compiled once per process.
_ACTIVE_ENDPOINTS = Compiled(lambda: Endpoint.objects.filter(is_active=True))


def record_event(event: str, model: type, pks: list[int]) -> None:
    """core.hooks listener: the deliveries of an event, in the event's transaction. One query
    when no endpoint listens (the usual case), however many rows the event touched."""
    if event not in EventType.values:
        return
    listening = [e for e in _ACTIVE_ENDPOINTS.objects({}) if event in e.events]
    if not listening:
        return
    organisations = {e.organisation_id for e in listening if e.organisation_id}
    items = []
    for subject in subjects_of(model, pks, organisations):
        event_id = str(uuid.uuid4())  # one occurrence: the same id at every endpoint
        for endpoint in listening:
            if endpoint.contest_id == subject.contest_id:
                data = subject.public
            elif endpoint.organisation_id in subject.organisation_ids:
                data = subject.data
            else:
                continue
            items.append((endpoint, event, {**data, "_event_id": event_id}))
    if items:
        _write(items)


def enqueue(ids: list[int]) -> None:
    """Hand deliveries to Celery; if the broker is down, the sweeper sends them later."""
    from webhooks.tasks import deliver

    for pk in ids:
        try:
            deliver.delay(pk)
        except Exception:
            log.warning("Broker unavailable; webhook delivery %s stays pending.", pk, exc_info=True)
            return


def _claim(delivery_id: int) -> Delivery | None:
    if not outbox.claim(Delivery, delivery_id):
        return None
    return Delivery.objects.select_related("endpoint").get(pk=delivery_id)


def _post(endpoint: Endpoint, delivery: Delivery) -> tuple[int | None, str, int]:
    """(status code, error, milliseconds). Redirects are not followed: a 3xx is a failure."""
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(clock.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Konkurs-Webhooks/1",
        signing.SIGNATURE_HEADER: signing.signature_header(endpoint.secret, timestamp, body),
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.uuid),
    }
    started = time.monotonic()
    try:
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=getattr(settings, "WEBHOOKS_TIMEOUT", 5),
            allow_redirects=False,
            stream=True,  # the answer's body is never read: a huge one costs nothing
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:2000], _ms(started)
    ms = _ms(started)
    response.close()
    if 200 <= response.status_code < 300:
        return response.status_code, "", ms
    return response.status_code, f"HTTP {response.status_code} {response.reason or ''}".strip()[:300], ms


def _ms(started: float) -> int:
    return max(0, int((time.monotonic() - started) * 1000))


def deliver(delivery_id: int) -> str:
    """Send one delivery once; on failure schedule the next attempt (backoff) or give up, and
    disable an endpoint that keeps failing. Safe to run twice: a second run finds it claimed."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    endpoint = delivery.endpoint
    if not endpoint.is_active and delivery.event != EventType.PING:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.FAILED, last_error=_("The endpoint is disabled.")
        )
        return "failed"
    status, error, ms = _post(endpoint, delivery)
    return _record(delivery, status, error, ms)


def _record(delivery: Delivery, status: int | None, error: str, ms: int) -> str:
    now = clock.now()
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=now,
            status_code=status,
            duration_ms=ms,
            error=error,
        )
        common = {"status_code": status, "duration_ms": ms, "last_error": error}
        endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if not error:
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.DELIVERED, delivered_at=now, **common
            )
            if endpoint.consecutive_failures or endpoint.failing_since:
                Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0, failing_since=None)
            return "delivered"
        if endpoint.failing_since is None:
            endpoint.failing_since = now
        gave_up = delivery.attempts >= max_attempts()
        if gave_up:
            Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.FAILED, **common)
            endpoint.consecutive_failures += 1
        else:
            delay = outbox.retry_delay(delivery.attempts)
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.PENDING, next_attempt_at=now + delay, **common
            )
            transaction.on_commit(lambda: _schedule_retry(delivery.pk, delay))
        Endpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=endpoint.failing_since, consecutive_failures=endpoint.consecutive_failures
        )
        if endpoint.is_active and delivery.event != EventType.PING:
            reason = _dead_reason(endpoint, now)
            if reason:
                disable(endpoint, reason)
        return "failed" if gave_up else "retry"


def _schedule_retry(pk: int, delay: timedelta) -> None:
    from webhooks.tasks import deliver as task

    try:
        task.apply_async([pk], countdown=delay.total_seconds())
    except Exception:
        log.warning("Could not schedule retry of webhook delivery %s", pk, exc_info=True)


def _dead_reason(endpoint: Endpoint, now) -> str:
    if endpoint.consecutive_failures >= _disable_after_failures():
        return _("%(count)d deliveries in a row failed.") % {"count": endpoint.consecutive_failures}
    if endpoint.failing_since and now - endpoint.failing_since >= _disable_after_time():
        hours = int(_disable_after_time().total_seconds() // 3600)
        return _("It has been failing for %(hours)d hours.") % {"hours": hours}
    return ""


def disable(endpoint: Endpoint, reason: str) -> None:
    """Stop sending to a dead endpoint, drop what waits for it, and tell its owners by e-mail."""
    now = clock.now()
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(
            is_active=False, disabled_at=now, disabled_reason=reason[:300], updated_at=now
        )
        endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason[:300]
        endpoint.deliveries.filter(state=Delivery.State.PENDING).update(
            state=Delivery.State.FAILED, last_error=_("The endpoint was disabled.")
        )
        owner = endpoint.owner
        notify(
            events.ENDPOINT_DISABLED.key,
            owners_of(endpoint),
            {
                "url": endpoint.url,
                "owner": getattr(owner, "name", None) or getattr(owner, "title", ""),
                "reason": reason,
                "link": settings.SITE_URL + reverse("webhooks:detail", args=[endpoint.pk]),
            },
            dedupe_key=f"webhook-disabled:{endpoint.pk}:{now.isoformat()}",
        )


def owners_of(endpoint: Endpoint) -> list[User]:
    if endpoint.organisation_id:
        people = User.objects.filter(
            memberships__organisation_id=endpoint.organisation_id, memberships__is_admin=True
        )
    else:
        people = User.objects.filter(
            contest_roles__contest_id=endpoint.contest_id, contest_roles__role=ContestRole.Role.ORGANISER
        )
    return list(people.filter(is_active=True).distinct().order_by("pk"))


def sweep() -> dict[str, int]:
    """Requeue what a dead worker or an unreachable broker left behind, and retries now due."""
    now = clock.now()
    reclaimed = Delivery.objects.filter(
        state=Delivery.State.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(state=Delivery.State.PENDING, next_attempt_at=now)
    due = list(
        Delivery.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), state=Delivery.State.PENDING
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:10_000]
    )
    enqueue(due)
    return {"reclaimed": reclaimed, "enqueued": len(due)}
