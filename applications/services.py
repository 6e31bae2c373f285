"""Writes of the applications app: drafts, answers, files, submission, screening."""

import hashlib
import re
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from applications import events
from applications.answers import check_answers, submission_problems
from applications.models import Application, Attachment, IneligibilityReason, LateSubmissionCode, Revision
from applications.selectors import active_members_of, next_revision_number, questions_for
from contests.models import Category, Contest, FormField, Nomination
from contests.services import scope_of
from core import arrival, clock, hooks, versioning
from core.exceptions import TransitionRefused
from core.files import validate_upload
from core.fsm import apply_transition, bulk_changes, log_transitions
from notifications.services import Recipient, notify, notify_many

MB = 1024 * 1024


def _locked(application: Application, *, related: bool = True) -> Application:
    """The row, locked for this transaction: two tabs or two colleagues cannot interleave.

    Only the application's row (`of`): the contest, organisation and nomination come along
    unlocked (unless `related=False`: a write that needs none of them reads the row alone), so
    saves and submissions of one contest never queue behind each other."""
    rows = Application.objects.select_for_update(of=("self",))
    if related:
        rows = rows.select_related("contest", "organisation", "nomination")
    return rows.get(pk=application.pk)


def loaded_for_update(application: Application) -> Application:
    """Mark an application its caller read `select_for_update(of=("self",))` inside the
    `transaction.atomic()` block still open: the writes below use it as their locked row instead
    of reading it again, and add no savepoint (the caller's block is the transaction: an error
    leaves it, a return commits it)."""
    application._locked_by = connection.atomic_blocks[0] if connection.in_atomic_block else None
    return application


def holds_lock(application: Application) -> bool:
    """The object was read locked in the transaction still open (`loaded_for_update`): a service
    writes it in place, and what it wrote is the stored row."""
    block = getattr(application, "_locked_by", None)
    return block is not None and connection.in_atomic_block and connection.atomic_blocks[0] is block


def _write_back(saved: Application, into: Application) -> None:
    """Put what was saved into the caller's object, so it can answer without reading it again
    (its files, categories and the caller's roles, loaded once, stay)."""
    if into is saved:
        return
    for field in Application._meta.concrete_fields:
        if field.attname != "state" and field.attname in saved.__dict__:  # the state is the FSM's
            into.__dict__[field.attname] = saved.__dict__[field.attname]
    if "_loaded" in saved.__dict__:  # core.versioning's baseline follows the values
        into._loaded = saved._loaded


def _refuse_unless_editable(application: Application) -> None:
    if not application.is_editable:
        raise ValidationError(
            _("This application was submitted and can no longer be changed. Ask the organisers to return it.")
        )


def start_application(
    *, organisation: Organisation, contest: Contest, nomination: Nomination, title: str, by: User
) -> Application:
    if nomination.contest_id != contest.pk:
        raise ValidationError({"nomination": _("The nomination must belong to this contest.")})
    if problems := Application(contest=contest).deadline_problems():
        raise ValidationError(problems)
    if not title.strip():
        raise ValidationError({"title": _("Give your project a title.")})
    try:
        with transaction.atomic():
            return Application.objects.create(
                organisation=organisation,
                contest=contest,
                nomination=nomination,
                title=title.strip()[:300],
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            {"nomination": _("Your organisation already has an application in this nomination.")}
        ) from None


def save_answers(
    application: Application,
    *,
    answers: dict[str, Any],
    by: User,
    title: str | None = None,
    categories: list[int] | None = None,
) -> Application:
    """Save a draft's answers, partially: given keys replace, empty values clear; `categories`
    (ids in the contest's classifiers), when given, replace the application's categories.

    Invalid values are refused with a message per question and nothing is saved.
    The given object gets the saved values too; the saved row is returned.
    """
    saved, _refused = _write_answers(
        application, answers=answers, title=title, categories=categories, keep_valid=False
    )
    return saved


def _write_answers(
    application: Application,
    *,
    answers: dict[str, Any],
    title: str | None,
    categories: list[int] | None,
    keep_valid: bool,
) -> tuple[Application, dict[str, list[str]]]:
    """One pass under the row's lock: check everything, then either refuse it all (raise) or,
    with `keep_valid`, save what is valid and return the refused by key. One write either way."""
    held = holds_lock(application)
    with nullcontext() if held else transaction.atomic():
        locked = application if held else _locked(application, related=False)  # the row alone
        _refuse_unless_editable(locked)
        check = check_answers(questions_for(locked), answers)
        refused = {f"answers.{key}": [str(message)] for key, message in check.errors.items()}
        clean_title = None
        if title is not None:
            clean_title = title.strip()[:300]
            if not clean_title:
                refused["title"] = [_("Give your project a title.")]
        chosen = None
        if categories is not None:
            allowed = Category.objects.filter(classifier__contests=locked.contest_id, pk__in=categories)
            chosen = list(allowed.values_list("pk", flat=True))
            if len(set(chosen)) != len(set(categories)):
                refused["categories"] = [_("Choose categories of this contest's classifiers.")]
        if refused and not keep_valid:
            raise ValidationError(refused)
        merged = {**locked.answers, **check.cleaned}  # cleaned holds only the valid answers
        locked.answers = {key: value for key, value in merged.items() if value is not None}
        if clean_title and "title" not in refused:
            locked.title = clean_title
        if chosen is not None and "categories" not in refused:
            locked.categories.set(chosen)
            getattr(application, "_prefetched_objects_cache", {}).pop("categories", None)
        locked.save(update_fields=["answers", "title", "updated_at"])
    _write_back(locked, application)
    return locked, refused


def save_valid_answers(
    application: Application,
    *,
    answers: dict[str, Any],
    by: User,
    title: str | None = None,
    categories: list[int] | None = None,
) -> dict[str, list[str]]:
    """The one rule for a draft, on the pages and in the API: every valid answer is saved (and
    the title and categories when valid); each refused one keeps its stored value and comes back
    with its message, keyed `answers.<key>`, `title` or `categories`. Nothing typed correctly is
    lost, nothing refused is changed. An application that cannot be edited at all raises
    ValidationError (no key: nothing to keep).

    One locked read and one write, in one transaction; the given object gets the saved values."""
    _saved, refused = _write_answers(
        application, answers=answers, title=title, categories=categories, keep_valid=True
    )
    return refused


@dataclass
class AnswerConflict:
    """A question someone else changed since the person loaded the form, with both values."""

    key: str  # the question's key, or "title"
    stored: Any
    mine: Any
    by: str
    at: datetime | None


def _blank(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


def save_draft(
    application: Application,
    *,
    answers: dict[str, Any],
    by: User,
    version: int | None = None,
    choices: dict[str, str] | None = None,
    title: str | None = None,
    categories: list[int] | None = None,
) -> tuple[dict[str, list[str]], list[AnswerConflict]]:
    """The page's save (the whole form, by hand or by autosave) without silent overwrites.

    `version` is the one the page loaded. An answer (or the title) someone else saved since, and
    that differs from what this person sends, is not saved: it comes back as a conflict with both
    values, the person's input kept. `choices` settle conflicts shown before, by key: "mine"
    saves the person's value, "theirs" keeps the stored one, "pending" (not chosen yet) keeps
    the conflict. Everything else is saved by `save_valid_answers`' rule; its refusals come back
    too. No `version`: as before, the last save wins."""
    choices = choices or {}
    with transaction.atomic(), versioning.editing_as(by):
        current = _locked(application)
        stale = version is not None and version != current.version
        changed = set(current.changed_since(version)) if stale and version < current.version else set()
        cleaned = check_answers(questions_for(current), answers).cleaned
        stored_of = {**{key: current.answers.get(key) for key in answers}, "title": current.title}
        mine_of = {**{key: cleaned.get(key, answers[key]) for key in answers}, "title": title}
        keep: dict[str, Any] = dict(answers)
        conflicts = []
        for key, name in [*((key, f"answers.{key}") for key in answers), ("title", "title")]:
            if key == "title" and title is None:
                continue
            choice = choices.get(key)
            if choice == "mine":
                continue
            if choice == "theirs" or (
                (choice == "pending" or (stale and name in changed))
                and _blank(mine_of[key]) != _blank(stored_of[key])
            ):
                if choice != "theirs":
                    who, when = current.change_of(name)
                    conflicts.append(AnswerConflict(key, stored_of[key], mine_of[key], who, when))
                if key == "title":
                    title = None
                else:
                    keep.pop(key)
        refused = save_valid_answers(current, answers=keep, title=title, categories=categories, by=by)
    return refused, conflicts


CONTROL_OR_SEPARATOR = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_display_name(name: str) -> str:
    """A file name fit to show: no path, no control characters, at most 150 characters.

    It is only displayed: files are stored under generated names.
    """
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", base)
    base = CONTROL_OR_SEPARATOR.sub("_", base).strip(" .")
    return (base or _("file"))[-150:]


def add_attachment(
    application: Application, *, field_key: str, upload: UploadedFile, by: User, public: bool = False
) -> Attachment:
    """Attach (or replace) the file answering a file question, checked by content and size."""
    with transaction.atomic():
        application = _locked(application)
        _refuse_unless_editable(application)
        question = next(
            (
                q
                for q in questions_for(application)
                if q.key == field_key and q.field_type == FormField.Type.FILE
            ),
            None,
        )
        if question is None:
            raise ValidationError({"field_key": _("There is no such file question in this form.")})
        kind = validate_upload(upload, question.accepted_file_types, question.max_file_mb * MB)
        others = (
            application.attachments.exclude(field_key=field_key).aggregate(total=Sum("size"))["total"] or 0
        )
        limit = application.contest.max_upload_mb * MB
        if others + upload.size > limit:
            raise ValidationError(
                {
                    "file": _("All files of one application may take at most %(limit)s; %(used)s are used.")
                    % {"limit": filesizeformat(limit), "used": filesizeformat(others)}
                }
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        previous = application.attachments.filter(field_key=field_key).first()
        attachment = Attachment(
            application=application,
            field_key=field_key,
            original_name=safe_display_name(upload.name),
            kind=kind,
            size=upload.size,
            sha256=digest.hexdigest(),
            public=public,
            uploaded_by=by,
        )
        attachment.file.save(upload.name or "upload", upload, save=False)
        try:
            if previous is not None:
                old_file = previous.file.name
                previous.delete()
                # A rollback must not lose the file a revision may still describe: delete after commit.
                transaction.on_commit(lambda: attachment.file.storage.delete(old_file))
            attachment.save()
        except Exception:
            attachment.file.storage.delete(attachment.file.name)  # no orphan object in the bucket
            raise
    return attachment


def remove_attachment(attachment: Attachment, *, by: User) -> None:
    with transaction.atomic():
        application = _locked(attachment.application)
        _refuse_unless_editable(application)
        name = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


def _snapshot(application: Application, attachments: list[Attachment] | None = None) -> dict[str, Any]:
    if attachments is None:
        attachments = list(application.attachments.order_by("field_key"))
    return {
        "title": application.title,
        "nomination": application.nomination.title,
        "answers": application.answers,
        "attachments": [
            {"question": a.field_key, "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in attachments
        ],
    }


def submit_application(
    application: Application, *, by: User, note: str = "", late_code: str = ""
) -> Application:
    """draft/returned → submitted: refused after the deadline (unless a valid late code),
    or with the list of what is missing; freezes a revision and sends a receipt.

    The deadline is judged at the moment the request arrived (core/arrival.py), not when a
    worker got to it: a submission sent in time is not refused for waiting in a queue. That
    moment is stored as `arrived_at`; `submitted_at` is when it was recorded."""
    arrived = arrival.moment()
    held = holds_lock(application)  # the caller's scoped load is the locked read, files included
    # Nested in the caller's transaction this is a savepoint: a refusal leaves it, and the caller
    # can still read the stored state to say why.
    with transaction.atomic():
        application = application if held else _locked(application)
        now = max(clock.now(), arrived)
        code = None
        if late_code.strip():
            code = (
                LateSubmissionCode.objects.select_for_update()
                .filter(contest=application.contest, code=late_code.strip().upper())
                .first()
            )
            if code is None:
                raise TransitionRefused([_("This late-submission code is not valid for this contest.")])
        problems = application.deadline_problems(late_code=code, at=arrived)
        questions = questions_for(application)
        # Read once for the check and the revision (none when the caller's load brought them).
        attachments = sorted(application.attachments.all(), key=lambda a: (a.field_key, a.pk))
        attached = {a.field_key for a in attachments}
        problems += [p.reason for p in submission_problems(questions, application.answers, attached)]
        if not application.number:  # written with the transition's own UPDATE
            application.number = f"K{application.contest_id}-{application.pk:05d}"
        apply_transition(
            application,
            "submit",
            by=by,
            note=note,
            problems=problems,
            at=now,
            arrived_at=arrived,
            savepoint=False,  # inside this block, which a refusal leaves anyway
        )
        if code is not None and arrived >= application.contest.accepts_until:
            # The code was needed: count the use (the row is locked, the limit is a constraint).
            LateSubmissionCode.objects.filter(pk=code.pk).update(uses=F("uses") + 1)
        snapshot = _snapshot(application, attachments)
        revision = Revision.objects.create(
            application=application,
            number=next_revision_number(application),
            title=snapshot["title"],
            nomination_title=snapshot["nomination"],
            answers=snapshot["answers"],
            attachments=snapshot["attachments"],
            checksum=Revision.checksum_of(snapshot),
            submitted_at=application.submitted_at,
            submitted_by=by,
        )
        notify(
            events.RECEIVED.key,
            active_members_of(application.organisation_id),
            {
                **_application_context(application),
                "submitted_at": application.contest.moment_label(revision.submitted_at, seconds=True),
                "checksum": revision.checksum,
                "revision": revision.number,
            },
            dedupe_key=f"revision:{revision.pk}",
            scope=scope_of(application.contest),
        )
        hooks.publish("application.submitted", Application, [application.pk])
    return application


def _application_context(application: Application) -> dict[str, str]:
    return {
        "contest": application.contest.title,
        "application": application.title,
        "number": application.number,
        "organisation": application.organisation.name,
        "link": settings.SITE_URL + reverse("applications:detail", args=[application.pk]),
    }


def withdraw_application(application: Application, *, by: User, note: str = "") -> Application:
    with transaction.atomic():
        return apply_transition(_locked(application), "withdraw", by=by, note=note)


def in_contest_zone(moment: datetime | None, contest: Contest) -> datetime | None:
    """A moment entered without a time zone (a form's wall-clock time, an API value without an
    offset) is meant in the contest's zone, not the server's; one with an offset stays as it is."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, ZoneInfo(contest.time_zone))


def return_application(
    application: Application, *, by: User, note: str = "", correct_by: datetime | None = None
) -> Application:
    """submitted → returned, with what to correct and a correction deadline of its own (needed
    once the call closed: screening comes after it). The applicant may then change and resubmit
    this application, and only it, until that deadline, and is told so now and reminded before it.
    A correction deadline that is missing or past is bad input (a field error), nothing changes."""
    with transaction.atomic():
        locked = _locked(application)
        correct_by = in_contest_zone(correct_by, locked.contest)
        returnable = locked.state == Application.State.SUBMITTED and not locked.return_problems()
        if returnable and (problems := locked.correct_by_problems(correct_by)):
            raise ValidationError({"correct_by": problems})
        application = apply_transition(
            locked, "return_for_correction", by=by, note=note, correct_by=correct_by
        )
        _tell_applicant(application, events.RETURNED.key, note)
    return application


def mark_eligible(application: Application, *, by: User, note: str = "") -> Application:
    with transaction.atomic():
        application = apply_transition(_locked(application), "mark_eligible", by=by, note=note)
        _tell_applicant(application, events.SCREENED.key, note)
        hooks.publish("application.screened", Application, [application.pk])
    return application


def mark_ineligible(application: Application, *, by: User, note: str = "", reason: str = "") -> Application:
    with transaction.atomic():
        application = apply_transition(
            _locked(application), "mark_ineligible", by=by, note=note, reason=reason
        )
        _tell_applicant(application, events.SCREENED.key, note)
        hooks.publish("application.screened", Application, [application.pk])
    return application


# The screening steps bulk screening runs set-based: their targets (the source is `submitted`).
SCREENING_TARGETS = {
    "mark_eligible": Application.State.ELIGIBLE,
    "return_for_correction": Application.State.RETURNED,
    "mark_ineligible": Application.State.INELIGIBLE,
}


# The states each of them screens from: a returned application whose correction deadline passed
# without a resubmission is screened as it is (Application.correction_pending_problems).
SCREENING_SOURCES = {
    "mark_eligible": (Application.State.SUBMITTED, Application.State.RETURNED),
    "return_for_correction": (Application.State.SUBMITTED,),
    "mark_ineligible": (Application.State.SUBMITTED, Application.State.RETURNED),
}


def screen_many(
    contest: Contest,
    pks: list[int],
    name: str,
    *,
    by: User,
    note: str = "",
    reason: str = "",
    correct_by: datetime | None = None,
) -> tuple[list[int], dict[int, list[str]]]:
    """One screening step on many applications of `contest` at once, in one transaction: each
    is judged on its own (state and the step's guards, Application.screening_problems) and a
    refusal stops no other; those that pass change by one UPDATE, each with its history row,
    and their applicants are told as by the single step. (done pks, {refused pk: reasons}).
    The caller checks the step's permission."""
    target = SCREENING_TARGETS[name]
    sources = SCREENING_SOURCES[name]
    correct_by = in_contest_zone(correct_by, contest)
    done: list[Screened] = []
    refused: dict[int, list[str]] = {}
    # The guards read the row's state and correction deadline only: judged once per pair, on a
    # stand-in, instead of 10,000 model instances (loading them was a third of the time).
    judged: dict[tuple[str, datetime | None], list[str]] = {}
    with transaction.atomic():
        rows = (
            Application.objects.select_for_update(of=("self",))
            .filter(contest=contest, pk__in=pks)
            .order_by("pk")
            .values_list(*SCREENED_FIELDS)
        )
        for row in map(Screened._make, rows):
            if row.state not in sources:
                # Screened meanwhile (another tab, a colleague): say so plainly.
                refused[row.pk] = [
                    _("It is no longer waiting for screening (now: %(state)s).")
                    % {"state": Application.State(row.state).label}
                ]
                continue
            key = (row.state, row.correct_by)
            if key not in judged:
                stand_in = Application(contest=contest, state=row.state, correct_by=row.correct_by)
                judged[key] = stand_in.screening_problems(
                    name, note=note, reason=reason, correct_by=correct_by
                )
            if judged[key]:
                refused[row.pk] = judged[key]
            else:
                done.append(row)
        if not done:
            return [], refused
        now = clock.now()
        changes: dict[str, Any] = {"state": target, "updated_at": now}
        if name == "return_for_correction":  # as the transitions set them
            changes |= {"correct_by": correct_by, "screening_note": note}
        else:
            changes |= {
                "ineligibility_reason": reason if name == "mark_ineligible" else "",
                "screening_note": note,
            }
        done_pks = [a.pk for a in done]
        changed = Application.objects.filter(pk__in=done_pks, state__in=sources).update(
            **bulk_changes(Application, **changes)
        )
        if changed != len(done):  # the rows are locked: only a bug could get here
            raise RuntimeError(f"{name}: {changed} applications changed, {len(done)} expected")
        for source in sources:
            if from_source := [a.pk for a in done if a.state == source]:
                log_transitions(
                    Application, from_source, name, source=source, target=target, by=by, note=note, at=now
                )
        deadline = ""
        if name == "return_for_correction":
            deadline = _correction_deadline_label(
                Application(contest=contest, state=target, correct_by=correct_by)
            )
        _tell_applicants(contest, done, target, reason, note, deadline)
        if name != "return_for_correction":  # eligible or ineligible: the screening's outcome
            hooks.publish("application.screened", Application, done_pks)
    return done_pks, refused


SENTINEL = 987654321987  # an id no application has, replaced in the link rendered once

# What bulk screening reads of each application (10,000 of them: no more than it needs).
SCREENED_FIELDS = ("pk", "state", "correct_by", "title", "number", "organisation_id", "organisation__name")


class Screened(NamedTuple):
    """One application as bulk screening reads it: a plain row, no model instance."""

    pk: int
    state: str
    correct_by: datetime | None
    title: str
    number: str
    organisation_id: int
    organisation_name: str


def _correction_deadline_label(application: Application) -> str:
    deadline = application.correction_deadline
    return application.contest.moment_label(deadline) if deadline else ""


def _tell_applicants(
    contest: Contest, applications: list[Screened], state: str, reason: str, note: str, deadline: str = ""
) -> None:
    """_tell_applicant for many applications of one contest, all in one write to the outbox;
    the recipients read as plain rows in one query, what is common rendered once."""
    members: dict[int, list[Recipient]] = {}
    for organisation_id, *person in (
        Membership.objects.filter(
            organisation__in=Application.objects.filter(contest=contest).values("organisation_id"),
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("organisation_id", "user_id", "user__email", "user__language")
    ):
        members.setdefault(organisation_id, []).append(Recipient(*person))
    # One reverse() for all: the links differ only in the application's id.
    link = settings.SITE_URL + reverse("applications:detail", args=[SENTINEL]).replace(str(SENTINEL), "{}")
    event = events.RETURNED.key if state == Application.State.RETURNED else events.SCREENED.key
    stamp = clock.now().isoformat()
    context = {
        "state": str(Application.State(state).label),
        "reason": str(IneligibilityReason(reason).label) if reason else "",
        "note": note,
        "deadline": deadline,
    }
    notify_many(
        event,
        [
            (
                members.get(application.organisation_id, []),
                {
                    "contest": contest.title,
                    "application": application.title,
                    "number": application.number,
                    "organisation": application.organisation_name,
                    "link": link.format(application.pk),
                    **context,
                },
                f"{state}:{application.pk}:{stamp}",
            )
            for application in applications
        ],
        scope=scope_of(contest),
    )


def _tell_applicant(application: Application, event: str, note: str) -> None:
    notify(
        event,
        active_members_of(application.organisation_id),
        {
            **_application_context(application),
            "state": str(application.get_state_display()),
            "reason": str(application.get_ineligibility_reason_display())
            if application.ineligibility_reason
            else "",
            "note": note,
            "deadline": _correction_deadline_label(application),
        },
        dedupe_key=f"{application.state}:{application.pk}:{clock.now().isoformat()}",
        scope=scope_of(application.contest),
    )


def issue_late_code(
    contest: Contest, *, by: User, expires_at=None, max_uses: int = 1, note: str = ""
) -> LateSubmissionCode:
    code = LateSubmissionCode(contest=contest, max_uses=max_uses, note=note, created_by=by)
    if expires_at is not None:
        code.expires_at = expires_at
    code.full_clean()
    code.save()
    return code
