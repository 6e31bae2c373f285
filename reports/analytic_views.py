"""The analytic reports' pages: a contest's reports with the form for a new one (its organisers),
a report's printable page (anyone who may read it), its editing form, its steps, its PDF and
workbook, and the public list of published reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from campaigns.models import Campaign
from campaigns.selectors import managed_campaigns
from contests.models import Contest
from contests.selectors import contests_visible_to
from core import versioning
from core.web import add_errors, step_view
from reports import analytic_exports, pdf, services
from reports.analytic_selectors import (
    candidate_cases,
    cited_cases,
    public_reports,
    report_context,
    reports_of_campaign,
    reports_of_contest,
    reports_visible_to,
)
from reports.forms import AnalyticReportForm
from reports.models import AnalyticReport


def _organised(request: HttpRequest, pk: int) -> Contest:
    contest = get_object_or_404(contests_visible_to(request.user), pk=pk)
    if not request.user.has_perm("reports.add_analyticreport", contest):
        raise Http404
    return contest


def _readable(request: HttpRequest, pk: int) -> AnalyticReport:
    return get_object_or_404(reports_visible_to(request.user), pk=pk)


def _writable(request: HttpRequest, pk: int) -> AnalyticReport:
    report = _readable(request, pk)
    if not request.user.has_perm("reports.change_analyticreport", report):
        raise Http404
    return report


def _subject_page(request: HttpRequest, subject, reports, back_url: str) -> HttpResponse:
    form = AnalyticReportForm(request.POST or None, candidates=candidate_cases(subject))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.create_report(
                subject,
                by=request.user,
                title=data["title"],
                summary=data["summary"],
                findings=data["findings"],
                recommendations=data["recommendations"],
                cases=form.ordered_cases([]),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The report was created as a draft."))
            return redirect("reports:analytic_detail", pk=report.pk)
    return render(
        request,
        "reports/analytic/contest_list.html",
        {
            "subject": subject,
            "is_campaign": isinstance(subject, Campaign),
            "reports": reports,
            "form": form,
            "back_url": back_url,
        },
        status=400 if form.errors else 200,
    )


@login_required
def contest_reports(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _organised(request, pk)
    back = reverse("contests:manage", args=[pk])
    return _subject_page(request, contest, reports_of_contest(contest), back)


@login_required
def campaign_reports(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(managed_campaigns(request.user), pk=pk)
    back = reverse("campaigns:detail", args=[pk])
    return _subject_page(request, campaign, reports_of_campaign(campaign), back)


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    reports = public_reports().select_related("contest", "campaign").order_by("-published_at", "-pk")
    return render(
        request,
        "reports/analytic/public_list.html",
        {"page": Paginator(reports, 25).get_page(request.GET.get("page"))},
    )


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable(request, pk)
    context = report_context(report)
    context["writable"] = request.user.has_perm("reports.change_analyticreport", report)
    context["problems"] = report.publish_problems() if not report.is_published else []
    return render(request, "reports/analytic/detail.html", context)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _writable(request, pk)
    before = cited_cases(report)
    initial = {
        "title": report.title,
        "summary": report.summary,
        "findings": report.findings,
        "recommendations": report.recommendations,
        "cases": [p.pk for p in before],
        "version": report.version,
    }
    form = AnalyticReportForm(
        request.POST or None, initial=initial, candidates=candidate_cases(report.subject)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_report(
                report,
                by=request.user,
                version=versioning.parse_version(request.POST.get("version")),
                title=data["title"],
                summary=data["summary"],
                findings=data["findings"],
                recommendations=data["recommendations"],
                cases=form.ordered_cases(before),
            )
        except ValidationError as error:
            add_errors(form, error)
        except versioning.StaleVersion as stale:
            changed = ", ".join(stale.changed) or "—"
            form.add_error(
                None,
                _(
                    "Someone saved this report since you opened it (changed: %(fields)s). Your text "
                    "is kept below: copy what you need, reload the page and apply it again."
                )
                % {"fields": changed},
            )
        else:
            messages.success(request, _("The report was saved."))
            return redirect("reports:analytic_detail", pk=report.pk)
    return render(
        request,
        "reports/analytic/edit.html",
        {"report": report, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    report = _writable(request, pk)
    try:
        services.delete_report(report, by=request.user)
    except ValidationError as error:
        for line in error.messages:
            messages.error(request, line)
        return redirect("reports:analytic_detail", pk=pk)
    messages.success(request, _("The draft report was deleted."))
    if report.campaign_id:
        return redirect("reports:analytic_campaign", pk=report.campaign_id)
    return redirect("reports:analytic_contest", pk=report.contest_id)


step = step_view(_writable, lambda report: reverse("reports:analytic_detail", args=[report.pk]))


@require_safe
def download_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _readable(request, pk)
    response = HttpResponse(pdf.analytic_pdf(report_context(report)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="analytic-report-{report.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def download_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return analytic_exports.analytic_xlsx_response(report_context(_readable(request, pk)))
