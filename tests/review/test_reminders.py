"""Reviews due: 3 days and 1 day before the round's due date, to jurors with unfinished
reviews, once per juror and occasion even if beat fires twice."""

from datetime import timedelta

import pytest
import time_machine

from notifications import reminders
from notifications.models import Message
from review import services

pytestmark = pytest.mark.django_db


def _due_to(user):
    return Message.objects.filter(event="review.due", user=user, channel=Message.Channel.EMAIL)


def test_jurors_with_unfinished_reviews_are_reminded_once_per_occasion(jury):
    busy, done, idle = jury.jurors[1], jury.jurors[2], jury.jurors[3]
    jury.assign(busy, jury.applications[1])
    jury.assign(busy, jury.applications[2])
    finished = jury.assign(done, jury.applications[2])
    services.save_scores(
        finished, by=done.user, scores={jury.impact.pk: {"value": 5}, jury.method.pk: {"value": 5}}
    )
    services.submit_review(finished, by=done.user)
    due = jury.round.due_at
    with time_machine.travel(due - timedelta(days=2), tick=False):
        reminders.run_all()
        reminders.run_all()  # beat fired twice
    assert _due_to(busy.user).count() == 1
    assert "2" in _due_to(busy.user).get().context["count"]
    assert not _due_to(done.user).exists() and not _due_to(idle.user).exists()
    with time_machine.travel(due - timedelta(hours=12), tick=False):
        reminders.run_all()
        reminders.run_all()
    assert _due_to(busy.user).count() == 2


def test_no_reminder_for_a_closed_round_or_a_far_due_date(jury):
    jury.assign(jury.jurors[1], jury.applications[1])
    with time_machine.travel(jury.round.due_at - timedelta(days=4), tick=False):
        reminders.run_all()
    services.close_round(jury.round, by=jury.organiser)
    with time_machine.travel(jury.round.due_at - timedelta(days=1), tick=False):
        reminders.run_all()
    assert not _due_to(jury.jurors[1].user).exists()
