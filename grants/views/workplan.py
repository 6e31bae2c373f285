"""The project card, the work plan (its activities, their steps, the printable months table and
the XLSX) and the yearly indicator report of a grant. The grantee's members and the grant
officers edit while the grant runs; both read always (others get 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from applications.downloads import attachment_response
from core import versioning
from core.files import StorageUnavailable, storing
from core.forms import error_summary_items, summary_item
from core.fsm import history_rows
from core.web import REFUSALS, add_errors, run_step, step_view
from grants.models import Grant, PlanActivity
from grants.services import work_plan
from grants.views.common import grant_for
from grants.workplan_exports import MARK, EvidenceFile, work_plan_response
from grants.workplan_forms import ActivityForm, CardForm, CompleteActivityForm, FundingSourceFormSet
from grants.workplan_selectors import (
    activities_visible_to,
    annual_indicator_report,
    card_of,
    funding_of,
    plan_table,
)


def _can_edit(request: HttpRequest, grant: Grant) -> bool:
    return request.user.has_perm("grants.edit_work_plan", grant)


def _require_edit(request: HttpRequest, obj) -> None:
    if not request.user.has_perm("grants.edit_work_plan", obj):
        raise PermissionDenied(
            _("The work plan changes while the grant runs, by its grantee or grant officers.")
        )


def activity_for(request: HttpRequest, pk: int) -> PlanActivity:
    activity = get_object_or_404(activities_visible_to(request.user), pk=pk)
    activity.grant = grant_for(request, activity.grant_id)
    return activity


def _stale_message(error: versioning.StaleVersion) -> str:
    return _(
        "Someone else saved this since you opened it (%(fields)s). Your entries are kept below: "
        "check them and save again to replace theirs."
    ) % {"fields": ", ".join(error.changed) or "—"}


# --- the card -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def card(request: HttpRequest, pk: int) -> HttpResponse:
    grant = grant_for(request, pk)
    current = card_of(grant)
    sources = list(grant.funding_sources.order_by("order", "pk"))
    can_edit = _can_edit(request, grant)
    status = 200
    if request.method == "POST":
        _require_edit(request, grant)
        form = CardForm(request.POST)
        formset = FundingSourceFormSet(request.POST, prefix="sources")
        if form.is_valid() and formset.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            rows = [row for row in formset.cleaned_data if row and row.get("name")]
            try:
                work_plan.save_card(
                    grant,
                    by=request.user,
                    version=version if current.pk else None,
                    funding_sources=rows,
                    **data,
                )
            except versioning.StaleVersion as error:
                form.add_error(None, _stale_message(error))
                form.data = form.data.copy()
                form.data["version"] = str(error.current)
            except REFUSALS as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The project card is saved."))
                return redirect("grants:card", pk=grant.pk)
        status = 400
    else:
        form = CardForm(
            initial={
                "organiser": current.organiser,
                "manager_name": current.manager_name,
                "manager_position": current.manager_position,
                "manager_contact": current.manager_contact,
                "version": current.version,
            }
        )
        formset = FundingSourceFormSet(
            prefix="sources",
            initial=[{"name": s.name, "amount": s.amount, "currency": s.currency} for s in sources],
        )
    return render(
        request,
        "grants/workplan/card.html",
        {
            "grant": grant,
            "card": current,
            "funding": funding_of(grant, sources),
            "can_edit": can_edit,
            "form": form,
            "formset": formset,
            # The sources' errors join the card's in the summary at the top.
            "source_errors": [summary_item(e) for e in formset.non_form_errors()]
            + error_summary_items(*formset.forms),
        },
        status=status,
    )


# --- the plan -----------------------------------------------------------------------------------


def render_plan(request: HttpRequest, grant: Grant, *, form: ActivityForm | None = None, status: int = 200):
    table = plan_table(grant)
    user = request.user
    for row in table.rows:  # the rules read the grant and the caller's roles from here: no query per row
        row.activity.grant = grant
        for name in ("caller_pk", "caller_is_officer", "caller_is_grantee"):
            setattr(row.activity, name, getattr(grant, name, None))
    return render(
        request,
        "grants/workplan/plan.html",
        {
            "grant": grant,
            "table": table,
            "can_edit": _can_edit(request, grant),
            "form": form or ActivityForm(grant=grant),
            "late_count": sum(1 for row in table.rows if row.activity.is_late),
            "user": user,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    grant = grant_for(request, pk)
    if request.method != "POST":
        return render_plan(request, grant)
    _require_edit(request, grant)
    form = ActivityForm(request.POST, grant=grant)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            work_plan.add_activity(grant, by=request.user, **data)
        except REFUSALS as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The activity is added to the plan."))
            return redirect("grants:plan", pk=grant.pk)
    return render_plan(request, grant, form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_activity(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for(request, pk)
    grant = activity.grant
    _require_edit(request, activity)
    if activity.state not in PlanActivity.OPEN_STATES:
        raise Http404
    if request.method == "POST":
        form = ActivityForm(request.POST, grant=grant)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                work_plan.update_activity(activity, by=request.user, version=version, **data)
            except versioning.StaleVersion as error:
                form.add_error(None, _stale_message(error))
                form.data = form.data.copy()
                form.data["version"] = str(error.current)
            except REFUSALS as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The activity is saved."))
                return redirect("grants:plan", pk=grant.pk)
        status = 400
    else:
        form = ActivityForm(
            grant=grant,
            initial={
                "title": activity.title,
                "responsible": activity.responsible,
                "start_month": activity.start_month.isoformat(),
                "end_month": activity.end_month.isoformat(),
                "deadline": activity.deadline,
                "version": activity.version,
            },
        )
        status = 200
    return render(
        request,
        "grants/workplan/activity.html",
        {"grant": grant, "activity": activity, "form": form, "history": history_rows(activity)},
        status=status,
    )


@login_required
@require_POST
def delete_activity(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for(request, pk)
    _require_edit(request, activity)
    try:
        work_plan.delete_activity(activity, by=request.user)
    except REFUSALS as error:
        for line in getattr(error, "messages", [str(error)]):
            messages.error(request, line)
    else:
        messages.success(request, _("The activity is removed from the plan."))
    return redirect("grants:plan", pk=activity.grant_id)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def complete_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an activity done with its evidence (the catalogue's "complete" step, with a file)."""
    activity = activity_for(request, pk)
    status = 200
    if request.method == "POST":
        form = CompleteActivityForm(request.POST, request.FILES)
        if form.is_valid():
            data = {"note": form.cleaned_data["note"]}
            if form.cleaned_data.get("evidence"):
                data["evidence"] = form.cleaned_data["evidence"]
            try:
                with storing():
                    done = run_step(request, activity, "complete", data, form=form)
            except StorageUnavailable as error:
                add_errors(form, error)
                done = False
            if done:
                messages.success(request, _("The activity is marked done."))
                return redirect("grants:plan", pk=activity.grant_id)
        status = 400
    else:
        form = CompleteActivityForm()
    return render(
        request,
        "grants/workplan/complete.html",
        {"grant": activity.grant, "activity": activity, "form": form},
        status=status,
    )


activity_step = step_view(activity_for, lambda activity: reverse("grants:plan", args=[activity.grant_id]))


@login_required
@require_safe
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for(request, pk)
    if not activity.evidence_file:
        raise Http404
    return attachment_response(
        EvidenceFile(activity), by=request.user, application_id=activity.grant.application_id, request=request
    )


@login_required
@require_safe
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    grant = grant_for(request, pk)
    return render(
        request,
        "grants/workplan/print.html",
        {
            "grant": grant,
            "card": card_of(grant),
            "funding": funding_of(grant),
            "table": plan_table(grant),
            "mark": MARK,
        },
    )


@login_required
@require_safe
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return work_plan_response(grant_for(request, pk))


@login_required
@require_safe
def annual(request: HttpRequest, pk: int) -> HttpResponse:
    grant = grant_for(request, pk)
    years, rows = annual_indicator_report(grant)
    reports = list(grant.reports.order_by("due_on", "pk"))
    return render(
        request,
        "grants/workplan/annual.html",
        {"grant": grant, "years": years, "rows": rows, "reports": reports},
    )
