"""Writes of the notifications app: the outbox, delivery, sweeping, inbox and preferences."""

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core import clock
from notifications import events
from notifications.models import EmailOptOut, Message, TemplateOverride
from notifications.rendering import render, template_errors

log = logging.getLogger(__name__)

CHUNK = 100
MAX_ATTEMPTS = 6
SENDING_LEASE = timedelta(minutes=5)  # a claim older than this belonged to a worker that died
PENDING_GRACE = timedelta(seconds=30)  # fresh rows are enqueued by their own commit hook


def notify(
    event: str, recipients: Iterable[Any], context: dict, *, dedupe_key: str, scope: str = ""
) -> uuid.UUID:
    """Write the messages for `event` in the caller's transaction; delivery starts on commit.

    Recipients are users (in-app and, unless they opted out, e-mail) or e-mail addresses.
    A second call with the same event, recipient and dedupe key writes nothing new.
    """
    spec = events.get(event)
    batch = uuid.uuid4()
    users = [r for r in recipients if not isinstance(r, str)]
    addresses = {r.strip().lower() for r in recipients if isinstance(r, str) and r.strip()}
    opted_out = (
        set()
        if spec.mandatory
        else set(EmailOptOut.objects.filter(event=event, user__in=users).values_list("user_id", flat=True))
    )
    now = clock.now()
    common = {"event": event, "batch": batch, "scope": scope, "dedupe_key": dedupe_key, "context": context}
    rows = []
    for user in users:
        key = f"user:{user.pk}"
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        rows.append(
            Message(
                channel=Message.Channel.INAPP,
                user=user,
                recipient_key=key,
                language=language,
                state=Message.State.SENT,
                sent_at=now,
                **common,
            )
        )
        if user.email and user.pk not in opted_out:
            rows.append(
                Message(
                    channel=Message.Channel.EMAIL,
                    user=user,
                    email=user.email,
                    recipient_key=key,
                    language=language,
                    next_attempt_at=now,
                    **common,
                )
            )
    for address in addresses:
        rows.append(
            Message(
                channel=Message.Channel.EMAIL,
                email=address,
                recipient_key=f"email:{address}",
                language=settings.LANGUAGE_CODE,
                next_attempt_at=now,
                **common,
            )
        )
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    transaction.on_commit(lambda: enqueue_batch(batch))
    return batch


def enqueue_batch(batch: uuid.UUID) -> None:
    """Hand a batch to Celery; if the broker is down, the sweeper sends it later."""
    from notifications.tasks import deliver_batch

    try:
        deliver_batch.delay(str(batch))
    except Exception:
        log.warning("Broker unavailable; batch %s stays pending for the sweeper.", batch, exc_info=True)


def enqueue_messages(ids: list[int]) -> None:
    from notifications.tasks import deliver_messages

    for start in range(0, len(ids), CHUNK):
        try:
            deliver_messages.delay(ids[start : start + CHUNK])
        except Exception:
            log.warning("Broker unavailable; %d messages stay pending.", len(ids), exc_info=True)
            return


def pending_ids_of_batch(batch: str) -> list[int]:
    return list(
        Message.objects.filter(batch=batch, channel=Message.Channel.EMAIL, state=Message.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _claim(message_id: int) -> Message | None:
    """pending → sending for exactly one worker: the UPDATE's condition is the lock."""
    now = clock.now()
    claimed = Message.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=message_id,
        state=Message.State.PENDING,
    ).update(state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Message.objects.get(pk=message_id)


def _build_email(message: Message, overrides: dict) -> EmailMultiAlternatives:
    key = (message.scope, message.event, message.language)
    if key not in overrides:
        overrides[key] = (
            TemplateOverride.objects.filter(
                scope=message.scope, event=message.event, language=message.language
            ).first()
            if message.scope
            else None
        )
    rendered = render(message.event, message.language, message.context, overrides[key])
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[message.email],
        headers={"Message-ID": f"<{message.uuid}@konkurs>"},  # stable: a resend is recognisable
    )
    email.attach_alternative(rendered.html, "text/html")
    return email


def deliver_messages(ids: Iterable[int]) -> dict[str, int]:
    """Send the given e-mail messages over one SMTP connection. Safe to run twice."""
    stats = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    overrides: dict = {}
    connection = None
    try:
        for message_id in ids:
            message = _claim(message_id)
            if message is None:
                stats["skipped"] += 1
                continue
            if connection is None:
                connection = get_connection()
                connection.open()
            try:
                connection.send_messages([_build_email(message, overrides)])
            except Exception as exc:
                stats[_record_failure(message, exc)] += 1
                # A broken connection must not fail the rest of the chunk.
                connection.close()
                connection = None
                continue
            Message.objects.filter(pk=message.pk, state=Message.State.SENDING).update(
                state=Message.State.SENT, sent_at=clock.now(), last_error=""
            )
            stats["sent"] += 1
    finally:
        if connection is not None:
            connection.close()
    return stats


def _record_failure(message: Message, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        Message.objects.filter(pk=message.pk).update(state=Message.State.FAILED, last_error=error)
        return "failed"
    delay = retry_delay(message.attempts)
    Message.objects.filter(pk=message.pk).update(
        state=Message.State.PENDING, last_error=error, next_attempt_at=clock.now() + delay
    )
    from notifications.tasks import deliver_messages as task

    try:
        task.apply_async([[message.pk]], countdown=delay.total_seconds())
    except Exception:
        log.warning("Could not schedule retry of message %s", message.pk, exc_info=True)
    return "retry"


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min, 8 min…"""
    return timedelta(seconds=30 * 2 ** max(attempts - 1, 0))


def sweep() -> dict[str, int]:
    """Requeue what a dead worker or an unreachable broker left behind."""
    now = clock.now()
    reclaimed = Message.objects.filter(
        state=Message.State.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(state=Message.State.PENDING, next_attempt_at=now)
    due = list(
        Message.objects.filter(
            channel=Message.Channel.EMAIL,
            state=Message.State.PENDING,
            next_attempt_at__lte=now,
            created_at__lt=now - PENDING_GRACE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:10_000]
    )
    enqueue_messages(due)
    return {"reclaimed": reclaimed, "enqueued": len(due)}


def resend_failed(*, scope: str, ids: Iterable[int] | None = None) -> int:
    """An organiser's resend: failed messages of a scope go back to pending, on commit queued."""
    with transaction.atomic():
        failed = Message.objects.filter(
            scope=scope, state=Message.State.FAILED, channel=Message.Channel.EMAIL
        )
        if ids is not None:
            failed = failed.filter(pk__in=list(ids))
        chosen = list(failed.values_list("pk", flat=True))
        Message.objects.filter(pk__in=chosen).update(
            state=Message.State.PENDING, attempts=0, next_attempt_at=clock.now(), last_error=""
        )
        transaction.on_commit(lambda: enqueue_messages(chosen))
    return len(chosen)


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    unread = Message.objects.filter(user=user, channel=Message.Channel.INAPP, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())


def set_email_opt_out(user: Any, event: str, *, opted_out: bool) -> None:
    spec = events.get(event)
    if spec.mandatory and opted_out:
        raise ValidationError(_("This message is mandatory and is always sent by e-mail."))
    if opted_out:
        EmailOptOut.objects.get_or_create(user=user, event=event)
    else:
        EmailOptOut.objects.filter(user=user, event=event).delete()


def save_template_override(
    *, scope: str, event: str, language: str, subject: str, body_text: str, body_html: str = ""
) -> TemplateOverride:
    events.get(event)
    if errors := template_errors(subject, body_text, body_html):
        raise ValidationError(
            {"body_text": [_("The template has an error: %(error)s") % {"error": e} for e in errors]}
        )
    override, _created = TemplateOverride.objects.update_or_create(
        scope=scope,
        event=event,
        language=language,
        defaults={"subject": subject, "body_text": body_text, "body_html": body_html},
    )
    return override


def delete_template_override(*, scope: str, event: str, language: str) -> None:
    TemplateOverride.objects.filter(scope=scope, event=event, language=language).delete()
