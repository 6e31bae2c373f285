"""Reminders of the work plan's activities, to the grantee's members: 7 days and 1 day before the
deadline, and once late the day after it and then weekly (as the reports are chased). The
occasion in the dedupe key sends each once per recipient even when beat fires again."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import Membership
from contests.services import scope_of
from core import clock
from core.formats import date_value
from grants.models import Grant, PlanActivity
from grants.reminders import DAYS_BEFORE, overdue_reminder_day
from grants.workplan_events import ACTIVITY_DUE, ACTIVITY_LATE
from notifications.reminders import Reminder, register


def _context(activity: PlanActivity, days: int) -> dict:
    grant = activity.grant
    return {
        "contest": grant.contest.title,
        "application": grant.application.title,
        "organisation": grant.application.organisation.name,
        "activity": activity.title,
        "responsible": activity.responsible,
        "deadline": date_value(activity.deadline),
        "days": str(days),
        "link": settings.SITE_URL + f"/grants/{grant.pk}/plan/",
    }


@register
def activity_reminders(now: datetime) -> Iterator[Reminder]:
    utc_today = now.date()
    # A day either side covers every time zone; the contest's own date decides below.
    activities = list(
        PlanActivity.objects.filter(
            state__in=PlanActivity.OPEN_STATES,
            grant__state__in=(Grant.State.AGREEMENT_SIGNED, Grant.State.ACTIVE),
            deadline__lte=utc_today + timedelta(days=max(DAYS_BEFORE) + 1),
        )
        .select_related("grant__contest", "grant__application__organisation")
        .order_by("deadline", "pk")
    )
    members = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation__in={a.grant.application.organisation_id for a in activities}, user__is_active=True
    ).select_related("user"):
        members[membership.organisation_id].append(membership.user)
    for activity in activities:
        grant = activity.grant
        recipients = members[grant.application.organisation_id]
        if not recipients:
            continue
        days = (activity.deadline - clock.local(now, grant.contest.time_zone).date()).days
        if days in DAYS_BEFORE:
            event, occasion = ACTIVITY_DUE.key, f"plan-activity-due-{days}d:activity-{activity.pk}"
        elif days < 0 and overdue_reminder_day(-days):
            days = -days
            event, occasion = ACTIVITY_LATE.key, f"plan-activity-late-{days}d:activity-{activity.pk}"
        else:
            continue
        yield Reminder(
            event=event,
            recipients=recipients,
            context=_context(activity, days),
            occasion=occasion,
            scope=scope_of(grant.contest),
        )
