"""Grant reports falling due: 7 days and 1 day before, to the grantee's members. Registered with
notifications' reminder registry, so beat's hourly "send-reminders" runs it; the occasion in
the dedupe key sends each reminder once per recipient even when beat fires again."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import Membership
from contests.services import scope_of
from core import clock
from grants.events import REPORT_DUE
from grants.models import Grant, GrantReport
from notifications.reminders import Reminder, register

DAYS_BEFORE = (7, 1)


@register
def report_due_reminders(now: datetime) -> Iterator[Reminder]:
    utc_today = now.date()
    # A day either side covers every time zone; the contest's own date decides below.
    reports = list(
        GrantReport.objects.filter(
            state__in=GrantReport.OPEN_STATES,
            grant__state__in=(Grant.State.AGREEMENT_SIGNED, Grant.State.ACTIVE),
            due_on__gte=utc_today,
            due_on__lte=utc_today + timedelta(days=max(DAYS_BEFORE) + 1),
        ).select_related("grant__contest", "grant__application__organisation")
    )
    members = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation__in={r.grant.application.organisation_id for r in reports}, user__is_active=True
    ).select_related("user"):
        members[membership.organisation_id].append(membership.user)
    for report in reports:
        grant = report.grant
        today = clock.local(now, grant.contest.time_zone).date()
        days = (report.due_on - today).days
        if days not in DAYS_BEFORE or not members[grant.application.organisation_id]:
            continue
        yield Reminder(
            event=REPORT_DUE.key,
            recipients=members[grant.application.organisation_id],
            context={
                "contest": grant.contest.title,
                "application": grant.application.title,
                "organisation": grant.application.organisation.name,
                "kind": str(report.get_kind_display()),
                "due": report.due_on.strftime("%d.%m.%Y"),
                "days": str(days),
                "link": settings.SITE_URL + f"/grants/{grant.pk}/",
            },
            occasion=f"grant-report-due-{days}d:report-{report.pk}",
            scope=scope_of(grant.contest),
        )
