"""Writes of the congress app: events, invitations to present, answers, the programme's order.

Web pages, the API and the reminder sweep all call these; each runs in one transaction and tells
people through the outbox (notifications.notify), which sends after commit."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from congress import events as congress_events
from congress.models import Event, EventOrganiser, Invitation
from contests.models import Contest, ContestRole
from contests.services import scope_of
from core import clock
from core.exceptions import TransitionRefused
from depository.models import Practice
from notifications.services import notify, notify_many

EVENT_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "contest")


# --- who is told -------------------------------------------------------------------------------


def organisers_of(event: Event) -> list[User]:
    people = User.objects.filter(congress_roles__event=event)
    if event.contest_id:
        people = people | User.objects.filter(
            contest_roles__contest_id=event.contest_id, contest_roles__role=ContestRole.Role.ORGANISER
        )
    return list(people.filter(is_active=True).distinct().order_by("pk"))


def members_of(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=organisation_id, is_active=True).order_by("pk")
    )


def local_text(moment: datetime | None, event: Event) -> str:
    """A moment as the event's people read it (its zone), the same in every language."""
    return clock.local(moment, event.time_zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _context(invitation: Invitation, link: str) -> dict[str, Any]:
    event = invitation.event
    return {
        "event": event.title,
        "starts": local_text(event.starts_at, event),
        "place": event.place,
        "case": invitation.practice.title,
        "organisation": invitation.organisation.name,
        "respond_by": local_text(invitation.respond_by, event),
        "topic": invitation.topic,
        "link": link,
    }


def _library_link() -> str:
    return settings.SITE_URL + reverse("congress:invitations")


def _organiser_link(event: Event) -> str:
    return settings.SITE_URL + reverse("congress:event", args=[event.pk])


def scope_of_event(event: Event) -> str:
    """The notifications scope: the linked contest's (its outbox and template overrides)."""
    return scope_of(event.contest) if event.contest_id else ""


def reminder_context(invitation: Invitation) -> dict[str, Any]:
    return _context(invitation, _library_link())


# --- events ------------------------------------------------------------------------------------


def _check_event(fields: dict[str, Any], by: User, event: Event | None = None) -> None:
    starts = fields.get("starts_at", event.starts_at if event else None)
    ends = fields.get("ends_at", event.ends_at if event else None)
    if starts and ends and ends < starts:
        raise ValidationError({"ends_at": [_("The event cannot end before it starts.")]})
    contest: Contest | None = fields.get("contest")
    changed = contest is not None and (event is None or contest.pk != event.contest_id)
    if changed and not by.has_perm("contests.change_contest", contest):
        raise ValidationError({"contest": [_("Link only a contest you organise.")]})
    for name in ("title", "place"):
        if name in fields and not str(fields[name]).strip():
            raise ValidationError({name: [_("This field is required.")]})


def create_event(*, by: User, **fields: Any) -> Event:
    """A new event in draft; its creator organises it."""
    fields = {k: v for k, v in fields.items() if k in EVENT_FIELDS}
    _check_event(fields, by)
    with transaction.atomic():
        event = Event.objects.create(created_by=by, **fields)
        EventOrganiser.objects.create(event=event, user=by)
    return event


def update_event(event: Event, *, by: User, **fields: Any) -> Event:
    fields = {k: v for k, v in fields.items() if k in EVENT_FIELDS}
    _check_event(fields, by, event)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(event, name, value)
        event.save()
    return event


def delete_event(event: Event, *, by: User) -> None:
    """Only a draft goes; a published programme stays (finish it instead)."""
    if not event.is_draft:
        raise TransitionRefused([_("Only a draft event can be deleted.")])
    event.delete()


def publish_event(event: Event, *, by: User, note: str = "") -> Event:
    with transaction.atomic():
        if problems := event.publish_problems():
            raise TransitionRefused(problems)
        event.publish(by=by, description=note or None)
        event.save()
    return event


def unpublish_event(event: Event, *, by: User, note: str = "") -> Event:
    with transaction.atomic():
        event.unpublish(by=by, description=note or None)
        event.save()
    return event


def finish_event(event: Event, *, by: User, note: str = "") -> Event:
    with transaction.atomic():
        event.finish(by=by, description=note or None)
        event.save()
    return event


# --- invitations -------------------------------------------------------------------------------


def _check_deadline(event: Event, respond_by: datetime | None) -> None:
    if respond_by is None:
        raise ValidationError({"respond_by": [_("Set the deadline for an answer.")]})
    if respond_by <= clock.now():
        raise ValidationError({"respond_by": [_("The deadline for an answer must be in the future.")]})
    if respond_by > event.starts_at:
        raise ValidationError({"respond_by": [_("The deadline for an answer must come before the event.")]})


def invite(
    event: Event,
    practices: Iterable[Practice],
    *,
    by: User,
    respond_by: datetime | None,
    topic: str = "",
) -> list[Invitation]:
    """Invite the organisations behind these published cases; each case once per event."""
    practices = list(practices)
    if not practices:
        raise ValidationError({"practice": [_("Choose at least one case.")]})
    if event.state == Event.State.FINISHED:
        raise ValidationError(_("The event is finished: no more invitations."))
    _check_deadline(event, respond_by)
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()  # one numbering at a time
        unpublished = [p for p in practices if p.state != Practice.State.PUBLISHED]
        if unpublished:
            raise ValidationError({"practice": [_("Only published cases can be invited.")]})
        taken = set(event.invitations.filter(practice__in=practices).values_list("practice_id", flat=True))
        if taken:
            raise ValidationError({"practice": [_("This case is already invited to the event.")]})
        last = event.invitations.aggregate(last=Max("position"))["last"] or 0
        created = []
        for offset, practice in enumerate(practices, start=1):
            practice = Practice.objects.select_related("application").get(pk=practice.pk)
            created.append(
                Invitation.objects.create(
                    event=event,
                    practice=practice,
                    organisation_id=practice.application.organisation_id,
                    topic=topic.strip(),
                    respond_by=respond_by,
                    position=last + offset,
                    invited_by=by,
                )
            )
        link = _library_link()
        notify_many(
            congress_events.INVITED.key,
            [
                (members_of(i.organisation_id), _context(i, link), f"congress-invited:{i.pk}")
                for i in Invitation.objects.filter(pk__in=[i.pk for i in created]).select_related(
                    "event__contest", "practice", "organisation"
                )
            ],
            scope=scope_of_event(event),
        )
    return created


def update_invitation(invitation: Invitation, *, by: User, **fields: Any) -> Invitation:
    """Topic, time slot and (while unanswered) the deadline for an answer."""
    with transaction.atomic():
        if "respond_by" in fields and fields["respond_by"] != invitation.respond_by:
            if invitation.state != Invitation.State.INVITED:
                raise ValidationError({"respond_by": [_("The invitation is already answered.")]})
            _check_deadline(invitation.event, fields["respond_by"])
            invitation.respond_by = fields["respond_by"]
        if "topic" in fields:
            invitation.topic = (fields["topic"] or "").strip()
        if "slot_starts_at" in fields:
            invitation.slot_starts_at = fields["slot_starts_at"]
        invitation.save()
    return invitation


def _too_late(invitation: Invitation) -> None:
    """Checked on each answer: an invitation past its deadline expires (kept, even though the
    answer is refused) and the answer is refused."""
    if invitation.is_overdue:
        with transaction.atomic():
            invitation.expire(description=_("No answer before the deadline."))
            invitation.save()
        raise TransitionRefused([_("The deadline for an answer has passed.")])


def _tell_organisers(invitation: Invitation, answer: str, reason: str = "") -> None:
    event = invitation.event
    notify(
        congress_events.ANSWERED.key,
        organisers_of(event),
        {**_context(invitation, _organiser_link(event)), "answer": answer, "reason": reason},
        dedupe_key=f"congress-answered:{invitation.pk}:{invitation.state}",
        scope=scope_of_event(event),
    )


def confirm_invitation(invitation: Invitation, *, by: User, note: str = "") -> Invitation:
    _too_late(invitation)
    with transaction.atomic():
        invitation.confirm(by=by, description=note or None)
        invitation.answered_by = by
        invitation.save()
        _tell_organisers(invitation, _("confirmed"))
    return invitation


def decline_invitation(invitation: Invitation, *, by: User, reason: str) -> Invitation:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you decline.")]})
    _too_late(invitation)
    with transaction.atomic():
        invitation.decline(by=by, description=reason)
        invitation.answered_by = by
        invitation.decline_reason = reason
        invitation.save()
        _tell_organisers(invitation, _("declined"), reason)
    return invitation


def withdraw_invitation(invitation: Invitation, *, by: User, note: str = "") -> Invitation:
    with transaction.atomic():
        invitation.withdraw(by=by, description=note or None)
        invitation.save()
        notify(
            congress_events.WITHDRAWN.key,
            members_of(invitation.organisation_id),
            {**_context(invitation, _library_link()), "note": note},
            dedupe_key=f"congress-withdrawn:{invitation.pk}",
            scope=scope_of_event(invitation.event),
        )
    return invitation


def expire_overdue(now: datetime | None = None) -> int:
    """The sweep: every unanswered invitation past its deadline expires."""
    now = now or clock.now()
    count = 0
    for invitation in Invitation.objects.filter(state=Invitation.State.INVITED, respond_by__lte=now):
        with transaction.atomic():
            invitation.expire(description=_("No answer before the deadline."))
            invitation.save()
        count += 1
    return count


# --- the programme's order ---------------------------------------------------------------------


def reorder(event: Event, order: list[int], *, by: User) -> None:
    """Number the event's invitations in this order (ids); those not named keep theirs, after."""
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        invitations = {i.pk: i for i in event.invitations.all()}
        if unknown := [pk for pk in order if pk not in invitations]:
            raise ValidationError(
                {
                    "order": [
                        _("Not invitations of this event: %(ids)s") % {"ids": ", ".join(map(str, unknown))}
                    ]
                }
            )
        if len(set(order)) != len(order):
            raise ValidationError({"order": [_("Each invitation once.")]})
        rest = sorted(
            (i for pk, i in invitations.items() if pk not in order), key=lambda i: (i.position, i.pk)
        )
        sequence = [invitations[pk] for pk in order] + rest
        for position, invitation in enumerate(sequence, start=1):
            invitation.position = position
        Invitation.objects.bulk_update(sequence, ["position"])


def move(invitation: Invitation, *, by: User, up: bool) -> None:
    """One place earlier or later in the programme."""
    event = invitation.event
    ids = list(event.invitations.order_by("position", "pk").values_list("pk", flat=True))
    index = ids.index(invitation.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        reorder(event, ids, by=by)
