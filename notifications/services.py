"""Writes of the notifications app: the outbox, delivery, sweeping, inbox and preferences."""

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core import clock, outbox
from core.bulk import insert_rows
from notifications import events
from notifications.models import EmailOptOut, Message, TemplateOverride
from notifications.rendering import render, template_errors

log = logging.getLogger(__name__)

CHUNK = 100
MAX_ATTEMPTS = 6  # unless settings.EMAIL_MAX_ATTEMPTS says otherwise (max_attempts())
SENDING_LEASE = timedelta(minutes=5)  # a claim older than this belonged to a worker that died
PENDING_GRACE = timedelta(seconds=30)  # fresh rows are enqueued by their own commit hook


class Recipient(NamedTuple):
    """A user to tell as notify_many() reads one, without the model: a row read with
    values_list("user_id", "user__email", "user__language") for 10,000 applicants."""

    pk: int
    email: str
    language: str


def notify(
    event: str, recipients: Iterable[Any], context: dict, *, dedupe_key: str, scope: str = ""
) -> uuid.UUID:
    """Write the messages for `event` in the caller's transaction; delivery starts on commit.

    Recipients are users (in-app and, unless they opted out, e-mail) or e-mail addresses.
    A second call with the same event, recipient and dedupe key writes nothing new.
    """
    [batch] = _write(event, [(recipients, context, dedupe_key)], scope=scope)
    transaction.on_commit(lambda: enqueue_batch(batch))
    return batch


def notify_many(
    event: str, items: Iterable[tuple[Iterable[Any], dict, str]], *, scope: str = ""
) -> list[uuid.UUID]:
    """notify() for many (recipients, context, dedupe_key) of one event at once — an
    announcement to every applicant: one opt-out query, one insert and one hand-off to Celery
    on commit, however many items. Each item is a batch of its own (one context per batch, as
    delivery assumes) and keeps its dedupe key, so a repeated call writes nothing new.
    A recipient is a user, a Recipient (the user's pk, e-mail and language read as a plain row:
    no model per applicant) or an e-mail address.
    """
    batches = _write(event, items, scope=scope)
    if batches:
        transaction.on_commit(lambda: enqueue_batches(batches))
    return batches


def _write(event: str, items: Iterable[tuple[Iterable[Any], dict, str]], *, scope: str) -> list[uuid.UUID]:
    """The outbox rows of notify()/notify_many() in one statement (core.bulk.insert_rows: on
    PostgreSQL one INSERT … SELECT from a JSON document, not 20,000 rows built by the ORM)."""
    spec = events.get(event)
    items = [(list(recipients), context, dedupe_key) for recipients, context, dedupe_key in items]
    if not items:
        return []
    opted_out: set[int] = set()
    if not spec.mandatory:
        user_ids = {r.pk for recipients, _c, _k in items for r in recipients if not isinstance(r, str)}
        if user_ids:
            opted_out = set(
                EmailOptOut.objects.filter(event=event, user_id__in=user_ids).values_list(
                    "user_id", flat=True
                )
            )
    now = clock.now()
    default_language = settings.LANGUAGE_CODE
    inapp, email = Message.Channel.INAPP.value, Message.Channel.EMAIL.value
    sent, pending = Message.State.SENT.value, Message.State.PENDING.value
    rows, batches = [], []
    for recipients, context, dedupe_key in items:
        batch = uuid.uuid4()
        batches.append(batch)
        for user in recipients:
            if isinstance(user, str):
                continue
            key = f"user:{user.pk}"
            language = getattr(user, "language", "") or default_language
            rows.append((batch, dedupe_key, context, inapp, user.pk, "", key, language, sent, now, None))
            if user.email and user.pk not in opted_out:
                rows.append(
                    (
                        batch,
                        dedupe_key,
                        context,
                        email,
                        user.pk,
                        user.email,
                        key,
                        language,
                        pending,
                        None,
                        now,
                    )
                )
        for address in sorted({r.strip().lower() for r in recipients if isinstance(r, str) and r.strip()}):
            rows.append(
                (
                    batch,
                    dedupe_key,
                    context,
                    email,
                    None,
                    address,
                    f"email:{address}",
                    default_language,
                    pending,
                    None,
                    now,
                )
            )
    insert_rows(
        Message,
        rows,
        columns=MESSAGE_COLUMNS,
        same={"event": event, "scope": scope, "created_at": now},
        ignore_conflicts=True,
    )
    return batches


MESSAGE_COLUMNS = (
    "batch",
    "dedupe_key",
    "context",
    "channel",
    "user_id",
    "email",
    "recipient_key",
    "language",
    "state",
    "sent_at",
    "next_attempt_at",
)


def enqueue_batch(batch: uuid.UUID) -> None:
    """Hand a batch to Celery; if the broker is down, the sweeper sends it later."""
    from notifications.tasks import deliver_batch

    try:
        deliver_batch.delay(str(batch))
    except Exception:
        log.warning("Broker unavailable; batch %s stays pending for the sweeper.", batch, exc_info=True)


BATCHES_PER_TASK = 500


def enqueue_batches(batches: list[uuid.UUID]) -> None:
    """Hand many batches to Celery in a few tasks; if the broker is down, the sweeper sends them."""
    from notifications.tasks import deliver_batches

    for start in range(0, len(batches), BATCHES_PER_TASK):
        try:
            deliver_batches.delay([str(b) for b in batches[start : start + BATCHES_PER_TASK]])
        except Exception:
            log.warning(
                "Broker unavailable; %d batches stay pending for the sweeper.", len(batches), exc_info=True
            )
            return


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


def pending_ids_of_batches(batches: list[str]) -> list[int]:
    return list(
        Message.objects.filter(batch__in=batches, channel=Message.Channel.EMAIL, state=Message.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _claim(message_id: int) -> Message | None:
    return Message.objects.get(pk=message_id) if outbox.claim(Message, message_id) else None


def _build_email(message: Message, cache: dict) -> EmailMultiAlternatives:
    key = (message.scope, message.event, message.language)
    if key not in cache:
        cache[key] = (
            TemplateOverride.objects.filter(
                scope=message.scope, event=message.event, language=message.language
            ).first()
            if message.scope
            else None
        )
    # One notify() call (batch) has one context: its messages in a language read the same.
    if (message.batch, message.language) not in cache:
        cache[message.batch, message.language] = render(
            message.event, message.language, message.context, cache[key]
        )
    rendered = cache[message.batch, message.language]
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[message.email],
        headers={"Message-ID": f"<{message.uuid}@konkurs>"},  # stable: a resend is recognisable
    )
    email.attach_alternative(rendered.html, "text/html")
    return email


def _smtp_envelope(message: Message, cache: dict) -> tuple[str, str, bytes]:
    """(from, to, bytes) for one message over SMTP. The messages of one batch and language differ
    only in the recipient and the Message-ID, so the MIME body is built and flattened once and each
    message prepends its two headers: building MIME per message was most of a worker's time."""
    key = ("smtp", message.batch, message.language)
    if key not in cache:
        email = _build_email(message, cache)
        email.to = []
        mime = email.message()
        del mime["Message-ID"]
        encoding = email.encoding or settings.DEFAULT_CHARSET
        cache[key] = (sanitize_address(email.from_email, encoding), encoding, mime.as_bytes(linesep="\r\n"))
    sender, encoding, body = cache[key]
    recipient = sanitize_address(message.email, encoding)
    head = f"To: {recipient}\r\nMessage-ID: <{message.uuid}@konkurs>\r\n".encode("ascii")
    return sender, recipient, head + body


def _send_one(connection: Any, message: Message, cache: dict) -> None:
    """Django's SMTP backend gets the prepared bytes on its open connection; any other backend
    (files, anymail, tests' locmem) gets a regular EmailMessage."""
    if type(connection) is SmtpBackend:
        sender, recipient, data = _smtp_envelope(message, cache)
        connection.connection.sendmail(sender, [recipient], data)
    else:
        connection.send_messages([_build_email(message, cache)])


class _ClaimRaced(Exception):
    pass


def _claim_chunk(ids: list[int]) -> list[Message]:
    """pending → sending for a whole chunk in one transaction; each row goes to one worker.

    Rows another worker is claiming right now are skipped (PostgreSQL row locks); on a
    database without them the conditional UPDATE notices a race and we claim one by one.
    """
    now = clock.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    try:
        with transaction.atomic():
            mine = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(due, pk__in=ids, state=Message.State.PENDING)
                .order_by("pk")
            )
            claimed = Message.objects.filter(
                due, pk__in=[m.pk for m in mine], state=Message.State.PENDING
            ).update(state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
            if claimed != len(mine):
                raise _ClaimRaced
    except _ClaimRaced:
        return [m for m in map(_claim, ids) if m is not None]
    for message in mine:
        message.state, message.claimed_at, message.attempts = Message.State.SENDING, now, message.attempts + 1
    return mine


def _wait_for_disk(wait: bool) -> None:
    """Whether this connection's commits wait for the disk (PostgreSQL's synchronous_commit).

    Marking messages sent without waiting is what lets a worker send hundreds a second. The
    commit still reaches the server, so a worker dying after it cannot resend the message;
    only a database crash within a fraction of a second could, after the lease.
    """
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT" if wait else "SET synchronous_commit TO OFF")


MARK_SENT = (
    f"UPDATE {Message._meta.db_table} SET state = %s, sent_at = %s, last_error = '' "
    "WHERE id = %s AND state = %s"
)


def _mark_sent(message: Message) -> None:
    """sending → sent right after the server's 250, one row at a time (a worker dying later
    must not resend it). Plain SQL: the ORM's compile step cost as much as the round trip."""
    with db_connection.cursor() as cursor:
        cursor.execute(MARK_SENT, [Message.State.SENT, clock.now(), message.pk, Message.State.SENDING])


def _release(messages: list[Message]) -> None:
    """Give back claims we will not use before the lease runs out, and queue them again."""
    Message.objects.filter(pk__in=[m.pk for m in messages], state=Message.State.SENDING).update(
        state=Message.State.PENDING, attempts=F("attempts") - 1, next_attempt_at=clock.now()
    )
    enqueue_messages([m.pk for m in messages])


def deliver_messages(ids: Iterable[int]) -> dict[str, int]:
    """Send the given e-mail messages over one SMTP connection. Safe to run twice."""
    ids = list(ids)
    stats = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    cache: dict = {}
    connection = None
    claimed = _claim_chunk(ids)
    stats["skipped"] = len(ids) - len(claimed)
    try:
        _wait_for_disk(False)
        for index, message in enumerate(claimed):
            if clock.now() - message.claimed_at > SENDING_LEASE / 2:
                # A slow server: the rest must not be reclaimed by the sweeper while we hold it.
                _release(claimed[index:])
                stats["skipped"] += len(claimed) - index
                break
            if connection is None:
                try:  # a server that is down or refuses our login fails every message left
                    connection = _open_connection()
                except Exception as exc:
                    log.warning("Could not connect to the mail server: %s: %s", type(exc).__name__, exc)
                    for outcome in _record_failures(claimed[index:], exc):
                        stats[outcome] += 1
                    break
            try:
                _send_one(connection, message, cache)
            except Exception as exc:
                stats[_record_failure(message, exc)] += 1
                # A broken connection must not fail the rest of the chunk.
                _close_quietly(connection)
                connection = None
                continue
            _mark_sent(message)
            stats["sent"] += 1
    finally:
        _wait_for_disk(True)
        if connection is not None:
            _close_quietly(connection)
    return stats


def _open_connection() -> Any:
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        _close_quietly(connection)  # e.g. connected, then the login was refused
        raise
    return connection


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception as exc:  # the server is gone already: nothing left to close cleanly
        log.info("Closing the mail connection failed: %s: %s", type(exc).__name__, exc)


def max_attempts() -> int:
    """Attempts of one e-mail before it is marked failed (settings.EMAIL_MAX_ATTEMPTS)."""
    return getattr(settings, "EMAIL_MAX_ATTEMPTS", MAX_ATTEMPTS)


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _record_failure(message: Message, exc: Exception) -> str:
    [outcome] = _record_failures([message], exc)
    return outcome


def _record_failures(messages: list[Message], exc: Exception) -> list[str]:
    """Record one error on each of `messages` (all claimed by us): back to pending with a backoff
    by its own attempts and a retry queued then, or failed at the attempt limit. One UPDATE and
    one task per number of attempts, not per message (a whole chunk fails when the server is down)."""
    error = _error_text(exc)
    now = clock.now()
    limit = max_attempts()
    by_attempts: dict[int, list[int]] = {}
    for message in messages:
        by_attempts.setdefault(message.attempts, []).append(message.pk)
    outcomes = {}
    from notifications.tasks import deliver_messages as task

    for attempts, ids in sorted(by_attempts.items()):
        mine = Message.objects.filter(pk__in=ids, state=Message.State.SENDING)
        if attempts >= limit:
            mine.update(state=Message.State.FAILED, last_error=error)
            outcomes.update(dict.fromkeys(ids, "failed"))
            continue
        delay = retry_delay(attempts)
        mine.update(state=Message.State.PENDING, last_error=error, next_attempt_at=now + delay)
        outcomes.update(dict.fromkeys(ids, "retry"))
        try:
            task.apply_async([ids], countdown=delay.total_seconds())
        except Exception:
            log.warning("Could not schedule retry of messages %s", ids, exc_info=True)
    return [outcomes[m.pk] for m in messages]


retry_delay = outbox.retry_delay  # the name callers know


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
