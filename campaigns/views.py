"""The web door onto campaigns. Organisers: the list, a campaign's form (questions, indicators,
audience with its count), opening, the dashboard with its chart and exports, reviewing a report.
Organisations: their reports due, filling one in and submitting it, the note of a return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.answers import display_answer
from campaigns import charts, exports, selectors, services
from campaigns.forms import CampaignForm, IndicatorForm, QuestionForm, ReportForm, ScheduleForm
from campaigns.models import Campaign, CampaignReport
from core import versioning
from core.web import add_errors, run_step, step_view


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaigns_visible_to(request.user), pk=pk)


def _managed(request: HttpRequest, pk: int) -> Campaign:
    campaign = _campaign(request, pk)
    if not request.user.has_perm("campaigns.manage_campaign", campaign):
        raise PermissionDenied(_("Only the campaign's managers do this."))
    return campaign


def _report(request: HttpRequest, pk: int) -> CampaignReport:
    return get_object_or_404(
        selectors.reports_visible_to(request.user).exclude(campaign__state=Campaign.State.DRAFT), pk=pk
    )


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    if selectors.managed_campaigns(request.user).exists():
        services.run_schedules()  # beat makes them too; a page never waits for a worker
    managed = selectors.managed_campaigns(request.user).select_related("owner").order_by("-due_at", "-pk")
    reports = (
        selectors.reports_visible_to(request.user)
        .filter(organisation__memberships__user=request.user)
        .exclude(campaign__state=Campaign.State.DRAFT)
        .order_by("-campaign__due_at", "pk")
    )
    return render(
        request,
        "campaigns/list.html",
        {
            "managed": managed[:200],
            "reports": reports[:200],
            "may_create": request.user.has_perm("campaigns.add_campaign"),
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("campaigns.add_campaign"):
        raise PermissionDenied(_("Only organisers create campaigns."))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The campaign is created as a draft. Add its questions and indicators.")
            )
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = CampaignForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(campaign, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "campaign": campaign},
        status=400 if form.errors else 200,
    )


def _detail(
    request: HttpRequest,
    campaign: Campaign,
    question_form=None,
    indicator_form=None,
    schedule_form=None,
    status=200,
):
    audience = selectors.audience_of(campaign) if campaign.state == Campaign.State.DRAFT else None
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "questions": list(campaign.questions.all()),
            "indicators": list(campaign.indicators.all()),
            "audience_count": audience.count() if audience is not None else campaign.reports.count(),
            "audience_sample": list(audience[:20]) if audience is not None else [],
            "problems": campaign.open_problems() if campaign.state == Campaign.State.DRAFT else [],
            "is_draft": campaign.state == Campaign.State.DRAFT,
            "question_form": question_form or QuestionForm(),
            "indicator_form": indicator_form or IndicatorForm(),
            "schedules": list(campaign.schedules.all()),
            "schedule_form": schedule_form or ScheduleForm(),
        },
        status=status,
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if not request.user.has_perm("campaigns.manage_campaign", campaign):
        # A reporting organisation's member: their own report is the page for them.
        report = selectors.reports_visible_to(request.user).filter(campaign=campaign).first()
        if report is None:
            raise Http404
        return redirect("campaigns:report", report.pk)
    return _detail(request, campaign)


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.add_question(campaign, **form.question_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("campaigns:detail", campaign.pk)
    return _detail(request, campaign, question_form=form, status=400)


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    question = get_object_or_404(campaign.questions, pk=question_pk)
    try:
        services.delete_question(question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The question is removed."))
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_POST
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.add_indicator(
                campaign,
                name=form.cleaned_data["name"],
                unit=form.cleaned_data["unit"],
                target=form.cleaned_data.get("target"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The indicator is added."))
            return redirect("campaigns:detail", campaign.pk)
    return _detail(request, campaign, indicator_form=form, status=400)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    indicator = get_object_or_404(campaign.indicators, pk=indicator_pk)
    try:
        services.delete_indicator(indicator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The indicator is removed."))
    return redirect("campaigns:detail", campaign.pk)


@login_required
@require_POST
def schedule_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Repeat the campaign every year: it becomes the template of its periods' campaigns."""
    campaign = _managed(request, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.create_schedule(
                campaign,
                by=request.user,
                days=form.day_list(),
                lead_days=form.cleaned_data["lead_days"],
                due_hour=form.cleaned_data["due_hour"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The campaign now repeats every year."))
            return redirect("campaigns:detail", campaign.pk)
    return _detail(request, campaign, schedule_form=form, status=400)


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    summary = selectors.campaign_summary(campaign)
    return render(
        request,
        "campaigns/dashboard.html",
        {
            "campaign": campaign,
            "summary": summary,
            "chart": charts.by_region(summary["by_region"]) if summary["by_region"] else "",
            "reports": list(selectors.campaign_reports(campaign)),
            "past_due": campaign.is_past_due,
        },
    )


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    campaign = _managed(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return exports.sheet_response(campaign, fmt)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    campaign = report.campaign
    questions = list(campaign.questions.all())
    indicators = list(campaign.indicators.all())
    actuals = {a.indicator_id: a.value for a in report.actuals.all()}
    writable = report.is_open and request.user.has_perm("campaigns.fill_report", report)
    form = None
    status = 200
    if writable:
        form = ReportForm(
            request.POST or None,
            request.FILES or None,
            report=report,
            questions=questions,
            indicators=indicators,
            actuals=actuals,
        )
        if request.method == "POST":
            if _save(request, report, form):
                if request.POST.get("submit"):
                    if run_step(request, report, "submit"):
                        return redirect("campaigns:report", report.pk)
                    status = 400
                else:
                    messages.success(request, _("The draft is saved."))
                    return redirect("campaigns:report", report.pk)
            else:
                status = 400
    elif request.method == "POST":
        raise PermissionDenied(_("This report cannot be changed now."))
    attachments = {a.question_key: a for a in report.attachments.all()}
    answers = [
        {
            "question": q,
            "value": display_answer((report.answers or {}).get(q.key)),
            "file": attachments.get(q.key),
        }
        for q in questions
    ]
    return render(
        request,
        "campaigns/report.html",
        {
            "report": report,
            "campaign": campaign,
            "form": form,
            "answers": answers,
            "figures": [{"indicator": i, "value": actuals.get(i.pk)} for i in indicators],
            "attachments": attachments,
            "reviewing": request.user.has_perm("campaigns.review_report", report),
        },
        status=status,
    )


def _save(request: HttpRequest, report: CampaignReport, form: ReportForm) -> bool:
    if not form.is_valid():
        return False
    expected = versioning.parse_version(request.POST.get("version"))
    try:
        services.save_report(
            report, by=request.user, answers=form.answers(), actuals=form.actuals(), expected_version=expected
        )
        for key, upload in form.uploads().items():
            services.add_attachment(report, by=request.user, question_key=key, upload=upload)
    except versioning.StaleVersion:
        form.add_error(
            None, _("Someone saved this report since you opened it. Reload it and apply your change again.")
        )
        return False
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


@login_required
def report_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    report = _report(request, pk)
    attachment = get_object_or_404(report.attachments, pk=file_pk)
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


campaign_step = step_view(_campaign, lambda campaign: f"/campaigns/{campaign.pk}/")
report_step = step_view(_report, lambda report: f"/campaigns/reports/{report.pk}/")
