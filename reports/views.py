"""The organiser's reports: the contest dashboard, its charts as CSV, the summary workbook and PDF.

Only the contest's organisers (contests.change_contest) see them; anyone else gets 404, as if the
reports did not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from contests.models import Contest
from contests.selectors import contests_visible_to
from reports import exports, pdf, selectors


def _organised(request: HttpRequest, pk: int) -> Contest:
    contest = get_object_or_404(contests_visible_to(request.user), pk=pk)
    if not request.user.has_perm("contests.change_contest", contest):
        raise Http404
    return contest


@login_required
@require_safe
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _organised(request, pk)
    return render(
        request, "reports/dashboard.html", {"contest": contest, "dashboard": selectors.dashboard(contest)}
    )


@login_required
@require_safe
def chart_csv(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    contest = _organised(request, pk)
    chart = selectors.dashboard(contest).charts.get(name)
    if chart is None:
        raise Http404
    return exports.chart_csv_response(contest, chart)


@login_required
@require_safe
def summary_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return exports.summary_xlsx_response(_organised(request, pk))


@login_required
@require_safe
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _organised(request, pk)
    response = HttpResponse(
        pdf.summary_pdf(contest, selectors.dashboard(contest)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="contest-{contest.pk}-summary.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
