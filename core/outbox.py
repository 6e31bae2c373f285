"""What the outboxes share (e-mail messages in notifications, webhook deliveries in webhooks): a row
is written in the transaction that decided to send it, then claimed by exactly one worker and
retried with backoff. Their models have `state` (PENDING, SENDING, …), `next_attempt_at`,
`claimed_at` and `attempts`."""

from datetime import timedelta

from django.db.models import F, Model, Q

from core import clock


def claim(model: type[Model], pk: int) -> bool:
    """pending → sending for exactly one worker: the UPDATE's condition is the lock."""
    now = clock.now()
    return bool(
        model.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=pk,
            state=model.State.PENDING,
        ).update(state=model.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min, 8 min…"""
    return timedelta(seconds=30 * 2 ** max(attempts - 1, 0))
