"""The applicant's web pages: dashboard, starting an application, the form with autosave and
files, submission, the receipt, revisions and withdrawal. Organisers of the contest may read an
application here; screening is on its own pages.

Reading starts from the selectors (what a user may not see answers 404); writing goes through
applications.services; permissions come from applications/rules.py.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Organisation
from applications import selectors, services
from applications.answers import display_answer, submission_problems
from applications.downloads import attachment_response
from applications.forms import (
    ANSWER_PREFIX,
    NO,
    YES,
    AnswersForm,
    StartApplicationForm,
    SubmitForm,
    WithdrawForm,
    answer_name,
    file_name,
    max_length_of,
)
from applications.models import Application, Attachment
from applications.steps import APPLICATION
from contests import selectors as contest_selectors
from contests.models import Contest, FormField
from core import clock, versioning
from core.forms import field_target, summary_item
from core.fsm import history, history_rows
from core.steps import Refusal
from core.web import add_errors, reasons_of, run_step, step_view

DASHBOARD_PAGE_SIZE = 30
OPEN_CALLS_SHOWN = 20


# --- helpers ----------------------------------------------------------------------------------


def _application(request: HttpRequest, pk: int) -> Application:
    """404 for an application the user may not see."""
    application = get_object_or_404(
        selectors.applications_visible_to(request.user).select_related(
            "contest", "nomination", "organisation"
        ),
        pk=pk,
    )
    if not request.user.has_perm("applications.view_application", application):
        raise Http404
    return application


def _editable(request: HttpRequest, pk: int) -> Application | HttpResponse:
    """The application to change, or the answer to give instead (a redirect to its page)."""
    application = _application(request, pk)
    if not application.is_editable:
        if request.htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": _detail_url(application)})
        messages.info(request, _("This application can no longer be changed."))
        return redirect("applications:detail", pk=application.pk)
    if not request.user.has_perm("applications.change_application", application):
        raise PermissionDenied(_("Only members of the applicant organisation may change it."))
    return application


def _detail_url(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


def _local_time(contest: Contest, moment) -> str:
    return dateformat.format(contest.local(moment), "H:i")


def _answer_errors(error: ValidationError) -> dict[str, str]:
    """{question key or "title" or "": message} from a service's ValidationError."""
    if not hasattr(error, "error_dict"):
        return {"": " ".join(error.messages)}
    found = {}
    for name, errors in error.error_dict.items():
        key = name.removeprefix("answers.") if name.startswith("answers.") else name
        found[key] = " ".join(m for e in errors for m in e.messages)
    return found


def _save(application: Application, form: AnswersForm, user) -> dict[str, str]:
    """Save what is right; return the errors of what is not (the service's one rule for drafts,
    the same as the API's): nothing the applicant typed correctly is lost. The form carries the
    version it was loaded at: what a colleague saved since and this post would overwrite is kept
    back as `form.conflicts`, both values shown for the person to choose (services.save_draft)."""
    posted = form.data
    choices = {key: posted.get(f"choice-{key}") or "pending" for key in posted.getlist("conflict")}
    try:
        refused, conflicts = services.save_draft(
            application,
            answers=form.answers(),
            title=form.title_value(),
            categories=form.categories_value(),
            version=versioning.parse_version(posted.get("version")),
            choices=choices,
            by=user,
        )
    except ValidationError as error:  # not about a question (e.g. no longer editable)
        return _answer_errors(error)
    form.conflicts = _conflict_rows(application, form, conflicts)
    return _answer_errors(ValidationError(refused)) if refused else {}


def _conflict_rows(application: Application, form: AnswersForm, conflicts) -> list[dict[str, Any]]:
    labels = {q.key: q.label for q in form.questions}
    return [
        {
            "key": c.key,
            "label": labels.get(c.key) or _("Project title"),
            "by": c.by or _("someone"),
            "at": application.contest.moment_label(c.at) if c.at else "",
            "stored": display_answer(c.stored, empty=_("(empty)")),
            "mine": display_answer(c.mine, empty=_("(empty)")),
            "stored_json": json.dumps(_form_value(c.stored), ensure_ascii=False),
        }
        for c in conflicts
    ]


def _form_value(value: Any) -> Any:
    """A stored answer as the form's inputs hold it (for the page's script that puts it back)."""
    if isinstance(value, bool):
        return YES if value else NO
    if value is None:
        return ""
    return [str(v) for v in value] if isinstance(value, list) else str(value)


def _put_errors(form: AnswersForm, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        name = "title" if key == "title" else f"{ANSWER_PREFIX}{key}"
        form.add_error(name if name in form.fields else None, message)


@dataclass
class QuestionRow:
    question: FormField
    field: Any = None  # the bound form field; None for file questions
    attachment: Attachment | None = None
    file_error: str = ""
    file_input: str = ""
    max_length: int | None = None

    @property
    def is_file(self) -> bool:
        return self.question.field_type == FormField.Type.FILE

    @property
    def accepted(self) -> str:
        return ", ".join(kind.upper() for kind in self.question.accepted_file_types)

    @property
    def accept_attr(self) -> str:
        extensions = {"jpeg": ".jpg,.jpeg", "pdf": ".pdf", "docx": ".docx", "odt": ".odt", "xlsx": ".xlsx"}
        return ",".join(extensions.get(kind, f".{kind}") for kind in self.question.accepted_file_types)

    @property
    def length(self) -> int:
        value = self.field.value() if self.field is not None else ""
        return len(value) if isinstance(value, str) else 0


def _rows(form: AnswersForm, application: Application, file_errors: dict[str, str] | None = None):
    attachments = {a.field_key: a for a in application.attachments.all()}
    rows = []
    for question in form.questions:
        if question.field_type == FormField.Type.FILE:
            rows.append(
                QuestionRow(
                    question,
                    attachment=attachments.get(question.key),
                    file_error=(file_errors or {}).get(question.key, ""),
                    file_input=file_name(question),
                )
            )
        else:
            rows.append(
                QuestionRow(question, field=form[answer_name(question)], max_length=max_length_of(question))
            )
    return rows


def _deadline_passed(contest: Contest, application: Application | None = None) -> bool:
    """Past the deadline and its grace period: only a late-submission code lets one in. A
    returned application is judged by its own correction deadline instead."""
    if application is not None and application.is_returned and application.correction_deadline:
        return application.correction_over()
    return bool(contest.closes_at and clock.now() >= contest.accepts_until)


# --- dashboard ---------------------------------------------------------------------------------


@login_required
@require_safe
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = (
        selectors.applications_of_organisations(request.user)
        .select_related("contest", "nomination", "organisation")
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(applications, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    open_calls = list(contest_selectors.open_calls().filter(opens_at__lte=now)[:OPEN_CALLS_SHOWN])
    has_organisation = request.user.memberships.exists()
    return render(
        request,
        "applications/mine.html",
        {"page_obj": page, "open_calls": open_calls, "has_organisation": has_organisation, "now": now},
    )


# --- starting ----------------------------------------------------------------------------------


def _chosen_nomination(request: HttpRequest, contest: Contest) -> int | None:
    """The nomination chosen on the contest's page (`?nomination=`), when it is one of this contest's."""
    try:
        pk = int(request.GET.get("nomination") or "")
    except ValueError:
        return None
    return pk if contest.nominations.filter(pk=pk).exists() else None


def _start_url(contest: Contest, nomination: int | None) -> str:
    """This page's address, built from checked values: where sign-up, login and registering the
    library bring the person back to."""
    params = {"contest": contest.pk} | ({"nomination": nomination} if nomination else {})
    return f"{reverse('applications:new')}?{urlencode(params)}"


def start(request: HttpRequest) -> HttpResponse:
    """Start an application. Everyone reaches it from the call's "Apply": a visitor is sent to
    sign up (or log in), a person without a library to register one, each coming back here with
    the chosen nomination (`next`, checked by the accounts views)."""
    try:
        contest_pk = int(request.GET.get("contest") or request.POST.get("contest") or "")
    except ValueError:
        raise Http404 from None
    contest = get_object_or_404(contest_selectors.contests_visible_to(request.user), pk=contest_pk)
    nomination = _chosen_nomination(request, contest)
    back_here = urlencode({"next": _start_url(contest, nomination)})
    if not request.user.is_authenticated:
        if not contest.is_accepting_applications:
            messages.error(request, _("This contest is not accepting applications."))
            return redirect("contests:detail", pk=contest.pk)
        messages.info(
            request,
            _(
                "To apply, create your account, or log in if you have one. "
                "Afterwards you come back to your application, with the nomination you chose."
            ),
        )
        return redirect(f"{reverse('accounts:signup')}?{back_here}")
    organisations = Organisation.objects.filter(memberships__user=request.user).order_by("name")
    if not organisations.exists():
        messages.info(request, _("Register your library first: applications are made on its behalf."))
        return redirect(f"{reverse('accounts:organisation_new')}?{back_here}")
    form = StartApplicationForm(request.POST or None, organisations=organisations, contest=contest)
    if nomination:
        form.initial["nomination"] = nomination
    refusal = []
    if not contest.is_accepting_applications:
        refusal = Application(contest=contest).deadline_problems() or [
            _("This contest is not accepting applications.")
        ]
    elif request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                organisation=form.cleaned_data["organisation"],
                contest=contest,
                nomination=form.cleaned_data["nomination"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your application was started. Answer the questions below."))
            return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/start.html", {"form": form, "contest": contest, "refusal": refusal})


# --- the form -----------------------------------------------------------------------------------


def _refusal_at_questions(application, questions, reasons, form=None, submit_form=None, file_errors=None):
    """A refused submission's reasons put where the person looks: each question's problem at the
    question (on the form's field, or in `file_errors` for a file), an invalid late-submission
    code at its field; what is about no question is returned, for the top of the summary."""
    attached = set(application.attachments.values_list("field_key", flat=True))
    by_key = {q.key: q for q in questions}
    placed = set()
    for problem in submission_problems(questions, application.answers, attached):
        question = by_key.get(problem.key)
        if question is None:
            continue
        if question.field_type == FormField.Type.FILE:
            if file_errors is not None:
                file_errors.setdefault(problem.key, problem.message)
                placed.add(problem.reason)
        elif form is not None:
            form.add_error(answer_name(question), problem.message)
            placed.add(problem.reason)
    late_code_refused = _("This late-submission code is not valid for this contest.")
    if submit_form is not None and late_code_refused in reasons and "late_code" in submit_form.fields:
        submit_form.add_error("late_code", late_code_refused)
        placed.add(late_code_refused)
    return [reason for reason in reasons if reason not in placed]


def _summary(form, rows, *, reasons=(), submit_form=None, deadline_passed=False) -> list[dict[str, str]]:
    """The error summary of the application form, in the order of the page: what is about no
    question first, then each question's problem linking to it (core.forms.summary_item)."""
    items = [summary_item(reason) for reason in reasons]
    items += [summary_item(error) for error in form.non_field_errors()]
    for name in ("title", "categories"):
        if name in form.fields:
            items += [
                summary_item(e, target=field_target(form[name]), label=form[name].label)
                for e in form[name].errors
            ]
    for row in rows:
        if row.is_file:
            if row.file_error:
                items.append(
                    summary_item(row.file_error, target=f"id_{row.file_input}", label=row.question.label)
                )
        else:
            items += [
                summary_item(e, target=field_target(row.field), label=row.question.label)
                for e in row.field.errors
            ]
    if deadline_passed and submit_form is not None and submit_form.is_bound:
        late = submit_form["late_code"]
        items += [summary_item(e, target=late.id_for_label, label=late.label) for e in late.errors]
    return items


def _form_page(request, application, form, *, refusal=None, file_errors=None, submit_form=None, status=200):
    rows = _rows(form, application, file_errors)
    submit_form = submit_form or SubmitForm()
    deadline_passed = _deadline_passed(application.contest, application)
    return render(
        request,
        "applications/edit.html",
        {
            "application": application,
            "contest": application.contest,
            "form": form,
            "rows": rows,
            "summary": _summary(
                form, rows, reasons=refusal or [], submit_form=submit_form, deadline_passed=deadline_passed
            ),
            "refused": refusal is not None,
            "file_params": ",".join(
                file_name(q) for q in form.questions if q.field_type == FormField.Type.FILE
            ),
            "submit_form": submit_form,
            "deadline_passed": deadline_passed,
            "returned": application.is_returned,
            "returned_note": _returned_note(application),
            "correction_deadline": application.correction_deadline,
            "now": clock.now(),
            "conflicts": getattr(form, "conflicts", []),
        },
        status=status,
    )


def _returned_note(application: Application) -> str:
    """What the organisers asked to correct, when they returned the application."""
    if not application.is_returned:
        return ""
    if application.screening_note:  # the return's note (Application.return_for_correction)
        return application.screening_note
    last = history(application).filter(state=Application.State.RETURNED).last()
    return (last.description or "") if last else ""


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _editable(request, pk)
    if isinstance(application, HttpResponse):
        return application
    questions = selectors.questions_for(application)
    if request.method != "POST":
        return _form_page(request, application, AnswersForm(application=application, questions=questions))

    form = AnswersForm(request.POST, application=application, questions=questions)
    form.is_valid()  # lenient fields: this only fills cleaned_data
    errors = _save(application, form, request.user)
    file_errors = _upload_files(request, application, questions)
    remove = request.POST.get("remove")
    if remove:
        attachment = application.attachments.filter(pk=remove).first()
        if attachment is not None:
            try:
                services.remove_attachment(attachment, by=request.user)
            except ValidationError as error:
                errors[""] = " ".join(error.messages)
    application.refresh_from_db()
    if errors or file_errors or getattr(form, "conflicts", []):
        _put_errors(form, errors)
        return _form_page(request, application, form, file_errors=file_errors)

    if "submit" in request.POST:
        submit_form = SubmitForm(request.POST)
        submit_form.is_valid()
        refusal = _submit(request, application, submit_form.cleaned_data.get("late_code", ""))
        if refusal is None:
            return redirect("applications:detail", pk=application.pk)
        # The answers as typed (all saved just now), each question's problem at the question.
        file_errors = {}
        refusal = _refusal_at_questions(application, questions, refusal, form, submit_form, file_errors)
        return _form_page(
            request, application, form, refusal=refusal, file_errors=file_errors, submit_form=submit_form
        )
    if remove:
        messages.success(request, _("The file was removed."))
    elif request.POST.get("upload"):
        messages.success(request, _("The file was uploaded."))
    else:
        messages.success(
            request,
            _("Your draft was saved at %(time)s.") % {"time": _local_time(application.contest, clock.now())},
        )
    anchor = request.POST.get("upload") or ""
    return redirect(reverse("applications:edit", args=[pk]) + (f"#question-{anchor}" if anchor else ""))


def _upload_files(request, application, questions) -> dict[str, str]:
    errors = {}
    for question in questions:
        upload = request.FILES.get(file_name(question))
        if question.field_type != FormField.Type.FILE or upload is None:
            continue
        try:
            services.add_attachment(application, field_key=question.key, upload=upload, by=request.user)
        except ValidationError as error:
            errors[question.key] = " ".join(error.messages)
    return errors


@login_required
@require_POST
def autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the form as it is now; answer a small status fragment for the live region."""
    application = _editable(request, pk)
    if isinstance(application, HttpResponse):
        return application
    questions = selectors.questions_for(application)
    form = AnswersForm(request.POST, application=application, questions=questions)
    form.is_valid()
    errors = _save(application, form, request.user)
    by_key = {q.key: q for q in questions}
    return render(
        request,
        "applications/partials/save_status.html",
        {
            "saved_at": _local_time(application.contest, clock.now()),
            "general_error": errors.pop("", ""),
            "errors": [
                {
                    "key": key,
                    "label": by_key[key].label if key in by_key else _("Project title"),
                    "message": message,
                }
                for key, message in errors.items()
            ],
            "questions": [q for q in questions if q.field_type != FormField.Type.FILE],
            "error_keys": errors,
            "conflicts": getattr(form, "conflicts", []),
            "version": Application.objects.values_list("version", flat=True).get(pk=application.pk),
        },
    )


# --- files --------------------------------------------------------------------------------------


def _file_question(application: Application, key: str) -> FormField:
    question = next(
        (
            q
            for q in selectors.questions_for(application)
            if q.key == key and q.field_type == FormField.Type.FILE
        ),
        None,
    )
    if question is None:
        raise Http404
    return question


def _file_fragment(request, application, question, error: str = "") -> HttpResponse:
    row = QuestionRow(
        question,
        attachment=application.attachments.filter(field_key=question.key).first(),
        file_error=error,
        file_input=file_name(question),
    )
    return render(
        request,
        "applications/partials/file_question.html",
        {"row": row, "application": application, "editable": True},
    )


@login_required
@require_POST
def upload(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    application = _editable(request, pk)
    if isinstance(application, HttpResponse):
        return application
    question = _file_question(application, key)
    upload = request.FILES.get(file_name(question)) or request.FILES.get("file")
    error = ""
    if upload is None:
        error = _("Choose a file first.")
    else:
        try:
            services.add_attachment(application, field_key=key, upload=upload, by=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    return _file_result(request, application, question, error, _("The file was uploaded."))


@login_required
@require_POST
def remove_file(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _editable(request, pk)
    if isinstance(application, HttpResponse):
        return application
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    question = _file_question(application, attachment.field_key)
    error = ""
    try:
        services.remove_attachment(attachment, by=request.user)
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    return _file_result(request, application, question, error, _("The file was removed."))


def _file_result(request, application, question, error: str, success: str) -> HttpResponse:
    """htmx gets the question's file block back; a plain post returns to the form with a message."""
    if request.htmx:
        return _file_fragment(request, application, question, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(reverse("applications:edit", args=[application.pk]) + f"#question-{question.key}")


@login_required
@require_safe
def download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _application(request, pk)
    if not request.user.has_perm("applications.view_answers", application):
        raise Http404  # a draft's files are the applicant's alone (issue 16)
    attachment = get_object_or_404(Attachment.objects.filter(application=application), pk=attachment_pk)
    return attachment_response(attachment, by=request.user, request=request)


# --- submission ---------------------------------------------------------------------------------


def _submit(request: HttpRequest, application: Application, late_code: str) -> list[str] | None:
    """None when submitted (with a message), else the reasons it was refused: the catalogue's
    step (applications/steps.py), its refusal shown as the list of what to do before submitting."""
    try:
        APPLICATION.run(application, "submit", user=request.user, data={"late_code": late_code})
    except Refusal as refusal:
        if refusal.kind == "forbidden":
            raise PermissionDenied(_("Only members of the applicant organisation may submit it.")) from None
        reasons = reasons_of(refusal)
        return reasons[1:] or reasons  # the problems themselves, without "This step was refused."
    messages.success(
        request,
        _("Your application was submitted. Its registration number is %(number)s.")
        % {"number": application.number},
    )
    return None


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if not application.is_editable:
        messages.info(request, _("This application was already submitted."))
        return redirect("applications:detail", pk=pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    refusal = _submit(request, application, form.cleaned_data.get("late_code", ""))
    if refusal is None:
        return redirect("applications:detail", pk=pk)
    return _detail_page(request, application, refusal=refusal, submit_form=form)


# --- reading ------------------------------------------------------------------------------------


def _detail_page(request, application, *, refusal=None, submit_form=None) -> HttpResponse:
    # A draft's answers are the applicant's alone: an organiser sees that it exists (issue 16).
    shown = request.user.has_perm("applications.view_answers", application)
    questions = selectors.questions_for(application) if shown else []
    attachments = {a.field_key: a for a in application.attachments.all()}
    answers = []
    for question in questions:
        if question.field_type == FormField.Type.FILE:
            answers.append({"question": question, "attachment": attachments.get(question.key)})
        else:
            answers.append(
                {
                    "question": question,
                    "value": display_answer(application.answers.get(question.key), empty="—"),
                }
            )
    revisions = list(selectors.revisions_of(application))
    user = request.user
    can_change = application.is_editable and user.has_perm("applications.change_application", application)
    deadline_passed = _deadline_passed(application.contest, application)
    submit_form = submit_form or SubmitForm()
    summary = []
    if refusal:
        summary = _detail_summary(application, questions, refusal, submit_form, can_change, deadline_passed)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "contest": application.contest,
            "answers": answers,
            "revisions": revisions,
            "latest": revisions[-1] if revisions else None,
            "history": history_rows(application),
            "can_change": can_change,
            "can_submit": APPLICATION.may(application, user, "submit"),
            "can_withdraw": APPLICATION.may(application, user, "withdraw"),
            "can_screen": user.has_perm("applications.screen_application", application),
            "received": application.awaits_screening and bool(revisions),
            "summary": summary,
            "submit_form": submit_form,
            "deadline_passed": deadline_passed,
            "returned": application.is_returned,
            "returned_note": _returned_note(application),
            "correction_deadline": application.correction_deadline,
            "correction_over": application.correction_over(),
            "now": clock.now(),
        },
    )


def _detail_summary(application, questions, reasons, submit_form, can_change, deadline_passed):
    """A submission refused from the application's page: each question's problem links to the
    question on the form (when the person may change it), the late-submission code to its field."""
    reasons = _refusal_at_questions(
        application, questions, reasons, submit_form=submit_form if deadline_passed else None
    )
    items = []
    if can_change:
        edit_url = reverse("applications:edit", args=[application.pk])
        by_key = {q.key: q for q in questions}
        attached = set(application.attachments.values_list("field_key", flat=True))
        linked = set()
        for problem in submission_problems(questions, application.answers, attached):
            question = by_key.get(problem.key)
            if question is None:
                continue
            target = (
                f"id_{file_name(question)}"
                if question.field_type == FormField.Type.FILE
                else f"id_{answer_name(question)}"
            )
            items.append(summary_item(problem.message, label=question.label, href=f"{edit_url}#{target}"))
            linked.add(problem.reason)
        reasons = [reason for reason in reasons if reason not in linked]
    items = [summary_item(reason) for reason in reasons] + items
    if deadline_passed and submit_form.is_bound:
        late = submit_form["late_code"]
        items += [summary_item(e, target=late.id_for_label, label=late.label) for e in late.errors]
    return items


@login_required
@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _application(request, pk))


@login_required
@require_safe
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    revisions = {r.number: r for r in selectors.revisions_of(application)}
    try:
        older = revisions[int(request.GET.get("from", ""))]
        newer = revisions[int(request.GET.get("to", ""))]
    except (KeyError, ValueError):
        raise Http404 from None
    questions = selectors.questions_for(application)
    changes = [
        {
            **change,
            "before": display_answer(change["before"], empty="—"),
            "after": display_answer(change["after"], empty="—"),
        }
        for change in selectors.diff_revisions(older, newer, questions)
    ]
    return render(
        request,
        "applications/diff.html",
        {"application": application, "older": older, "newer": newer, "changes": changes},
    )


# --- withdrawal ---------------------------------------------------------------------------------


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if not request.user.has_perm("applications.withdraw_application", application):
        raise PermissionDenied(_("Only members of the applicant organisation may withdraw it."))
    if not APPLICATION.may(application, request.user, "withdraw"):
        messages.info(request, _("This application can no longer be withdrawn."))
        return redirect("applications:detail", pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run_step(request, application, "withdraw", data={"note": form.cleaned_data["note"]})
        return redirect("applications:detail", pk=pk)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


# --- any step of the catalogue (applications/steps.py) -------------------------------------------


def _step_target(request: HttpRequest, pk: int) -> Application:
    """The application a step runs on (404 outside what the person may see), with the page to
    return to when the form gives no `next`: screening for its organisers, else its own page."""
    application = _application(request, pk)
    screens = application.state != Application.State.DRAFT and request.user.has_perm(
        "applications.screen_application", application
    )
    application.back_url = reverse(
        "applications:screening_detail" if screens else "applications:detail", args=[application.pk]
    )
    return application


application_step = step_view(_step_target, lambda application: application.back_url)
