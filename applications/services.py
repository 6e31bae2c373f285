"""Writes of the applications app: drafts, answers, files, submission, screening."""

import hashlib
import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from applications import events
from applications.answers import check_answers, missing_answers
from applications.models import Application, Attachment, LateSubmissionCode, Revision
from applications.selectors import questions_for
from contests.models import Category, Contest, FormField, Nomination
from contests.services import scope_of
from core import clock
from core.exceptions import TransitionRefused
from core.files import validate_upload
from core.fsm import apply_transition
from notifications.services import notify

MB = 1024 * 1024


def _locked(application: Application) -> Application:
    """The row, locked for this transaction: two tabs or two colleagues cannot interleave."""
    return Application.objects.select_for_update().select_related("contest").get(pk=application.pk)


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
    """
    with transaction.atomic():
        application = _locked(application)
        _refuse_unless_editable(application)
        check = check_answers(questions_for(application), answers)
        if not check.ok:
            raise ValidationError({f"answers.{key}": message for key, message in check.errors.items()})
        merged = {**application.answers, **check.cleaned}
        application.answers = {key: value for key, value in merged.items() if value is not None}
        if title is not None:
            if not title.strip():
                raise ValidationError({"title": _("Give your project a title.")})
            application.title = title.strip()[:300]
        if categories is not None:
            allowed = Category.objects.filter(classifier__contests=application.contest_id, pk__in=categories)
            chosen = list(allowed.values_list("pk", flat=True))
            if len(set(chosen)) != len(set(categories)):
                raise ValidationError({"categories": _("Choose categories of this contest's classifiers.")})
            application.categories.set(chosen)
        application.save(update_fields=["answers", "title", "updated_at"])
    return application


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
    ValidationError (no key: nothing to keep)."""
    try:
        save_answers(application, answers=answers, title=title, categories=categories, by=by)
        return {}
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        refused = error.message_dict
    kept = {key: value for key, value in answers.items() if f"answers.{key}" not in refused}
    try:
        save_answers(
            application,
            answers=kept,
            title=None if "title" in refused else title,
            categories=None if "categories" in refused else categories,
            by=by,
        )
    except ValidationError as error:  # only what the first pass could not see (a lost race)
        if not hasattr(error, "error_dict"):
            raise
        refused |= error.message_dict
    return refused


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


def _snapshot(application: Application) -> dict[str, Any]:
    return {
        "title": application.title,
        "nomination": application.nomination.title,
        "answers": application.answers,
        "attachments": [
            {"question": a.field_key, "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in application.attachments.order_by("field_key")
        ],
    }


def submit_application(
    application: Application, *, by: User, note: str = "", late_code: str = ""
) -> Application:
    """draft/returned → submitted: refused after the deadline (unless a valid late code),
    or with the list of what is missing; freezes a revision and sends a receipt."""
    with transaction.atomic():
        application = _locked(application)
        now = clock.now()  # one reading: the deadline check and submitted_at agree
        code = None
        if late_code.strip():
            code = (
                LateSubmissionCode.objects.select_for_update()
                .filter(contest=application.contest, code=late_code.strip().upper())
                .first()
            )
            if code is None:
                raise TransitionRefused([_("This late-submission code is not valid for this contest.")])
        problems = application.deadline_problems(late_code=code, at=now)
        questions = questions_for(application)
        stored = check_answers(questions, application.answers)
        problems += [
            _("“%(question)s”: %(error)s") % {"question": k, "error": e} for k, e in stored.errors.items()
        ]
        missing = missing_answers(
            questions, application.answers, set(application.attachments.values_list("field_key", flat=True))
        )
        problems += [
            _("Answer the required question “%(question)s”.") % {"question": label} for label in missing
        ]
        apply_transition(application, "submit", by=by, note=note, problems=problems, at=now)
        if code is not None and now >= application.contest.closes_at:
            # The code was needed: count the use (the row is locked, the limit is a constraint).
            LateSubmissionCode.objects.filter(pk=code.pk).update(uses=F("uses") + 1)
        if not application.number:
            application.number = f"K{application.contest_id}-{application.pk:05d}"
            Application.objects.filter(pk=application.pk).update(number=application.number)
        snapshot = _snapshot(application)
        revision = Revision.objects.create(
            application=application,
            number=application.revisions.count() + 1,
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
            _members_of(application.organisation),
            {
                **_application_context(application),
                "submitted_at": application.contest.moment_label(revision.submitted_at, seconds=True),
                "checksum": revision.checksum,
                "revision": revision.number,
            },
            dedupe_key=f"revision:{revision.pk}",
            scope=scope_of(application.contest),
        )
    return application


def _members_of(organisation: Organisation) -> list[User]:
    return list(User.objects.filter(memberships__organisation=organisation, is_active=True))


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


def return_application(application: Application, *, by: User, note: str = "") -> Application:
    with transaction.atomic():
        application = apply_transition(_locked(application), "return_for_correction", by=by, note=note)
        _tell_applicant(application, events.RETURNED.key, note)
    return application


def mark_eligible(application: Application, *, by: User, note: str = "") -> Application:
    with transaction.atomic():
        application = apply_transition(_locked(application), "mark_eligible", by=by, note=note)
        _tell_applicant(application, events.SCREENED.key, note)
    return application


def mark_ineligible(application: Application, *, by: User, note: str = "", reason: str = "") -> Application:
    with transaction.atomic():
        application = apply_transition(
            _locked(application), "mark_ineligible", by=by, note=note, reason=reason
        )
        _tell_applicant(application, events.SCREENED.key, note)
    return application


def _tell_applicant(application: Application, event: str, note: str) -> None:
    notify(
        event,
        _members_of(application.organisation),
        {
            **_application_context(application),
            "state": str(application.get_state_display()),
            "reason": str(application.get_ineligibility_reason_display())
            if application.ineligibility_reason
            else "",
            "note": note,
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
