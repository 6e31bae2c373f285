"""Reviews due: 3 days and 1 day before a round's due date, to jurors with unfinished reviews."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from accounts.models import User
from contests.services import scope_of
from notifications.reminders import Reminder, register
from review.events import DUE
from review.models import Review, Round

OCCASIONS = ((timedelta(days=1), "1d", 1), (timedelta(days=3), "3d", 3))


@register
def review_due_reminders(now: datetime) -> Iterator[Reminder]:
    soon = Round.objects.filter(
        state=Round.State.OPEN, due_at__gt=now, due_at__lte=now + OCCASIONS[-1][0]
    ).select_related("contest")
    for round_ in soon:
        left = round_.due_at - now
        _window, name, days = next(o for o in OCCASIONS if left <= o[0])
        unfinished = (
            Review.objects.filter(round=round_, state__in=Review.WRITABLE_STATES, juror__user__is_active=True)
            .values("juror__user")
            .annotate(count=Count("pk"))
            .order_by()
        )
        counts = {row["juror__user"]: row["count"] for row in unfinished}
        users = User.objects.in_bulk(list(counts))
        for user_id, count in counts.items():
            # One reminder per juror: the count is theirs.
            yield Reminder(
                event=DUE.key,
                recipients=[users[user_id]],
                context={
                    "contest": round_.contest.title,
                    "round": round_.title,
                    "due": round_.contest.moment_label(round_.due_at),
                    "count": str(count),
                    "days": str(days),
                    "link": settings.SITE_URL + reverse("review:queue"),
                },
                occasion=f"review-due-{name}:round-{round_.pk}",
                scope=scope_of(round_.contest),
            )
