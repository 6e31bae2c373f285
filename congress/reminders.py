"""Invitations waiting for an answer: the invited library's members are reminded when 3 days and
when 1 day or less are left before the deadline (counted in whole days, rounded up, so the hour
of the run does not matter), once each (the occasion is in the dedupe key).
The same hourly run first expires the invitations whose deadline passed (services.expire_overdue)."""

import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from accounts.models import Membership
from congress import services
from congress.events import ANSWER_DUE
from congress.models import Invitation
from notifications.reminders import Reminder, register

DAYS_BEFORE = (3, 1)


@register
def answer_due_reminders(now: datetime) -> Iterator[Reminder]:
    services.expire_overdue(now)
    invitations = list(
        Invitation.objects.filter(
            state=Invitation.State.INVITED,
            respond_by__gt=now,
            respond_by__lte=now + timedelta(days=max(DAYS_BEFORE)),
        ).select_related("event__contest", "practice", "organisation")
    )
    if not invitations:
        return
    members = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation__in={i.organisation_id for i in invitations}, user__is_active=True
    ).select_related("user"):
        members[membership.organisation_id].append(membership.user)
    for invitation in invitations:
        days = math.ceil((invitation.respond_by - now) / timedelta(days=1))
        if days not in DAYS_BEFORE or not members[invitation.organisation_id]:
            continue
        yield Reminder(
            event=ANSWER_DUE.key,
            recipients=members[invitation.organisation_id],
            context=services.reminder_context(invitation),
            occasion=f"congress-answer-due-{days}d:invitation-{invitation.pk}",
            scope=services.scope_of_event(invitation.event),
        )
