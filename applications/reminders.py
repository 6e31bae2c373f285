"""Deadline reminders: 7 days and 1 day before, to members of organisations holding drafts."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from applications.events import DEADLINE
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
        holders = Application.objects.filter(contest=contest, state__in=Application.EDITABLE_STATES).values(
            "organisation"
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
