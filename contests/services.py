"""Writes of the contests app. Web views, the API and commands all call these."""

import copy
import re
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from contests import events
from contests.form_templates import CASE_STRUCTURE
from contests.models import Contest, ContestPart, ContestRole, FormField
from core import versioning
from core.fsm import apply_transition
from notifications.models import TemplateOverride
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


# A database trigger of a higher layer (grants, migration 0003) refuses to lower a contest's
# grant budget below what its grants committed; its message starts with this marker, copied
# there as a literal. Contests knows only the marker, never the grants.
BUDGET_BELOW_COMMITTED = "contest_budget_covers_grants"


def budget_refusal(error: DatabaseError) -> ValidationError | None:
    """The field error for a database refusal of the budget floor; None for any other error."""
    if BUDGET_BELOW_COMMITTED in str(error):
        return ValidationError(
            {"grant_budget": _("The grant budget cannot be lower than the grants already committed.")}
        )
    return None


def update_contest(
    contest: Contest, *, classifiers=None, version: int | None = None, **fields: Any
) -> Contest:
    """`version`, the one the page loaded: if the contest was saved since, StaleVersion
    (core.versioning) and nothing changes; None: no check."""
    if contest.is_finished:
        raise ValidationError(_("This contest is finished and can no longer be changed."))
    try:
        with transaction.atomic():
            if version is not None:
                locked = (
                    Contest.objects.select_for_update().only("version", "field_versions").get(pk=contest.pk)
                )
                versioning.check(locked, version)
            for name, value in fields.items():
                setattr(contest, name, value)
            contest.full_clean()
            contest.save()
            if classifiers is not None:
                contest.classifiers.set(classifiers)
    except DatabaseError as error:
        if (refusal := budget_refusal(error)) is not None:
            raise refusal from None
        raise
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
        deadline = contest.moment_label(contest.closes_at)
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


# --- next year's contest from this year's ----------------------------------------------------

CLONED_FIELDS = (
    "summary",
    "regulations",
    "conditions",
    "time_zone",
    "max_winners",
    "max_upload_mb",
    "grace_minutes",
    "blind_review",
    "conflict_same_region",
    "grant_budget",
    "currency",
)
DATE_FIELDS = ("opens_at", "closes_at", "review_ends_at", "announce_at")
# What a copied nomination, criterion or form field does not take from its original.
NOT_COPIED = {"id", "contest", "nomination", "created_at", "updated_at"}
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def shift_by_years(moment: datetime | None, years: int, zone: str) -> datetime | None:
    """The same wall-clock time in `zone`, `years` later (29 February becomes 28 February)."""
    if moment is None:
        return None
    local = moment.astimezone(ZoneInfo(zone))
    try:
        shifted = local.replace(year=local.year + years)
    except ValueError:
        shifted = local.replace(year=local.year + years, day=28)
    return shifted.astimezone(UTC)


def suggested_title(source: Contest, shift_years: int = 1) -> str:
    """Every year in the title moved on by `shift_years`; without one, the title marked a copy."""
    title = YEAR.sub(lambda year: str(int(year.group()) + shift_years), source.title)
    if title == source.title:
        suffix = " " + _("(copy)")
        title = source.title[: Contest._meta.get_field("title").max_length - len(suffix)] + suffix
    return title


def _copy_parts(rows, contest: Contest, nominations: dict[int, Any]) -> dict[int, Any]:
    """Copies of nominations, criteria or form fields in `contest`, by the original's pk."""
    copies = {}
    for row in rows:
        values = {
            field.name: copy.deepcopy(getattr(row, field.attname))
            for field in row._meta.concrete_fields
            if field.name not in NOT_COPIED
        }
        if hasattr(row, "nomination_id"):
            values["nomination"] = nominations.get(row.nomination_id)
        copies[row.pk] = save_part(type(row)(contest=contest), **values)
    return copies


def clone_contest(
    source: Contest, *, by: User, title: str | None = None, shift_years: int = 1, include_jury: bool = False
) -> Contest:
    """A new draft made from `source`: its texts, settings, structure and message wording,
    every date `shift_years` later. Applications, reviews, messages and history stay behind;
    `by` organises the copy, and with `include_jury` the jurors and grant officers come too."""
    with transaction.atomic():
        contest = create_contest(
            by=by,
            classifiers=source.classifiers.all(),
            title=title or suggested_title(source, shift_years),
            **{name: getattr(source, name) for name in CLONED_FIELDS},
            **{
                name: shift_by_years(getattr(source, name), shift_years, source.time_zone)
                for name in DATE_FIELDS
            },
        )
        nominations = _copy_parts(source.nominations.order_by("order", "pk"), contest, {})
        criteria = _copy_parts(source.criteria.order_by("order", "pk"), contest, nominations)
        if source.tie_break_criterion_id in criteria:
            contest.tie_break_criterion = criteria[source.tie_break_criterion_id]
            contest.save(update_fields=["tie_break_criterion"])
        _copy_parts(source.form_fields.order_by("order", "pk"), contest, nominations)
        TemplateOverride.objects.bulk_create(
            TemplateOverride(
                scope=scope_of(contest),
                event=override.event,
                language=override.language,
                subject=override.subject,
                body_text=override.body_text,
                body_html=override.body_html,
            )
            for override in TemplateOverride.objects.filter(scope=scope_of(source))
        )
        if include_jury:
            jury = (ContestRole.Role.JUROR, ContestRole.Role.GRANT_OFFICER)
            for role in source.roles.filter(role__in=jury, user__is_active=True).select_related("user"):
                grant_role(contest, user=role.user, role=role.role, by=by)
        if source.regulations_document:
            # A file of its own under a new generated name, so neither contest can lose the other's.
            with source.regulations_document.open("rb") as original:
                name = PurePosixPath(source.regulations_document.name).name
                contest.regulations_document.save(name, File(original), save=False)
            contest.save(update_fields=["regulations_document"])
    return contest
