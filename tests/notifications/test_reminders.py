"""Reminders: beat may fire twice; each recipient gets one message per occasion."""

import pytest

from notifications import reminders, tasks
from notifications.models import Message
from notifications.reminders import Reminder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_running_reminders_twice_sends_each_once(no_providers, committed, mailoutbox):
    first, second = UserFactory(), UserFactory()
    calls = []

    @reminders.register
    def deadline_in_a_week(now):
        calls.append(now)
        yield Reminder("test.hello", [first, second], {"name": "x"}, occasion="deadline-7d:contest-1")

    reminders.register(deadline_in_a_week)  # registering twice keeps one provider
    with committed():
        assert reminders.run_all() == 1
    with committed():
        assert tasks.send_reminders.delay().get() == 1  # beat fired again
    assert len(calls) == 2
    for user in (first, second):
        assert Message.objects.filter(user=user, channel=Message.Channel.EMAIL).count() == 1
        assert Message.objects.filter(user=user, channel=Message.Channel.INAPP).count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.email, second.email])
    assert set(Message.objects.values_list("dedupe_key", flat=True)) == {"reminder:deadline-7d:contest-1"}


def test_a_new_occasion_is_a_new_message(no_providers, committed, mailoutbox):
    user = UserFactory()
    occasions = ["deadline-7d:contest-1"]

    @reminders.register
    def provider(now):
        for occasion in occasions:
            yield Reminder("test.hello", [user], {"name": "x"}, occasion=occasion, scope="contest:1")

    with committed():
        reminders.run_all()
    occasions.append("deadline-1d:contest-1")
    with committed():
        reminders.run_all()
    assert len(mailoutbox) == 2
    assert set(Message.objects.values_list("scope", flat=True)) == {"contest:1"}


def test_a_failing_provider_does_not_lose_the_reminders_already_written(no_providers, committed):
    user = UserFactory()

    @reminders.register
    def provider(now):
        yield Reminder("test.hello", [user], {"name": "x"}, occasion="a")
        raise RuntimeError("provider broke")

    with committed(), pytest.raises(RuntimeError):
        reminders.run_all()
    assert Message.objects.filter(dedupe_key="reminder:a").count() == 2
