"""Campaign reports falling due: 7 days and 1 day before, to the organisation's members; once
overdue, the day after the due date and then weekly. Registered with notifications' reminder
registry (beat's hourly "send-reminders"); the occasion in the dedupe key sends each once."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from campaigns.events import DUE, OVERDUE
from campaigns.models import TIME_ZONE, Campaign, CampaignReport
from campaigns.services import _context, members_by_organisation
from core import clock
from notifications.reminders import Reminder, register

DAYS_BEFORE = (7, 1)


def overdue_day(days_over: int) -> bool:
    """Days after the due date on which an unsent report is chased: the first, then weekly."""
    return days_over == 1 or (days_over > 0 and days_over % 7 == 0)


def _open_reports(**filters) -> list[CampaignReport]:
    return list(
        CampaignReport.objects.filter(
            campaign__state=Campaign.State.OPEN, state__in=CampaignReport.OPEN_STATES, **filters
        ).select_related("campaign", "organisation")
    )


@register
def campaign_due_reminders(now: datetime) -> Iterator[Reminder]:
    reports = _open_reports(
        state=CampaignReport.State.DUE,
        campaign__due_at__gt=now,
        campaign__due_at__lte=now + timedelta(days=max(DAYS_BEFORE) + 1),
    )
    members = members_by_organisation({r.organisation_id for r in reports})
    today = clock.local(now, TIME_ZONE).date()
    for report in reports:
        days = (clock.local(report.campaign.due_at, TIME_ZONE).date() - today).days
        if days not in DAYS_BEFORE or not members.get(report.organisation_id):
            continue
        yield Reminder(
            event=DUE.key,
            recipients=members[report.organisation_id],
            context={**_context(report), "days": str(days)},
            occasion=f"campaign-due-{days}d:report-{report.pk}",
        )


@register
def campaign_overdue_reminders(now: datetime) -> Iterator[Reminder]:
    reports = _open_reports(campaign__due_at__lt=now)
    members = members_by_organisation({r.organisation_id for r in reports})
    today = clock.local(now, TIME_ZONE).date()
    for report in reports:
        days = (today - clock.local(report.campaign.due_at, TIME_ZONE).date()).days
        if not overdue_day(days) or not members.get(report.organisation_id):
            continue
        yield Reminder(
            event=OVERDUE.key,
            recipients=members[report.organisation_id],
            context={**_context(report), "days": str(days)},
            occasion=f"campaign-overdue-{days}d:report-{report.pk}",
        )
