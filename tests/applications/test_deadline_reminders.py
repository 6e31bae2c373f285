"""Deadline reminders go to organisations holding drafts, 7 days and 1 day before, once each."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from applications import services
from notifications import reminders
from notifications.models import Message
from tests.factories import MembershipFactory


def _draft(contest, user):
    organisation = user.organisations.first()
    return services.start_application(
        organisation=organisation,
        contest=contest,
        nomination=contest.nominations.first(),
        title="Чернетка",
        by=user,
    )


def _reminders_to(user):
    return Message.objects.filter(event="applications.deadline", user=user, channel=Message.Channel.EMAIL)


def test_seven_days_then_one_day_once_each(published_contest, applicant):
    colleague = MembershipFactory(organisation=applicant.organisations.get()).user
    _draft(published_contest, applicant)
    deadline = published_contest.closes_at
    with time_machine.travel(deadline - timedelta(days=6), tick=False):
        reminders.run_all()
        reminders.run_all()  # beat fired twice
    assert _reminders_to(applicant).count() == 1
    assert _reminders_to(colleague).count() == 1
    with time_machine.travel(deadline - timedelta(hours=20), tick=False):
        reminders.run_all()
        reminders.run_all()
    assert _reminders_to(applicant).count() == 2
    occasions = set(_reminders_to(applicant).values_list("dedupe_key", flat=True))
    assert {k.split(":")[1] for k in occasions} == {"deadline-7d", "deadline-1d"}


def test_no_reminder_for_submitted_or_far_deadlines(published_contest, applicant, organiser):
    app = _draft(published_contest, applicant)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        reminders.run_all()  # the deadline is still weeks away
    assert not _reminders_to(applicant).exists()
    question = published_contest.form_fields.get()
    services.save_answers(app, answers={question.key: "Готово"}, by=applicant)
    services.submit_application(app, by=applicant)
    with time_machine.travel(published_contest.closes_at - timedelta(days=2), tick=False):
        reminders.run_all()
    assert not _reminders_to(applicant).exists()
