"""Reminders of the plan's activities: before the deadline and once late, each once."""

from datetime import date

import pytest

from notifications.models import Message
from notifications.reminders import run_all
from tests.workplan.conftest import activity

pytestmark = pytest.mark.django_db


def inbox(user, event: str) -> list[Message]:
    return list(Message.objects.filter(user=user, event=event, channel=Message.Channel.INAPP))


def test_activity_due_and_late_reminders_once(world, active, time_machine):
    a = activity(active, world.member, deadline=date(2025, 5, 20))
    time_machine.move_to("2025-05-13 08:00Z")  # 7 days before
    run_all()
    run_all()
    [due] = inbox(world.member, "grants.activity_due")
    assert due.context["activity"] == a.title and due.context["days"] == "7"
    assert not inbox(world.officer, "grants.activity_due")
    time_machine.move_to("2025-05-21 08:00Z")  # the day after: late
    run_all()
    run_all()
    [late] = inbox(world.member, "grants.activity_late")
    assert late.context["days"] == "1"
    time_machine.move_to("2025-05-23 08:00Z")  # not a chasing day
    run_all()
    assert len(inbox(world.member, "grants.activity_late")) == 1


def test_done_activity_is_not_chased(world, active, time_machine):
    from grants.services import work_plan

    a = activity(active, world.member, deadline=date(2025, 5, 20))
    work_plan.complete_activity(a, by=world.member, note="Зроблено")
    time_machine.move_to("2025-05-21 08:00Z")
    run_all()
    assert not inbox(world.member, "grants.activity_late")
