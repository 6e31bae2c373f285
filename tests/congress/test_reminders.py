"""Reminders before the deadline for an answer (once each), and the sweep that expires."""

from datetime import timedelta

import pytest
import time_machine

from congress.models import Invitation
from congress.reminders import answer_due_reminders
from core import clock
from notifications.models import Message
from notifications.reminders import run_all

pytestmark = pytest.mark.django_db


def _reminders(user) -> int:
    return Message.objects.filter(
        event="congress.answer_due", user=user, channel=Message.Channel.INAPP
    ).count()


def test_reminded_three_days_and_one_day_before_once_each(make_case, invite):
    case = make_case()
    invitation = invite(case, days=10)
    run_all()
    assert _reminders(case.member) == 0  # ten days left: nothing yet
    with time_machine.travel(invitation.respond_by - timedelta(days=3, hours=-1)):
        run_all()
        run_all()  # beat firing twice sends nothing twice
    assert _reminders(case.member) == 1
    with time_machine.travel(invitation.respond_by - timedelta(hours=20)):
        run_all()
    assert _reminders(case.member) == 2


def test_answered_invitations_are_not_reminded(api, make_case, invite):
    case = make_case()
    invitation = invite(case, days=10)
    api(case.member).post(f"/api/v1/congress-invitations/{invitation.pk}/confirm/", {})
    with time_machine.travel(invitation.respond_by - timedelta(hours=20)):
        assert list(answer_due_reminders(clock.now())) == []


def test_the_sweep_expires_invitations_past_their_deadline(make_case, invite):
    late, in_time = make_case(), make_case()
    overdue = invite(late, days=2)
    waiting = invite(in_time, days=10)
    with time_machine.travel(clock.now() + timedelta(days=3)):
        run_all()
    overdue.refresh_from_db()
    waiting.refresh_from_db()
    assert overdue.state == Invitation.State.EXPIRED
    assert waiting.state == Invitation.State.INVITED
    assert _reminders(late.member) == 0
