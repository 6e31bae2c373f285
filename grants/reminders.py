"""Grant reports falling due: 7 days and 1 day before, to the grantee's members; once overdue,
the day after the due date and then weekly, to the grantee and, as one list, to each grant
officer. Registered with notifications' reminder registry, so beat's hourly "send-reminders"
runs it; the occasion in the dedupe key sends each reminder once per recipient even when beat
fires again."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings

from accounts.models import Membership, User
from contests.models import ContestRole
from contests.services import scope_of
from core import clock
from core.formats import date_value
from grants.events import REPORT_DUE, REPORT_OVERDUE, REPORTS_OVERDUE
from grants.models import Grant, GrantReport
from notifications.reminders import Reminder, register

DAYS_BEFORE = (7, 1)


def overdue_reminder_day(days_over: int) -> bool:
    """Days after the due date on which an overdue report is chased: the first, then weekly."""
    return days_over == 1 or (days_over > 0 and days_over % 7 == 0)


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
                "due": date_value(report.due_on),
                "days": str(days),
                "link": settings.SITE_URL + f"/grants/{grant.pk}/",
            },
            occasion=f"grant-report-due-{days}d:report-{report.pk}",
            scope=scope_of(grant.contest),
        )


@register
def report_overdue_reminders(now: datetime) -> Iterator[Reminder]:
    """Overdue reports: the grantee is reminded on the chasing days; each grant officer gets ONE
    list of every overdue report of their contests on a day when any of them is chased."""
    reports = list(
        GrantReport.objects.filter(
            state__in=GrantReport.OPEN_STATES,
            grant__state__in=(Grant.State.AGREEMENT_SIGNED, Grant.State.ACTIVE),
            due_on__lt=now.date() + timedelta(days=1),  # the contest's date decides below
        )
        .select_related("grant__contest", "grant__application__organisation")
        .order_by("due_on", "pk")
    )
    overdue = []
    for report in reports:
        today = clock.local(now, report.grant.contest.time_zone).date()
        days = (today - report.due_on).days
        if days > 0:
            overdue.append((report, days))
    if not overdue:
        return
    members = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation__in={r.grant.application.organisation_id for r, _d in overdue}, user__is_active=True
    ).select_related("user"):
        members[membership.organisation_id].append(membership.user)
    chased_contests = set()
    for report, days in overdue:
        if not overdue_reminder_day(days):
            continue
        grant = report.grant
        chased_contests.add(grant.contest_id)
        if not members[grant.application.organisation_id]:
            continue
        yield Reminder(
            event=REPORT_OVERDUE.key,
            recipients=members[grant.application.organisation_id],
            context={**_report_context(report), "days": str(days)},
            occasion=f"grant-report-overdue-{days}d:report-{report.pk}",
            scope=scope_of(grant.contest),
        )
    if not chased_contests:
        return
    officers: dict[int, set[int]] = defaultdict(set)
    for contest_id, user_pk in ContestRole.objects.filter(
        role=ContestRole.Role.GRANT_OFFICER,
        contest_id__in={r.grant.contest_id for r, _d in overdue},
        user__is_active=True,
    ).values_list("contest_id", "user_id"):
        officers[user_pk].add(contest_id)
    users = {u.pk: u for u in User.objects.filter(pk__in=officers)}
    for user_pk, contest_ids in sorted(officers.items()):
        if not contest_ids & chased_contests:
            continue  # none of this officer's reports is chased today: no list
        mine = [(r, d) for r, d in overdue if r.grant.contest_id in contest_ids]
        yield Reminder(
            event=REPORTS_OVERDUE.key,
            recipients=[users[user_pk]],
            context={
                "count": len(mine),
                "reports": [{**_report_context(r), "days": str(d)} for r, d in mine],
                "link": settings.SITE_URL + "/grants/",
            },
            occasion=f"grant-reports-overdue:{now.date().isoformat()}:officer-{user_pk}",
        )


def _report_context(report: GrantReport) -> dict:
    grant = report.grant
    return {
        "contest": grant.contest.title,
        "application": grant.application.title,
        "organisation": grant.application.organisation.name,
        "kind": str(report.get_kind_display()),
        "due": date_value(report.due_on),
        "link": settings.SITE_URL + f"/grants/{grant.pk}/",
    }
