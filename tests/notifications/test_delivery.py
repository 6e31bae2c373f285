"""Delivery: pending → sending → sent, retries with exponential backoff, failed, resend."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction

from core import clock
from notifications import services
from notifications.models import Message
from tests.notifications.backends import FlakyBackend

pytestmark = pytest.mark.django_db

S = Message.State
REFUSING = "tests.notifications.backends.RefusingBackend"
FLAKY = "tests.notifications.backends.FlakyBackend"


def _write(addresses, *, scope="", key="k") -> list[int]:
    """Outbox rows without their commit hook: the test delivers them itself."""
    with transaction.atomic():
        batch = services.notify("test.hello", addresses, {"name": "x"}, dedupe_key=key, scope=scope)
    return services.pending_ids_of_batch(str(batch))


def test_each_message_goes_pending_sending_sent(mailoutbox, monkeypatch):
    ids = _write(["a@example.org", "b@example.org"])
    seen = []
    real_send = services.EmailMultiAlternatives

    class Watching(real_send):
        def message(self):
            # While the e-mail is on the wire its row is claimed by us.
            seen.append(Message.objects.get(email=self.to[0]).state)
            return super().message()

    monkeypatch.setattr(services, "EmailMultiAlternatives", Watching)
    assert set(Message.objects.values_list("state", flat=True)) == {S.PENDING}
    stats = services.deliver_messages(ids)
    assert stats == {"sent": 2, "failed": 0, "retry": 0, "skipped": 0}
    assert seen == [S.SENDING, S.SENDING]
    for message in Message.objects.all():
        assert (message.state, message.attempts, message.last_error) == (S.SENT, 1, "")
        assert message.sent_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    # Stable Message-ID: a resend would be recognisable by the receiving side.
    uuids = {str(m.uuid) for m in Message.objects.all()}
    assert {m.extra_headers["Message-ID"].strip("<>").split("@")[0] for m in mailoutbox} == uuids
    assert all(m.alternatives[0][1] == "text/html" for m in mailoutbox)


def test_running_delivery_twice_on_the_same_ids_sends_once(mailoutbox):
    ids = _write(["a@example.org", "b@example.org"])
    assert services.deliver_messages(ids)["sent"] == 2
    assert services.deliver_messages(ids) == {"sent": 0, "failed": 0, "retry": 0, "skipped": 2}
    assert len(mailoutbox) == 2


def test_smtp_failure_backs_off_exponentially_then_fails(settings, mailoutbox):
    settings.EMAIL_BACKEND = REFUSING
    [pk] = _write(["a@example.org"])
    delays = []
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for attempt in range(1, services.MAX_ATTEMPTS):
            assert services.deliver_messages([pk])["retry"] == 1
            message = Message.objects.get(pk=pk)
            assert message.state == S.PENDING
            assert message.attempts == attempt
            assert "ConnectionRefusedError: SMTP server said no" in message.last_error
            delays.append(message.next_attempt_at - clock.now())
            assert delays[-1] == services.retry_delay(attempt)
            # Not due yet: a second worker (or an early redelivery) does not retry it.
            assert services.deliver_messages([pk])["skipped"] == 1
            traveller.shift(delays[-1])
        assert services.deliver_messages([pk])["failed"] == 1
    assert [d.total_seconds() for d in delays] == [30, 60, 120, 240, 480]
    message = Message.objects.get(pk=pk)
    assert (message.state, message.attempts) == (S.FAILED, services.MAX_ATTEMPTS)
    assert "SMTP server said no" in message.last_error
    # Failed is final for the workers: only an organiser's resend brings it back.
    assert services.deliver_messages([pk])["skipped"] == 1
    assert mailoutbox == []


def test_one_bad_address_does_not_fail_the_rest_of_the_chunk(settings, mailoutbox, monkeypatch):
    settings.EMAIL_BACKEND = FLAKY
    monkeypatch.setattr(FlakyBackend, "refuse", {"b@example.org"})
    ids = _write(["a@example.org", "b@example.org", "c@example.org"])
    assert services.deliver_messages(ids) == {"sent": 2, "failed": 0, "retry": 1, "skipped": 0}
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "c@example.org"]
    assert Message.objects.get(email="b@example.org").state == S.PENDING


def test_resend_failed_puts_a_scopes_failed_messages_back_once(settings, committed, mailoutbox):
    settings.EMAIL_BACKEND = REFUSING
    ids = _write(["a@example.org", "b@example.org"], scope="contest:1")
    [other] = _write(["c@example.org"], scope="contest:2")
    Message.objects.update(attempts=services.MAX_ATTEMPTS - 1)
    services.deliver_messages([*ids, other])
    assert set(Message.objects.values_list("state", flat=True)) == {S.FAILED}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with committed():
        assert services.resend_failed(scope="contest:1") == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    assert Message.objects.get(pk=other).state == S.FAILED
    for message in Message.objects.filter(pk__in=ids):
        assert (message.state, message.attempts, message.last_error) == (S.SENT, 1, "")
    # A second resend finds nothing failed and sends nothing.
    with committed():
        assert services.resend_failed(scope="contest:1") == 0
        services.deliver_messages(ids)
    assert len(mailoutbox) == 2


def test_resend_failed_can_pick_messages(settings, committed, mailoutbox):
    ids = _write(["a@example.org", "b@example.org"], scope="s")
    Message.objects.filter(pk__in=ids).update(state=S.FAILED, attempts=services.MAX_ATTEMPTS)
    chosen = Message.objects.get(email="a@example.org").pk
    with committed():
        assert services.resend_failed(scope="s", ids=[chosen]) == 1
    assert [m.to[0] for m in mailoutbox] == ["a@example.org"]
    assert Message.objects.get(email="b@example.org").state == S.FAILED


def test_retry_delay_doubles():
    assert [services.retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
    ]


def test_a_slow_server_gives_back_the_rest_of_the_chunk_before_the_lease(settings, mailoutbox, monkeypatch):
    """The chunk is claimed at once; what is not sent by half the lease goes back to pending."""
    from tests.notifications.backends import SlowBackend

    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowBackend"
    ids = _write(["a@example.org", "b@example.org", "c@example.org"])
    with time_machine.travel(clock.now(), tick=False) as traveller:
        slow = iter([services.SENDING_LEASE / 2 + timedelta(seconds=1)])
        monkeypatch.setattr(SlowBackend, "before_send", staticmethod(lambda: traveller.shift(next(slow, 0))))
        # One sent; two given back and queued again (eager here), then sent by that task.
        assert services.deliver_messages(ids) == {"sent": 1, "failed": 0, "retry": 0, "skipped": 2}
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org", "c@example.org"]
    for message in Message.objects.all():
        assert (message.state, message.attempts) == (S.SENT, 1)
