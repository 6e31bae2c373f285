"""The grant officer's pages: the contest's grants dashboard and exports, creating a grant for an
awarded application, terminating a grant, reviewing a report, paying a tranche (approving one is a
catalogue step: grants/views/steps.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from applications.models import Application
from contests.models import Contest
from core.web import REFUSALS, add_errors, run_step
from grants import dashboards, exports, selectors, services
from grants.forms import IndicatorForm, OfferGrantForm, PayTrancheForm, ReviewReportForm, TerminateForm
from grants.models import Grant
from grants.views.common import grant_for, officer_contest, report_for, tranche_for
from grants.views.grantee import render_grant, render_report
from grants.workplan_selectors import late_activities


def _require(request: HttpRequest, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("Only the contest's grant officers may do this."))


# --- the contest's dashboard --------------------------------------------------------------------


def render_dashboard(
    request: HttpRequest, contest: Contest, *, indicator_form: IndicatorForm | None = None, status: int = 200
) -> HttpResponse:
    """The dashboard; `indicator_form` is the new-indicator form when it came back with errors."""
    board = dashboards.officer_dashboard(contest)
    table = board.indicators
    return render(
        request,
        "grants/dashboard.html",
        {
            "contest": contest,
            "dashboard": board,
            "overall": [{"indicator": i, "figure": table.overall[i.pk]} for i in table.indicators],
            "by_grant": [
                {"grant": grant, "figures": [table.by_grant[grant.pk][i.pk] for i in table.indicators]}
                for grant in board.grants
            ],
            "can_offer": contest.state in (Contest.State.ANNOUNCED, Contest.State.ARCHIVED),
            "can_manage_indicators": request.user.has_perm("grants.manage_indicators", contest),
            "indicator_form": indicator_form or IndicatorForm(),
            "exports": [("grants", _("Grants")), ("tranches", _("Tranches")), ("reports", _("Reports"))],
            "late_activities": list(late_activities(contest=contest)),
        },
        status=status,
    )


@login_required
@require_safe
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return render_dashboard(request, officer_contest(request, pk))


@login_required
@require_POST
def indicator(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an indicator to the contest; on an error the dashboard comes back with the form."""
    contest = officer_contest(request, pk)
    if not request.user.has_perm("grants.manage_indicators", contest):
        raise Http404
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.add_indicator(contest, by=request.user, **form.cleaned_data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The indicator is added: set each grant's targets on its page."))
            return redirect("grants:dashboard", pk=contest.pk)
    return render_dashboard(request, contest, indicator_form=form, status=400)


@login_required
@require_safe
def export(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    if kind not in exports.SHEETS or fmt not in exports.FORMATS:
        raise Http404
    return exports.sheet_response(officer_contest(request, pk), kind, fmt)


@login_required
@require_safe
def chart_csv(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    contest = officer_contest(request, pk)
    chart = dashboards.officer_dashboard(contest).charts.get(name)
    if chart is None:
        raise Http404
    return exports.chart_csv_response(contest, chart)


# --- grants -------------------------------------------------------------------------------------


def _awarded_without_grant(contest: Contest):
    return (
        Application.objects.filter(contest=contest, state=Application.State.AWARDED, grant__isnull=True)
        .select_related("organisation")
        .order_by("number", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    contest = officer_contest(request, pk)
    applications = _awarded_without_grant(contest)
    form = OfferGrantForm(request.POST or None, applications=applications)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.offer_grant(
                data["application"],
                by=request.user,
                amount=data["amount"],
                purpose=data["purpose"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The grant is offered; the grantee has been told."))
            return redirect("grants:detail", pk=grant.pk)
    return render(
        request,
        "grants/offer.html",
        {
            "contest": contest,
            "form": form,
            "budget": selectors.budget_of(contest),
            "empty": not applications.exists(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def terminate(request: HttpRequest, pk: int) -> HttpResponse:
    grant = grant_for(request, pk)
    _require(request, "grants.terminate_grant", grant)
    form = TerminateForm(request.POST)
    if form.is_valid() and run_step(
        request, grant, "terminate", {"note": form.cleaned_data["reason"]}, form=form
    ):
        messages.success(request, _("The grant is terminated; its unpaid tranches are cancelled."))
        return redirect("grants:detail", pk=grant.pk)
    return render_grant(request, grant_for(request, pk), forms={"terminate_form": form}, status=400)


# --- reports and tranches -----------------------------------------------------------------------


@login_required
@require_POST
def review_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request, pk)
    _require(request, "grants.review_report", report)
    form = ReviewReportForm(request.POST)
    if form.is_valid():
        # The decision names the catalogue's step: "accept" or "request_changes".
        decision = form.cleaned_data["decision"]
        if run_step(request, report, decision, {"note": form.cleaned_data["note"]}, form=form):
            if decision == ReviewReportForm.ACCEPT:
                messages.success(
                    request, _("The report is accepted; the tranches waiting for it are approved.")
                )
            else:
                messages.success(request, _("The report is sent back with your note."))
            return redirect("grants:report", pk=report.pk)
    return render_report(request, report_for(request, pk), review_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def pay_tranche(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = tranche_for(request, pk)
    _require(request, "grants.pay_tranche", tranche)
    grant: Grant = tranche.grant
    if request.method == "POST":
        form = PayTrancheForm(request.POST)
        if form.is_valid() and run_step(request, tranche, "pay", form.cleaned_data, form=form):
            messages.success(request, _("The payment is recorded; the grantee has been told."))
            return redirect("grants:detail", pk=grant.pk)
    else:
        form = PayTrancheForm(initial={"paid_on": dashboards.today_in(grant.contest)})
    return render(
        request,
        "grants/pay.html",
        {"tranche": tranche, "grant": grant, "contest": grant.contest, "form": form},
        status=400 if form.errors else 200,
    )
