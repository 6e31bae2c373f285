"""The contest dashboard by API: the same figures as the organiser's page (reports.selectors),
as JSON, each chart also as CSV, and the summary as XLSX or PDF. Only the contest's organisers
(contests.change_contest); for anyone else the reports do not exist (404), as on the page."""

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from contests.models import Contest
from contests.selectors import contests_visible_to
from core.api import ErrorSerializer
from reports import exports, pdf, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value: Any) -> Any:
    """A row's key or an extra as JSON: dates as ISO text, numbers kept, anything else as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


class DashboardRowSerializer(serializers.Serializer):
    key = serializers.JSONField(help_text="What the row counts: a state, an id, a day or a score.")
    label = serializers.CharField()
    values = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class DashboardChartSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=["bars", "columns", "line"])
    label_header = serializers.CharField()
    series = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    rows = DashboardRowSerializer(many=True)
    extra = serializers.DictField()
    csv_url = serializers.CharField()


class DashboardRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    state = serializers.CharField()


class ContestDashboardSerializer(serializers.Serializer):
    contest = serializers.IntegerField()
    contest_title = serializers.CharField()
    contest_state = serializers.CharField()
    submitted = serializers.IntegerField(help_text="Applications ever submitted (all but drafts).")
    by_state = serializers.DictField(child=serializers.IntegerField(), help_text="Applications per state.")
    round = DashboardRoundSerializer(allow_null=True)
    applications = DashboardChartSerializer(many=True)
    screening = DashboardChartSerializer(many=True)
    review = DashboardChartSerializer(many=True)
    scores = DashboardChartSerializer(many=True)


FILE_PARAMETER = OpenApiParameter("file", str, enum=["xlsx", "pdf"], description="Default xlsx.")
NOT_FOUND = {
    403: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    404: OpenApiResponse(ErrorSerializer, description="Not a contest the caller organises."),
}


class ContestDashboardViewSet(viewsets.GenericViewSet):
    """`GET /api/v1/contest-dashboards/{contest id}/`: the dashboard's figures; `…/charts/{name}/`
    one chart as CSV; `…/summary/?file=xlsx|pdf` the summary report."""

    serializer_class = ContestDashboardSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return contests_visible_to(self.request.user)

    def _contest(self) -> Contest:
        contest = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not self.request.user.has_perm("contests.change_contest", contest):
            raise Http404
        return contest

    def _chart(self, request: Request, chart: selectors.Chart) -> dict:
        return {
            "name": chart.name,
            "title": chart.title,
            "kind": chart.kind,
            "label_header": chart.label_header,
            "series": list(chart.series),
            "description": chart.description,
            "rows": [
                {"key": _plain(r.key), "label": r.label, "values": list(r.values), "total": r.total}
                for r in chart.rows
            ],
            "extra": _plain(chart.extra),
            "csv_url": request.build_absolute_uri(f"{request.path}charts/{chart.name}/"),
        }

    @extend_schema(responses={200: ContestDashboardSerializer, **NOT_FOUND})
    def retrieve(self, request: Request, pk=None) -> Response:
        contest = self._contest()
        board = selectors.dashboard(contest)
        by_state = board.applications[0]  # the states chart counts every application
        charts = {
            section: [self._chart(request, c) for c in getattr(board, section)]
            for section in ("applications", "screening", "review", "scores")
        }
        round_ = board.round
        return Response(
            ContestDashboardSerializer(
                {
                    "contest": contest.pk,
                    "contest_title": contest.title,
                    "contest_state": contest.state,
                    "submitted": board.submitted,
                    "by_state": {str(r.key): r.total for r in by_state.rows},
                    "round": (
                        {
                            "id": round_.pk,
                            "number": round_.number,
                            "title": round_.title,
                            "state": round_.state,
                        }
                        if round_ is not None
                        else None
                    ),
                    **charts,
                }
            ).data
        )

    @extend_schema(
        responses={(200, "text/csv"): OpenApiTypes.BINARY, **NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"charts/(?P<name>[-\w]+)")
    def chart(self, request: Request, pk=None, name: str = ""):
        """One chart's numbers as CSV, as the page's link gives them."""
        contest = self._contest()
        chart = selectors.dashboard(contest).charts.get(name)
        if chart is None:
            raise Http404
        return exports.chart_csv_response(contest, chart)

    @extend_schema(
        parameters=[FILE_PARAMETER],
        responses={
            (200, XLSX): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            400: OpenApiResponse(ErrorSerializer),
            **NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"])
    def summary(self, request: Request, pk=None):
        """The summary report: the workbook (applications, ranking, winners, grants) or the PDF."""
        contest = self._contest()
        kind = request.query_params.get("file", "xlsx")
        if kind not in ("xlsx", "pdf"):
            raise ValidationError({"file": [_("Choose xlsx or pdf.")]})
        if kind == "xlsx":
            return exports.summary_xlsx_response(contest)
        response = HttpResponse(
            pdf.summary_pdf(contest, selectors.dashboard(contest)), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="contest-{contest.pk}-summary.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
