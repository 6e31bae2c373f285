"""Web pages of the depository.

Public: the catalogue with search and filters, a case at its permanent number, its public files.
Applicants: consent to publication (a panel on the application's page). Organisers: the contest's
cases, publication and the presentation list with its export.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from applications.downloads import attachment_response
from applications.models import Application, Attachment
from applications.selectors import applications_visible_to
from contests.models import Contest
from contests.selectors import contests_visible_to
from core import exports as sheets
from core.fsm import history_rows
from core.web import REFUSALS, add_errors, step_view, tell_refused
from depository import exports, selectors, services
from depository.cases import section_rows, snapshot
from depository.filters import PracticeFilter
from depository.forms import CaseEServicesForm, ConsentForm, PresentationForm
from depository.indicators import indicator_results
from depository.models import Consent, Practice

PAGE_SIZE = 20
MANAGE_PAGE_SIZE = 50


# --- public -------------------------------------------------------------------------------------------


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    filters = PracticeFilter(request.GET or None, queryset=selectors.catalogue())
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "depository/catalogue.html",
        {"filters": filters, "page_obj": page, "query": query.urlencode(), "searched": bool(request.GET)},
    )


def _published(number: int) -> Practice:
    return get_object_or_404(selectors.case_detail(), pk=number)


@require_safe
def detail(request: HttpRequest, number: int) -> HttpResponse:
    practice = _published(number)
    return render(
        request,
        "depository/detail.html",
        {
            "practice": practice,
            "sections": section_rows(practice.sections, practice.layout),
            "categories": list(practice.categories.all()),
            "files": practice.application.public_files,
            "eservices": practice.public_eservices,
            "indicators": indicator_results([practice]).get(practice.pk, []),
            "can_change": request.user.has_perm("depository.change_practice", practice),
        },
    )


@require_safe
def download(request: HttpRequest, number: int, attachment_pk: int) -> HttpResponse:
    """A file of a published case, only while the applicant keeps it marked public."""
    practice = get_object_or_404(selectors.published(), pk=number)
    attachment = get_object_or_404(
        Attachment.objects.filter(application_id=practice.application_id, public=True), pk=attachment_pk
    )
    return attachment_response(attachment, public=True)  # published: not a private file


# --- applicants: consent ------------------------------------------------------------------------------


def consent_context(application: Application, user) -> dict:
    consent = Consent.objects.filter(application=application).first()
    practice = Practice.objects.filter(application=application).only("pk", "state").first()
    return {
        "application": application,
        "consent": consent,
        "practice": practice,
        "can_consent": user.has_perm("depository.give_consent", application),
        "consent_form": ConsentForm(initial={"granted": "yes" if consent and consent.granted else "no"}),
    }


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        applications_visible_to(request.user).select_related("organisation"), pk=pk
    )
    if not request.user.has_perm("depository.give_consent", application):
        raise PermissionDenied(_("Only members of the applicant organisation may decide on publication."))
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.set_consent(application, by=request.user, granted=form.cleaned_data["granted"])
        text = (
            _("Thank you: the organisers may publish this application as a best-practice case.")
            if form.cleaned_data["granted"]
            else _("Your decision is saved: the application will not be published as a case.")
        )
    else:
        text = _("Choose whether you consent to publication.")
    if request.htmx:
        context = consent_context(application, request.user)
        context["consent_message"] = text
        return render(request, "depository/partials/consent.html", context)
    messages.success(request, text) if form.is_valid() else messages.error(request, text)
    return redirect("applications:detail", pk=application.pk)


# --- organisers -----------------------------------------------------------------------------------------


def _managed_contest(request: HttpRequest, pk: int) -> Contest:
    """404 for a contest the user may not see; 403 for one they see but do not organise."""
    contest = get_object_or_404(contests_visible_to(request.user), pk=pk)
    if not request.user.has_perm("depository.manage_practices", contest):
        raise PermissionDenied(_("Only the contest's organisers manage its cases."))
    return contest


def _managed_practice(request: HttpRequest, number: int) -> Practice:
    """404 for a case outside the contests the user organises."""
    return get_object_or_404(
        selectors.practices_managed_by(request.user).select_related("contest", "application"), pk=number
    )


@login_required
@require_safe
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    page = Paginator(selectors.candidates(contest), MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    # The rows' steps ask the contest's roles: read them once, not once per case.
    prefetch_related_objects([contest], "roles")
    for application in page.object_list:
        practice = getattr(application, "practice", None)
        if practice is not None:
            practice.contest = contest
    return render(
        request,
        "depository/manage.html",
        {
            "contest": contest,
            "page_obj": page,
            "presentations": selectors.presentation_list(contest),
        },
    )


def _back(contest_pk: int) -> HttpResponse:
    return redirect("depository:manage", pk=contest_pk)


@login_required
@require_POST
def select(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    application = get_object_or_404(Application.objects.filter(contest=contest), pk=application_pk)
    try:
        services.select_case(application, by=request.user)
        messages.success(request, _("The application was added to the cases. Publish it when ready."))
    except REFUSALS as error:
        tell_refused(request, error)
    return _back(contest.pk)


@login_required
@require_POST
def select_winners(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    added = services.select_winners(contest, by=request.user)
    messages.success(request, _("Winners' cases added: %(count)s.") % {"count": added})
    return _back(contest.pk)


# Publishing and withdrawing a case: the steps of depository/steps.py, at cases/<number>/<step>/.
transition = step_view(
    _managed_practice, lambda practice: reverse("depository:manage", args=[practice.contest_id])
)


@login_required
@require_POST
def remove(request: HttpRequest, number: int) -> HttpResponse:
    practice = _managed_practice(request, number)
    if not request.user.has_perm("depository.change_practice", practice):
        raise PermissionDenied
    try:
        services.remove_draft(practice, by=request.user)
        messages.success(request, _("The case was removed from the list."))
    except REFUSALS as error:
        tell_refused(request, error)
    return _back(practice.contest_id)


@login_required
@require_POST
def presentation(request: HttpRequest, number: int) -> HttpResponse:
    practice = _managed_practice(request, number)
    if not request.user.has_perm("depository.change_practice", practice):
        raise PermissionDenied
    form = PresentationForm(request.POST)
    if form.is_valid():
        services.mark_presentation(
            practice, by=request.user, selected=form.cleaned_data["selected"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("The presentation list is updated."))
    else:
        messages.error(request, _("The note is too long."))
    return _back(practice.contest_id)


@login_required
def case_eservices(request: HttpRequest, number: int) -> HttpResponse:
    """Which e-services of the case's organisation the case describes (organisers)."""
    practice = _managed_practice(request, number)
    if not request.user.has_perm("depository.change_practice", practice):
        raise PermissionDenied
    choices = selectors.eservice_choices(practice)
    form = CaseEServicesForm(
        request.POST or None, choices=choices, initial={"eservices": list(practice.eservices.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_eservices(practice, list(form.cleaned_data["eservices"]), by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The case's e-services were saved."))
            return _back(practice.contest_id)
    return render(
        request,
        "depository/case_eservices.html",
        {"practice": practice, "form": form, "has_choices": choices.exists()},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def preview(request: HttpRequest, number: int) -> HttpResponse:
    """What publishing now would show: the snapshot of the application as it stands, unsaved."""
    practice = _managed_practice(request, number)
    if not request.user.has_perm("depository.change_practice", practice):
        raise PermissionDenied
    application = Application.objects.select_related("contest", "organisation").get(
        pk=practice.application_id
    )
    for field, value in snapshot(application).items():
        setattr(practice, field, value)
    return render(
        request,
        "depository/detail.html",
        {
            "practice": practice,
            "preview": True,
            "sections": section_rows(practice.sections, practice.layout),
            "categories": list(application.categories.select_related("classifier")),
            "files": list(application.attachments.filter(public=True)),
            "indicators": [],
            "history": history_rows(practice),
            "contest": practice.contest,
            "can_change": True,
        },
    )


@login_required
@require_safe
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    contest = _managed_contest(request, pk)
    sheet = exports.PresentationSheet(contest, request)
    if fmt == "csv":
        return sheets.csv_sheet_response(sheet, exports.filename(contest, "csv"))
    if fmt == "xlsx":
        return sheets.xlsx_sheet_response(sheet, exports.filename(contest, "xlsx"), _("Presentations"))
    raise Http404
