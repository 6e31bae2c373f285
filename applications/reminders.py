"""Deadline reminders: 7 days and 1 day before, to members of organisations holding drafts; and a
day before a returned application's own correction deadline, to its organisation's members."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from applications.events import CORRECTION_DUE, DEADLINE
from applications.models import Application
from contests.models import Contest
from contests.services import scope_of
from notifications.reminders import Reminder, register

OCCASIONS = ((timedelta(days=1), "1d", 1), (timedelta(days=7), "7d", 7))


@register
def deadline_reminders(now: datetime) -> Iterator[Reminder]:
    soon = Contest.objects.filter(
        state=Contest.State.PUBLISHED, closes_at__gt=now, closes_at__lte=now + timedelta(days=7)
    )
    for contest in soon:
        left = contest.closes_at - now
        _window, name, days = next(o for o in OCCASIONS if left <= o[0])
        holders = (
            Application.objects.filter(contest=contest, state__in=Application.EDITABLE_STATES)
            # A returned application with a later deadline of its own gets its own reminder.
            .exclude(state=Application.State.RETURNED, correct_by__gt=contest.closes_at)
            .values("organisation")
        )
        people = list(User.objects.filter(memberships__organisation__in=holders, is_active=True).distinct())
        if not people:
            continue
        yield Reminder(
            event=DEADLINE.key,
            recipients=people,
            context={
                "contest": contest.title,
                "deadline": contest.moment_label(contest.closes_at),
                "days": str(days),
                "link": settings.SITE_URL + reverse("contests:detail", args=[contest.pk]),
            },
            occasion=f"deadline-{name}:contest-{contest.pk}",
            scope=scope_of(contest),
        )


CORRECTION_WINDOW = timedelta(days=1)


@register
def correction_reminders(now: datetime) -> Iterator[Reminder]:
    """Once per return (its deadline names the occasion: a second return reminds again)."""
    due = (
        Application.objects.filter(
            state=Application.State.RETURNED,
            correct_by__gt=now,
            correct_by__lte=now + CORRECTION_WINDOW,
            contest__state__in=Application.RETURNABLE_CONTEST_STATES,
        )
        .select_related("contest", "organisation")
        .order_by("correct_by", "pk")
    )
    for application in due:
        people = list(
            User.objects.filter(memberships__organisation=application.organisation_id, is_active=True)
        )
        if not people:
            continue
        contest = application.contest
        yield Reminder(
            event=CORRECTION_DUE.key,
            recipients=people,
            context={
                "contest": contest.title,
                "application": application.title,
                "number": application.number,
                "organisation": application.organisation.name,
                "note": application.screening_note,
                "deadline": contest.moment_label(application.correct_by),
                "link": settings.SITE_URL + reverse("applications:detail", args=[application.pk]),
            },
            occasion=f"correction-1d:application-{application.pk}:{int(application.correct_by.timestamp())}",
            scope=scope_of(contest),
        )
