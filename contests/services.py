"""Writes of the contests app. Web views, the API and commands all call these."""

import copy
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from contests import events
from contests.form_templates import CASE_STRUCTURE
from contests.models import Contest, ContestPart, ContestRole, FormField
from core.fsm import apply_transition
from notifications.services import notify

Part = TypeVar("Part", bound=ContestPart)


def create_contest(*, by: User, classifiers=(), **fields: Any) -> Contest:
    """A new draft; its author becomes its first organiser."""
    with transaction.atomic():
        contest = Contest(created_by=by, **fields)
        contest.full_clean()
        contest.save()
        contest.classifiers.set(classifiers)
        ContestRole.objects.create(contest=contest, user=by, role=ContestRole.Role.ORGANISER, granted_by=by)
    return contest


def update_contest(contest: Contest, *, classifiers=None, **fields: Any) -> Contest:
    if contest.is_finished:
        raise ValidationError(_("This contest is finished and can no longer be changed."))
    with transaction.atomic():
        for name, value in fields.items():
            setattr(contest, name, value)
        contest.full_clean()
        contest.save()
        if classifiers is not None:
            contest.classifiers.set(classifiers)
    return contest


def save_part(part: Part, **fields: Any) -> Part:
    """Create or change a nomination, criterion or form field, refusing changes that
    would invalidate submitted work once the contest is published."""
    with transaction.atomic():
        # Lock the stored row so two organisers editing at once cannot interleave checks.
        before = type(part).objects.select_for_update().get(pk=part.pk) if part.pk else None
        candidate = copy.copy(part)
        for name, value in fields.items():
            setattr(candidate, name, value)
        candidate.full_clean()
        if problems := candidate.change_problems(before):
            raise ValidationError(problems)
        candidate.save()
    return candidate


def delete_part(part: ContestPart) -> None:
    if problems := part.delete_problems():
        raise ValidationError(problems)
    part.delete()


def grant_role(contest: Contest, *, user: User, role: str, by: User | None = None) -> ContestRole:
    contest_role, _created = ContestRole.objects.get_or_create(
        contest=contest, user=user, role=role, defaults={"granted_by": by}
    )
    return contest_role


def revoke_role(contest: Contest, *, user: User, role: str) -> None:
    if role == ContestRole.Role.ORGANISER and contest.roles.filter(role=role).exclude(user=user).count() == 0:
        raise ValidationError(_("A contest must keep at least one organiser."))
    ContestRole.objects.filter(contest=contest, user=user, role=role).delete()


# --- transitions: one service each, so callers never call the model's transition directly ---


def _contest_context(contest: Contest) -> dict[str, str]:
    return {
        "contest": contest.title,
        "link": settings.SITE_URL + reverse("contests:detail", args=[contest.pk]),
    }


def _people_of(contest: Contest, *roles: str) -> list[User]:
    return list(User.objects.filter(contest_roles__contest=contest, contest_roles__role__in=roles).distinct())


def publish_contest(contest: Contest, *, by: User, note: str = "") -> Contest:
    with transaction.atomic():
        apply_transition(contest, "publish", by=by, note=note)
        # Numeric, so it reads the same in every recipient's language.
        deadline = f"{contest.local(contest.closes_at):%d.%m.%Y %H:%M} ({contest.time_zone})"
        notify(
            events.PUBLISHED.key,
            _people_of(contest, ContestRole.Role.ORGANISER),
            {**_contest_context(contest), "deadline": deadline},
            dedupe_key=f"contest:{contest.pk}",
            scope=scope_of(contest),
        )
    return contest


def close_contest(contest: Contest, *, by: User, note: str = "", force: bool = False) -> Contest:
    return apply_transition(contest, "close", by=by, note=note, force=force)


def start_review(contest: Contest, *, by: User, note: str = "") -> Contest:
    return apply_transition(contest, "start_review", by=by, note=note)


def decide_contest(contest: Contest, *, by: User, note: str = "") -> Contest:
    return apply_transition(contest, "decide", by=by, note=note)


def announce_contest(contest: Contest, *, by: User, note: str = "") -> Contest:
    return apply_transition(contest, "announce", by=by, note=note)


def archive_contest(contest: Contest, *, by: User, note: str = "") -> Contest:
    return apply_transition(contest, "archive", by=by, note=note)


def cancel_contest(contest: Contest, *, by: User, note: str = "") -> Contest:
    with transaction.atomic():
        apply_transition(contest, "cancel", by=by, note=note)
        notify(
            events.CANCELLED.key,
            _people_of(contest, *ContestRole.Role.values),
            {**_contest_context(contest), "reason": note},
            dedupe_key=f"contest:{contest.pk}",
            scope=scope_of(contest),
        )
    return contest


def scope_of(contest: Contest) -> str:
    """The notifications scope of a contest: its outbox and template overrides."""
    return f"contest:{contest.pk}"


TRANSITION_SERVICES = {
    "publish": publish_contest,
    "close": close_contest,
    "start_review": start_review,
    "decide": decide_contest,
    "announce": announce_contest,
    "archive": archive_contest,
    "cancel": cancel_contest,
}


def delete_contest(contest: Contest) -> None:
    """Only a draft may be deleted; a published call is cancelled instead, to keep its history."""
    if contest.state != Contest.State.DRAFT:
        raise ValidationError(_("Only a draft can be deleted. Cancel a published contest instead."))
    contest.delete()


def add_case_structure(contest: Contest, *, by: User | None = None) -> list[FormField]:
    """Add the questions of the seeds' case structure the form does not have yet (by key).

    Idempotent: a second call adds nothing. In a draft the questions are added as the template
    says (most required); after publication only optional questions may be added, so they come
    optional. A finished contest refuses, like any change to its form.
    """
    if contest.is_finished:
        raise ValidationError(_("This contest is finished and can no longer be changed."))
    added = []
    with transaction.atomic():
        existing = set(FormField.objects.filter(contest=contest).values_list("key", flat=True))
        last = FormField.objects.filter(contest=contest).aggregate(last=Max("order"))["last"]
        order = 0 if last is None else last + 1
        for question in CASE_STRUCTURE:
            if question.key in existing:
                continue
            values = question.as_fields()
            if contest.is_structure_locked:
                values["required"] = False
            added.append(save_part(FormField(contest=contest, order=order), **values))
            order += 1
    return added
