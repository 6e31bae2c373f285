"""Writes of the contests app. Web views, the API and commands all call these."""

import copy
import re
from collections.abc import Callable, Iterable
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
from django_fsm_log.models import StateLog

from accounts import security_log
from accounts.models import User
from contests import events
from contests.form_templates import CASE_STRUCTURE
from contests.models import Category, Classifier, Contest, ContestPart, ContestRole, FormField
from core import clock, versioning
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
        _log_role(security_log.Kind.ROLE_GRANTED, contest, user=by, role=ContestRole.Role.ORGANISER, by=by)
    return contest


def _log_role(kind: str, contest: Contest, *, user: User, role: str, by: User | None) -> None:
    """The security log's line for a contest role granted or removed (issue 16, point 7)."""
    security_log.record(
        kind,
        user=user,
        actor=by if by is not None and by.pk != user.pk else None,
        role=role,
        scope=f"contest {contest.pk}",
    )


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


# Who else must hear that a published deadline moved: callables contest -> users, filled in at
# start-up by the apps above (applications: the members of organisations holding drafts), so
# contests never imports them.
DEADLINE_AUDIENCES: list[Callable[[Contest], Iterable[User]]] = []


def deadline_audience(audience: Callable[[Contest], Iterable[User]]) -> Callable[[Contest], Iterable[User]]:
    """Register who is told when a published deadline moves."""
    if audience not in DEADLINE_AUDIENCES:
        DEADLINE_AUDIENCES.append(audience)
    return audience


def update_contest(
    contest: Contest,
    *,
    classifiers=None,
    version: int | None = None,
    by: User | None = None,
    deadline_change_reason: str = "",
    deadline_change_force: bool = False,
    **fields: Any,
) -> Contest:
    """`version`, the one the page loaded: if the contest was saved since, StaleVersion
    (core.versioning) and nothing changes; None: no check.

    Moving a published call's deadline needs `deadline_change_reason` (and, to bring it closer
    than the notice period, `deadline_change_force`); the move is logged in the contest's
    history and every organisation holding a draft is told (Contest.deadline_move_problems).

    A finished contest refuses every change but the grant budget's until it is archived (grants
    are offered after the announcement): a body that changes only the budget goes through
    set_grant_budget."""
    if contest.is_finished:
        changed = {name for name, value in fields.items() if getattr(contest, name) != value}
        if classifiers is not None and {c.pk for c in classifiers} != set(
            contest.classifiers.values_list("pk", flat=True)
        ):
            changed.add("classifiers")
        if changed == {"grant_budget"} and contest.state == Contest.State.ANNOUNCED:
            return set_grant_budget(contest, amount=fields["grant_budget"], version=version)
        if changed or contest.state != Contest.State.ANNOUNCED:
            raise ValidationError(_("This contest is finished and can no longer be changed."))
        return contest
    by = by or versioning.current_editor()
    try:
        with transaction.atomic():
            locked = (
                Contest.objects.select_for_update()
                .only("version", "field_versions", "closes_at")
                .get(pk=contest.pk)
            )
            if version is not None:
                versioning.check(locked, version)
            for name, value in fields.items():
                setattr(contest, name, value)
            contest.full_clean()
            before = locked.closes_at
            if problems := contest.deadline_move_problems(
                before, reason=deadline_change_reason, force=deadline_change_force
            ):
                raise ValidationError(problems)
            contest.save()
            if classifiers is not None:
                contest.classifiers.set(classifiers)
            if not contest.is_draft and before != contest.closes_at:
                _deadline_moved(contest, before, by=by, reason=(deadline_change_reason or "").strip())
    except DatabaseError as error:
        if (refusal := budget_refusal(error)) is not None:
            raise refusal from None
        raise
    return contest


def grant_budget_problems(contest: Contest) -> list[str]:
    if contest.state == Contest.State.ARCHIVED:
        return [_("The contest is archived: its grant budget can no longer be changed.")]
    if contest.state == Contest.State.CANCELLED:
        return [_("The contest is cancelled: it has no grant budget to change.")]
    return []


def set_grant_budget(
    contest: Contest, *, amount: Any, by: User | None = None, version: int | None = None
) -> Contest:
    """Change only the grant budget: by organisers and grant officers, in any state until the
    contest is archived, never below what the grants committed (the database trigger of the
    grants, answered as a field error). Nothing else of the contest changes."""
    if problems := grant_budget_problems(contest):
        raise ValidationError({"grant_budget": problems})
    try:
        with transaction.atomic():
            locked = Contest.objects.select_for_update().get(pk=contest.pk)
            if version is not None:
                versioning.check(locked, version)
            if problems := grant_budget_problems(locked):  # archived meanwhile
                raise ValidationError({"grant_budget": problems})
            locked.grant_budget = amount
            locked.full_clean(
                exclude=[f.name for f in Contest._meta.concrete_fields if f.name != "grant_budget"]
            )
            if by is not None:
                locked._touched_by = by
            locked.save(update_fields=["grant_budget"])
    except DatabaseError as error:
        if (refusal := budget_refusal(error)) is not None:
            raise refusal from None
        raise
    contest.grant_budget = locked.grant_budget
    contest.version = locked.version
    contest.field_versions = locked.field_versions
    contest._remember()
    return contest


def _deadline_moved(contest: Contest, before, *, by: User | None, reason: str) -> None:
    """The history row (who, from, to, why) and the message to everyone holding a draft."""
    old_label, new_label = contest.moment_label(before), contest.moment_label(contest.closes_at)
    note = _("Deadline moved from %(old)s to %(new)s. Reason: %(reason)s") % {
        "old": old_label,
        "new": new_label,
        "reason": reason,
    }
    log = StateLog.objects.create(
        content_object=contest,
        transition="move_deadline",
        source_state=contest.state,
        state=contest.state,
        by=by if getattr(by, "pk", None) else None,
        timestamp=clock.now(),
        description=note,
    )
    recipients = {user.pk: user for audience in DEADLINE_AUDIENCES for user in audience(contest)}
    if recipients:
        notify(
            events.DEADLINE_MOVED.key,
            list(recipients.values()),
            {**_contest_context(contest), "old_deadline": old_label, "deadline": new_label, "reason": reason},
            dedupe_key=f"deadline-moved:{log.pk}",
            scope=scope_of(contest),
        )


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
    with transaction.atomic():
        contest_role, created = ContestRole.objects.get_or_create(
            contest=contest, user=user, role=role, defaults={"granted_by": by}
        )
        if created:
            _log_role(security_log.Kind.ROLE_GRANTED, contest, user=user, role=role, by=by)
    return contest_role


def revoke_role(contest: Contest, *, user: User, role: str, by: User | None = None) -> None:
    if role == ContestRole.Role.ORGANISER and contest.roles.filter(role=role).exclude(user=user).count() == 0:
        raise ValidationError(_("A contest must keep at least one organiser."))
    with transaction.atomic():
        deleted, _rows = ContestRole.objects.filter(contest=contest, user=user, role=role).delete()
        if deleted:
            _log_role(security_log.Kind.ROLE_REMOVED, contest, user=user, role=role, by=by)


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
        if source.edition_year:
            contest.edition_year = source.edition_year + shift_years
            contest.save(update_fields=["edition_year"])
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


# --- classifiers: shared trees of categories ---------------------------------------------------


def _category_in_use(category: Category) -> bool:
    """Whether anything of any app is filed under the category (applications, cases, jurors'
    expertise): found through the reverse relations, so contests names none of those apps."""
    for relation in Category._meta.related_objects:
        if relation.related_model in (Category, Classifier):
            continue
        related = relation.related_model._base_manager
        if (relation.many_to_many or relation.one_to_many) and related.filter(
            **{relation.field.name: category}
        ).exists():
            return True
    return False


def classifier_tree_problems(rows: list[dict]) -> list[str]:
    """Why these categories do not make a tree, in the user's language."""
    problems = []
    codes = [row["code"].strip() for row in rows]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        problems.append(_("Each code may appear once; repeated: %(codes)s.") % {"codes": ", ".join(repeated)})
    known = set(codes)
    parents = {row["code"].strip(): (row.get("parent") or "").strip() or None for row in rows}
    missing = sorted({p for p in parents.values() if p and p not in known})
    if missing:
        problems.append(
            _("A parent must be a category of the same classifier; unknown: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    elif not repeated and (looped := sorted(code for code in parents if _in_a_loop(code, parents))):
        problems.append(
            _("A category cannot be nested under itself or its own children: %(codes)s.")
            % {"codes": ", ".join(looped)}
        )
    return problems


def _in_a_loop(code: str, parents: dict[str, str | None]) -> bool:
    seen, current = set(), parents.get(code)
    while current is not None and current not in seen:
        if current == code:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def save_classifier(
    classifier: Classifier | None,
    *,
    title: str | None = None,
    description: str | None = None,
    categories: list[dict] | None = None,
) -> Classifier:
    """Create or change a classifier and, when `categories` is given, replace its tree in one go.

    `categories`: flat rows {code, title, order, parent: the parent's code or None}. Categories
    are matched by code, so kept ones keep their id (and what is filed under them); a removed
    category still in use refuses the whole change, and nothing changes."""
    classifier = classifier or Classifier()
    with transaction.atomic():
        if title is not None:
            classifier.title = title
        if description is not None:
            classifier.description = description
        classifier.full_clean()
        classifier.save()
        if categories is None:
            return classifier
        if problems := classifier_tree_problems(categories):
            raise ValidationError({"categories": problems})
        existing = {c.code: c for c in Category.objects.select_for_update().filter(classifier=classifier)}
        wanted = {row["code"].strip(): row for row in categories}
        removed = [category for code, category in existing.items() if code not in wanted]
        in_use = sorted(category.code for category in removed if _category_in_use(category))
        if in_use:
            raise ValidationError(
                {
                    "categories": _(
                        "Categories in use cannot be removed (applications, cases or jurors' expertise "
                        "are filed under them): %(codes)s."
                    )
                    % {"codes": ", ".join(in_use)}
                }
            )
        saved = {}
        for position, (code, row) in enumerate(wanted.items()):
            category = existing.get(code) or Category(classifier=classifier, code=code)
            category.title = row["title"].strip()
            category.order = row.get("order") if row.get("order") is not None else position
            category.parent = None
            category.full_clean(exclude=["parent"], validate_unique=False)
            category.save()
            saved[code] = category
        for code, row in wanted.items():
            parent = (row.get("parent") or "").strip()
            if parent:
                Category.objects.filter(pk=saved[code].pk).update(parent=saved[parent])
        Category.objects.filter(pk__in=[c.pk for c in removed]).delete()
    return classifier


def classifier_delete_problems(classifier: Classifier) -> list[str]:
    problems = []
    titles = list(classifier.contests.order_by("title").values_list("title", flat=True))
    if titles:
        problems.append(
            _("The classifier is used by contests: %(contests)s. Detach it from them first.")
            % {"contests": "; ".join(titles)}
        )
    in_use = sorted(c.code for c in classifier.categories.all() if _category_in_use(c))
    if in_use:
        problems.append(
            _("Its categories are in use (applications, cases or jurors' expertise): %(codes)s.")
            % {"codes": ", ".join(in_use)}
        )
    return problems


def delete_classifier(classifier: Classifier) -> None:
    """Only a classifier nothing uses: no contest, no application, case or juror filed under it."""
    with transaction.atomic():
        if problems := classifier_delete_problems(classifier):
            raise ValidationError(problems)
        classifier.delete()
