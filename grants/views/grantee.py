"""The grantee's pages (also read by the contest's grant officers): the list of grants, a grant
with its tranches, reports, budget and indicators, and a report with its form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from applications.downloads import attachment_response
from core.files import StorageUnavailable, storing
from core.fsm import history_rows
from core.web import REFUSALS, add_errors, run_step
from grants import dashboards, selectors, services
from grants.forms import (
    BankDetailsForm,
    BudgetLineForm,
    ReportForm,
    ReviewReportForm,
    SignAgreementForm,
    TargetForm,
    TerminateForm,
    TrancheForm,
)
from grants.models import BudgetLine, Disbursement, Grant, GrantReport, Indicator, IndicatorTarget
from grants.steps import REPORT
from grants.views.common import grant_for, report_for
from grants.workplan_selectors import late_activities


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Where the "Grants" link leads: the user's organisations' grants and the contests whose
    grants they manage."""
    mine = list(
        selectors.grants_visible_to(request.user)
        .filter(caller_is_grantee=True)
        .annotate(
            open_reports=Count("reports", filter=Q(reports__state__in=GrantReport.OPEN_STATES), distinct=True)
        )
        .order_by("-starts_on", "pk")
    )
    contests = list(selectors.contests_with_grants_for(request.user).order_by("-opens_at", "pk"))
    late = list(late_activities(officer=request.user)) if contests else []
    return render(
        request, "grants/index.html", {"grants": mine, "contests": contests, "late_activities": late}
    )


def _budget_lines(grant: Grant) -> list[BudgetLine]:
    accepted = Q(spending__report__state=GrantReport.State.ACCEPTED)
    return list(
        grant.budget_lines.annotate(spent=Sum("spending__amount", filter=accepted)).order_by("order", "pk")
    )


def reporting_periods(grant: Grant, reports: list[GrantReport] | None = None) -> list[GrantReport]:
    """The grant's reporting periods, one report per period end (targets are keyed by it)."""
    if reports is None:
        reports = list(grant.reports.order_by("due_on", "pk"))
    periods: dict = {}
    for report in sorted(reports, key=lambda r: (r.period_end, r.pk)):
        periods.setdefault(report.period_end, report)
    return list(periods.values())


def _target_rows(grant: Grant, indicators: list[Indicator], periods: list[GrantReport]) -> list[dict]:
    """One row per indicator of the contest: its target in each reporting period, or None."""
    values = {
        (indicator_id, period_end): value
        for indicator_id, period_end, value in grant.targets.values_list(
            "indicator_id", "period_end", "value"
        )
    }
    return [
        {"indicator": indicator, "cells": [values.get((indicator.pk, r.period_end)) for r in periods]}
        for indicator in indicators
    ]


def render_grant(
    request: HttpRequest, grant: Grant, *, forms: dict | None = None, status: int = 200
) -> HttpResponse:
    """The grant page; `forms` holds a bound form that came back with errors, by its name."""
    user = request.user
    is_officer = user.has_perm("grants.change_grant", grant)
    totals = selectors.grant_totals(grant)
    live = grant.state in Grant.LIVE_STATES
    # Annotated for this user, so the rows' steps ({% steps tranche %}) ask no query each.
    tranches = list(selectors.tranches_visible_to(user).filter(grant=grant).order_by("planned_on", "pk"))
    for tranche in tranches:
        tranche.grant = grant
    complete_problems = grant.complete_problems() if is_officer and grant.state == Grant.State.ACTIVE else []
    reports = list(selectors.with_overdue(grant.reports.all()).order_by("due_on", "pk"))
    indicators = list(Indicator.objects.filter(contest_id=grant.contest_id).order_by("order", "pk"))
    periods = reporting_periods(grant, reports)
    blank = {
        "terminate_form": TerminateForm(),
        "sign_form": SignAgreementForm(),
        "bank_form": BankDetailsForm(
            initial={
                "payee_name": grant.payee_name,
                "payee_bank": grant.payee_bank,
                "payee_iban": grant.payee_iban,
            }
        ),
        "tranche_form": TrancheForm(reports=grant.reports.order_by("due_on")),
        "line_form": BudgetLineForm(),
        "target_form": TargetForm(
            indicators=Indicator.objects.filter(contest_id=grant.contest_id).order_by("order", "pk"),
            reports=periods,
        ),
    }
    return render(
        request,
        "grants/detail.html",
        {
            "grant": grant,
            "contest": grant.contest,
            "totals": totals,
            "remaining": grant.amount - totals["paid"],
            "tranches": tranches,
            "reports": reports,
            "lines": _budget_lines(grant),
            "charts": dashboards.grant_indicator_charts(grant),
            "periods": periods,
            "target_rows": _target_rows(grant, indicators, periods),
            "can_set_targets": is_officer and bool(indicators) and bool(periods),
            "is_officer": is_officer,
            "can_see_bank": user.has_perm("grants.view_bank_details", grant),
            "can_change_bank": live and user.has_perm("grants.change_bank_details", grant),
            "activate_problems": (
                grant.activate_problems()
                if is_officer and grant.state == Grant.State.AGREEMENT_SIGNED
                else []
            ),
            "complete_problems": complete_problems,
            # The page has its own forms for these steps; {% steps grant %} shows the others.
            # Completion waits until nothing is left open: the page lists what is.
            "steps_elsewhere": ",".join(
                ["sign_agreement", "terminate", *(["complete"] if complete_problems else [])]
            ),
            "live": live,
            "history": history_rows(grant),
            **blank,
            **(forms or {}),
        },
        status=status,
    )


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_grant(request, grant_for(request, pk))


# --- reports -----------------------------------------------------------------------------------


def _report_form(report: GrantReport, data=None, files=None) -> ReportForm:
    grant = report.grant
    indicators = list(Indicator.objects.filter(contest_id=grant.contest_id).order_by("order", "pk"))
    targets = dict(
        IndicatorTarget.objects.filter(grant=grant, period_end=report.period_end).values_list(
            "indicator_id", "value"
        )
    )
    return ReportForm(
        data,
        files,
        report=report,
        indicators=indicators,
        lines=list(grant.budget_lines.order_by("order", "pk")),
        targets=targets,
    )


def render_report(
    request: HttpRequest, report: GrantReport, *, form=None, review_form=None, status: int = 200
) -> HttpResponse:
    grant = report.grant
    writable = report.state in GrantReport.OPEN_STATES and request.user.has_perm(
        "grants.write_report", report
    )
    # The review form offers the catalogue's two steps, "accept" and "request_changes".
    reviewable = REPORT.may(report, request.user, "accept")
    read_form = _report_form(report)
    return render(
        request,
        "grants/report.html",
        {
            "report": report,
            "grant": grant,
            "contest": grant.contest,
            "writable": writable,
            "form": form or (read_form if writable else None),
            "read": read_form,
            "attachments": list(report.attachments.order_by("pk")),
            "reviewable": reviewable,
            "review_form": review_form or (ReviewReportForm() if reviewable else None),
            "changes_requested": report.state == GrantReport.State.CHANGES_REQUESTED,
            "overdue": report.state in GrantReport.OPEN_STATES
            and report.due_on < dashboards.today_in(grant.contest),
            "waiting": list(
                report.waiting_tranches.exclude(state=Disbursement.State.CANCELLED).order_by("pk")
            ),
            "history": history_rows(report),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request, pk)
    if request.method == "GET":
        return render_report(request, report)
    if not request.user.has_perm("grants.write_report", report):
        raise PermissionDenied(_("Only members of the grantee organisation write its reports."))
    form = _report_form(report, request.POST, request.FILES)
    if not form.is_valid():
        return render_report(request, report, form=form, status=400)
    try:
        # The draft and its files are saved together or not at all…
        with storing(), transaction.atomic():
            report = services.save_report(
                report,
                by=request.user,
                narrative=form.cleaned_data["narrative"],
                actuals=form.actuals(),
                spending=form.spending(),
            )
            for upload in form.cleaned_data["attachments"]:
                services.add_report_attachment(report, by=request.user, upload=upload)
    except StorageUnavailable:
        # …unless the storage is down: then the draft is saved without them, and the 503 page
        # (core.middleware) asks for the files again later.
        services.save_report(
            report_for(request, pk),
            by=request.user,
            narrative=form.cleaned_data["narrative"],
            actuals=form.actuals(),
            spending=form.spending(),
        )
        raise
    except REFUSALS as error:
        add_errors(form, error)
        if form.cleaned_data["attachments"]:
            form.add_error(
                "attachments", _("Nothing was saved: choose the files again after the correction.")
            )
        return render_report(request, report_for(request, pk), form=form, status=400)
    if "submit" not in request.POST:
        messages.success(request, _("The draft is saved. Submit the report when it is complete."))
        return redirect("grants:report", pk=report.pk)
    # The draft stays saved; a refusal is shown next to the form, the missing narrative at its field.
    saved = report_for(request, pk)
    form = _report_form(saved, request.POST)
    form.is_valid()
    missing_narrative = _("Describe what was done in the period.")
    if not run_step(request, saved, "submit", {}, form=form, at={missing_narrative: "narrative"}):
        messages.info(request, _("Your draft is saved, but the report could not be submitted yet."))
        return render_report(request, report_for(request, pk), form=form, status=400)
    messages.success(request, _("The report is submitted. The grant officer will check it."))
    return redirect("grants:report", pk=report.pk)


@login_required
@require_safe
def report_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    report = report_for(request, pk)
    attachment = get_object_or_404(report.attachments, pk=file_pk)
    return attachment_response(
        attachment, by=request.user, application_id=report.grant.application_id, request=request
    )
