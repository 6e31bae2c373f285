"""The organiser's side of applications: the list with bulk screening, one application's
screening page, late-submission codes and the exports.

Contests a user may not see answer 404, contests they do not organise 403 (the same as the
contests app's organiser pages); writing goes through applications.services.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from accounts.regions import Region
from applications import exports, services
from applications.answers import display_answer
from applications.downloads import attachment_response
from applications.models import Application, LateSubmissionCode
from applications.selectors import applications_visible_to, downloads_of, questions_for, revisions_of
from applications.steps import APPLICATION
from contests.models import Contest, Nomination
from contests.selectors import contests_visible_to
from core import clock
from core.fsm import history_rows
from core.steps import Step
from core.web import REFUSALS, add_errors, form_class, run_step

PAGE_SIZE = 50
SCREENABLE_STATES = [choice for choice in Application.State.choices if choice[0] != Application.State.DRAFT]
# The screening steps of the catalogue (applications/steps.py), in the order the pages show them.
SCREENING_STEPS = ("mark_eligible", "return_for_correction", "mark_ineligible")
# The names the screening forms posted before the steps had one name everywhere; still accepted.
OLD_OUTCOMES = {
    "eligible": "mark_eligible",
    "ineligible": "mark_ineligible",
    "return": "return_for_correction",
}


def _organised_contest(request: HttpRequest, contest_pk: int) -> Contest:
    """404 outside what the user may see, 403 without the right to change the contest."""
    contest = get_object_or_404(contests_visible_to(request.user), pk=contest_pk)
    if not request.user.has_perm("contests.change_contest", contest):
        raise PermissionDenied(_("Only the contest's organisers may do this."))
    return contest


# --- forms --------------------------------------------------------------------------------


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"), required=False, choices=[("", gettext_lazy("Any")), *SCREENABLE_STATES]
    )
    nomination = forms.ModelChoiceField(
        label=gettext_lazy("Nomination"),
        required=False,
        queryset=Nomination.objects.none(),
        empty_label=gettext_lazy("Any"),
    )
    region = forms.ChoiceField(
        label=gettext_lazy("Region"), required=False, choices=[("", gettext_lazy("Any")), *Region.choices]
    )
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Number, project title or organisation."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        nominations = Nomination.objects.filter(contest=contest).order_by("order", "pk")
        self.fields["nomination"].queryset = nominations

    def apply(self, rows):
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["nomination"]:
            rows = rows.filter(nomination=data["nomination"])
        if data["region"]:
            rows = rows.filter(organisation__region=data["region"])
        if term := data["q"].strip():
            rows = rows.filter(
                Q(number__icontains=term) | Q(title__icontains=term) | Q(organisation__name__icontains=term)
            )
        return rows


def _screening_steps() -> list[Step]:
    return [APPLICATION[name] for name in SCREENING_STEPS]


def _screening_step(request: HttpRequest) -> tuple[Step, dict] | None:
    """The screening step a form posted (`outcome`, by its name or its old one) and its input:
    the fields prefixed with the name the form used, blanks left out."""
    posted = request.POST.get("outcome", "")
    name = OLD_OUTCOMES.get(posted, posted)
    if name not in SCREENING_STEPS:
        return None
    prefix = f"{posted}-"
    data = {
        key[len(prefix) :]: value
        for key, value in request.POST.items()
        if key.startswith(prefix) and key != f"{posted}-outcome" and value.strip()
    }
    return APPLICATION[name], data


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class LateCodeForm(forms.Form):
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Valid until"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=LocalDateTimeInput(format="%Y-%m-%dT%H:%M"),
    )
    max_uses = forms.IntegerField(
        label=gettext_lazy("Uses allowed"),
        min_value=1,
        max_value=1000,
        initial=1,
        help_text=gettext_lazy("How many applications may be submitted with this code."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("For whom and why, for your colleagues."),
    )

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        self.fields["expires_at"].help_text = _("In the contest's time zone, %(zone)s.") % {
            "zone": contest.time_zone
        }
        if not self.is_bound:
            default = contest.local(clock.now() + timedelta(days=3)).replace(second=0, microsecond=0)
            self.initial["expires_at"] = default.replace(tzinfo=None)

    def clean_expires_at(self):
        value: datetime = self.cleaned_data["expires_at"]
        # The browser sends a wall-clock time; it is meant in the contest's zone, not the server's.
        value = timezone.make_naive(value) if timezone.is_aware(value) else value
        value = value.replace(tzinfo=ZoneInfo(self.contest.time_zone))
        if value <= clock.now():
            raise ValidationError(_("Choose a moment in the future."))
        return value


# --- the list and bulk screening --------------------------------------------------------


def _refusal_lines(refused: dict[int, list[str]]) -> list[str]:
    numbers = dict(Application.objects.filter(pk__in=refused).values_list("pk", "number"))
    return [
        _("%(number)s: %(reasons)s")
        % {"number": numbers.get(pk) or f"#{pk}", "reasons": " ".join(str(r) for r in reasons)}
        for pk, reasons in refused.items()
    ]


def _report(request: HttpRequest, step: Step, done: list[int], refused: dict[int, list[str]]) -> None:
    label = step.label
    if done:
        messages.success(
            request,
            ngettext(
                "“%(action)s”: %(count)d application done.",
                "“%(action)s”: %(count)d applications done.",
                len(done),
            )
            % {"action": label, "count": len(done)},
        )
    if refused:
        messages.error(
            request,
            ngettext(
                "“%(action)s” was refused for %(count)d application:",
                "“%(action)s” was refused for %(count)d applications:",
                len(refused),
            )
            % {"action": label, "count": len(refused)},
        )
        for line in _refusal_lines(refused):
            messages.error(request, line)


def _bulk_screen(request: HttpRequest, contest: Contest) -> None:
    """Run one screening step on each selected application, each on its own: a refusal stops no
    other. The input and the permission are checked once, before any runs; the step then runs
    set-based on all of them at once (services.screen_many)."""
    posted = _screening_step(request)
    if posted is None:
        messages.error(request, _("Choose what to do with the selected applications."))
        return
    step, data = posted
    raw_ids = [value for value in request.POST.getlist("applications") if value.isdigit()]
    applications = list(
        Application.objects.filter(contest=contest, pk__in=raw_ids)
        .exclude(state=Application.State.DRAFT)
        .select_related("contest", "organisation")
    )
    if not applications:
        messages.error(request, _("Select at least one application."))
        return
    payload = step.input(data=data)
    if not payload.is_valid():
        for errors in payload.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return
    # Every application here is of this contest: its roles, read once, answer the permission.
    contest = Contest.objects.prefetch_related("roles").get(pk=contest.pk)
    allowed, refused = [], {}
    for application in applications:
        application.contest = contest
        if request.user.has_perm(step.permission, application):
            allowed.append(application.pk)
        else:
            refused[application.pk] = [_("You may not screen this application.")]
    done, not_done = (
        services.screen_many(contest, allowed, step.name, by=request.user, **payload.validated_data)
        if allowed
        else ([], {})
    )
    _report(request, step, done, refused | not_done)


@login_required
def screening_list(request: HttpRequest, contest_pk: int) -> HttpResponse:
    contest = _organised_contest(request, contest_pk)
    if request.method == "POST":
        _bulk_screen(request, contest)
        query = request.GET.urlencode()
        return redirect(reverse("applications:screening", args=[contest.pk]) + (f"?{query}" if query else ""))
    filter_form = FilterForm(request.GET or None, contest=contest)
    rows = (
        Application.objects.filter(contest=contest)
        .exclude(state=Application.State.DRAFT)
        .select_related("organisation", "nomination")
        .only(
            "pk",
            "number",
            "title",
            "state",
            "submitted_at",
            "arrived_at",
            "ineligibility_reason",
            "organisation__name",
            "organisation__region",
            "organisation__settlement",
            "nomination__title",
        )
        .order_by("-submitted_at", "-pk")
    )
    rows = filter_form.apply(rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/screening_list.html",
        {
            "contest": contest,
            "filter_form": filter_form,
            "page_obj": page,
            "query": query.urlencode(),
            "form_query": request.GET.urlencode(),
            "bulk_steps": [
                {"step": step, "form": form_class(step.input)(prefix=step.name)}
                for step in _screening_steps()
            ],
        },
    )


# --- one application -----------------------------------------------------------------------


def _screenable(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(
        applications_visible_to(request.user)
        .exclude(state=Application.State.DRAFT)
        .select_related("contest", "organisation", "nomination"),
        pk=pk,
    )
    if not request.user.has_perm("applications.screen_application", application):
        raise PermissionDenied(_("Only the contest's organisers may screen applications."))
    return application


@login_required
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _screenable(request, pk)
    if request.method == "POST":
        # The page's buttons post to applications:step; this keeps older forms working.
        posted = _screening_step(request)
        if posted is None:
            raise Http404
        step, data = posted
        run_step(request, application, step.name, data=data)
        return redirect("applications:screening_detail", pk=application.pk)
    # Never a draft's answers, even of one withdrawn before submission (issue 16).
    shown = request.user.has_perm("applications.view_answers", application)
    questions = questions_for(application) if shown else []
    attachments = {a.field_key: a for a in application.attachments.all()} if shown else {}
    answers = [
        {
            "question": question,
            "value": display_answer(application.answers.get(question.key)),
            "attachment": attachments.get(question.key),
        }
        for question in questions
    ]
    return render(
        request,
        "applications/screening_detail.html",
        {
            "application": application,
            "contest": application.contest,
            "answers": answers,
            "attachments": list(attachments.values()),
            "revisions": list(revisions_of(application)),
            # The latest downloads of its files; GET /api/v1/applications/{id}/downloads/ pages all.
            "downloads": list(downloads_of(application)[:DOWNLOADS_SHOWN]),
            "downloads_count": downloads_of(application).count(),
            "history": history_rows(application),
            "screening_steps": ",".join(SCREENING_STEPS),
            "returned": application.is_returned,
            "correction_deadline": application.correction_deadline,
            "correction_over": application.correction_over(),
            "may_screen": any(
                step.name in SCREENING_STEPS for step in APPLICATION.allowed(application, request.user)
            ),
        },
    )


DOWNLOADS_SHOWN = 50


@login_required
@require_safe
def screening_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _screenable(request, pk)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    return attachment_response(attachment, by=request.user, request=request)


# --- late-submission codes ----------------------------------------------------------------


@login_required
def late_codes(request: HttpRequest, contest_pk: int) -> HttpResponse:
    contest = _organised_contest(request, contest_pk)
    form = LateCodeForm(request.POST or None, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            code = services.issue_late_code(contest, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Code %(code)s was issued. Give it to the applicant who may submit late.")
                % {"code": code.code},
            )
            return redirect("applications:late_codes", contest_pk=contest.pk)
    codes = LateSubmissionCode.objects.filter(contest=contest).order_by("-created_at", "-pk")
    page = Paginator(codes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/late_codes.html",
        {"contest": contest, "form": form, "page_obj": page, "now": clock.now()},
    )


# --- exports --------------------------------------------------------------------------------


@login_required
@require_safe
def export(request: HttpRequest, contest_pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    contest = _organised_contest(request, contest_pk)
    return exports.csv_response(contest) if fmt == "csv" else exports.xlsx_response(contest)
