"""The sweeper: what a dead worker or an unreachable broker left behind goes out, once."""

import pytest
import time_machine
from django.db import transaction

from core import clock
from notifications import services, tasks
from notifications.models import Message

pytestmark = pytest.mark.django_db

S = Message.State


def _write(addresses, key="k") -> list[int]:
    """Outbox rows whose commit hook never ran (as if the broker had been down)."""
    with transaction.atomic():
        batch = services.notify("test.hello", addresses, {"name": "x"}, dedupe_key=key)
    return services.pending_ids_of_batch(str(batch))


def test_a_claim_abandoned_by_a_dead_worker_is_reclaimed_after_the_lease(mailoutbox):
    _write(["dead@example.org", "alive@example.org"])
    pk = Message.objects.get(email="dead@example.org").pk
    start = clock.now()
    with time_machine.travel(start, tick=False) as traveller:
        # A worker claims the message and dies before sending it.
        assert services._claim(pk) is not None
        assert Message.objects.get(pk=pk).state == S.SENDING
        # Within the lease the claim is respected: the worker may just be slow.
        traveller.shift(services.SENDING_LEASE - services.PENDING_GRACE)
        assert services.sweep() == {"reclaimed": 0, "enqueued": 1}  # only the other, unclaimed row
        assert Message.objects.get(pk=pk).state == S.SENDING
        assert [m.to for m in mailoutbox] == [["alive@example.org"]]

        traveller.shift(services.PENDING_GRACE + services.PENDING_GRACE)
        assert services.sweep() == {"reclaimed": 1, "enqueued": 1}
        message = Message.objects.get(pk=pk)
        assert (message.state, message.attempts) == (S.SENT, 2)
        # Nothing left behind: a later sweep sends nothing more.
        traveller.shift(services.SENDING_LEASE * 2)
        assert services.sweep() == {"reclaimed": 0, "enqueued": 0}
    assert sorted(m.to[0] for m in mailoutbox) == ["alive@example.org", "dead@example.org"]
    assert Message.objects.get(email="alive@example.org").attempts == 1


def test_pending_messages_past_the_grace_period_are_enqueued_fresh_ones_are_not(mailoutbox):
    with time_machine.travel(clock.now(), tick=False) as traveller:
        _write(["old@example.org"], key="old")
        traveller.shift(services.PENDING_GRACE)
        _write(["fresh@example.org"], key="fresh")
        traveller.shift(services.PENDING_GRACE / 2)
        # The fresh row's own commit hook is still expected to enqueue it.
        assert services.sweep() == {"reclaimed": 0, "enqueued": 1}
        assert [m.to for m in mailoutbox] == [["old@example.org"]]
        assert Message.objects.get(email="fresh@example.org").state == S.PENDING
        traveller.shift(services.PENDING_GRACE)
        assert tasks.sweep_outbox.delay().get() == {"reclaimed": 0, "enqueued": 1}
    assert sorted(m.to[0] for m in mailoutbox) == ["fresh@example.org", "old@example.org"]


def test_the_sweeper_leaves_retries_until_they_are_due(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    with time_machine.travel(clock.now(), tick=False) as traveller:
        [pk] = _write(["a@example.org"])
        traveller.shift(services.PENDING_GRACE * 2)
        services.deliver_messages([pk])
        due = Message.objects.get(pk=pk).next_attempt_at
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        traveller.shift(services.retry_delay(1) / 2)
        assert services.sweep()["enqueued"] == 0
        traveller.move_to(due)
        assert services.sweep()["enqueued"] == 1
    assert Message.objects.get(pk=pk).state == S.SENT
    assert len(mailoutbox) == 1


def test_in_app_messages_are_never_swept(mailoutbox):
    from tests.factories import UserFactory

    with transaction.atomic():
        services.notify("test.hello", [UserFactory()], {"name": "x"}, dedupe_key="k")
    Message.objects.filter(channel=Message.Channel.EMAIL).delete()
    with time_machine.travel(clock.now() + services.SENDING_LEASE * 2):
        assert services.sweep() == {"reclaimed": 0, "enqueued": 0}
    assert mailoutbox == []
