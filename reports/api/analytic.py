"""Analytic reports through the API: `/api/v1/analytic-reports/`.

Reading follows the pages (reports.analytic_selectors.reports_visible_to): drafts to those who
run the report's contest or campaign, published reports of public subjects to everyone. They create,
change (PATCH with If-Match: the ETag of the version they loaded; 412 when someone saved since),
delete drafts, publish and withdraw (the steps of reports/steps.py). `…/figures/` gives the
figures as JSON, `…/pdf/` and `…/xlsx/` the files."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.models import Campaign
from campaigns.selectors import managed_campaigns, with_campaign_permissions
from contests.models import Contest
from contests.selectors import contests_visible_to
from core.api import (
    AllowedStepsField,
    ErrorSerializer,
    RulesPermission,
    TransitionActionsMixin,
    VersionedAPIMixin,
)
from core.exports import XLSX_TYPE
from core.strict import RefuseUnknownFieldsMixin
from depository.models import Practice
from reports import analytic_exports, pdf, services
from reports.analytic_selectors import (
    case_url,
    cited_cases,
    report_context,
    reports_visible_to,
    with_cases,
)
from reports.models import AnalyticReport
from reports.steps import ANALYTIC_REPORT

E = ErrorSerializer
NOT_FOUND = {404: OpenApiResponse(E, description="No report the caller may read has this id.")}
WRITE = {
    400: OpenApiResponse(
        E, description="Bad input: field errors (a case not published or of another contest)."
    ),
    401: OpenApiResponse(E, description="Not signed in."),
    403: OpenApiResponse(E, description="Not an organiser of the report's contest."),
}
STALE = {412: OpenApiResponse(E, description="If-Match names an older version.")}


class CitedCaseSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(help_text="The case's public page.")


class AnalyticReportSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    cases = serializers.SerializerMethodField(help_text="The cited cases' numbers, in the report's order.")
    cited_cases = serializers.SerializerMethodField()
    allowed_steps = AllowedStepsField()

    class Meta:
        model = AnalyticReport
        fields = [
            "id",
            "contest",
            "campaign",
            "title",
            "summary",
            "findings",
            "recommendations",
            "cases",
            "cited_cases",
            "state",
            "published_at",
            "version",
            "allowed_steps",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_cases(self, report: AnalyticReport) -> list[int]:
        return [p.pk for p in cited_cases(report)]

    @extend_schema_field(CitedCaseSerializer(many=True))
    def get_cited_cases(self, report: AnalyticReport) -> list[dict]:
        return [
            {
                "number": p.pk,
                "title": p.title,
                "organisation": p.organisation_name,
                "year": p.year,
                "url": case_url(p),
            }
            for p in cited_cases(report)
        ]


class _NarrativeInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    representation = AnalyticReportSerializer
    title = serializers.CharField(max_length=300)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    recommendations = serializers.CharField(required=False, allow_blank=True, default="")
    cases = serializers.PrimaryKeyRelatedField(
        queryset=Practice.objects.all(),
        many=True,
        required=False,
        help_text="Numbers of published cases of the report's contest, in the order to cite them.",
    )


class AnalyticReportCreateInput(_NarrativeInput):
    """The report is about a contest (its organisers write it) or a reporting campaign (its
    managers): give exactly one."""

    contest = serializers.PrimaryKeyRelatedField(
        queryset=Contest.objects.all(), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("contest")) == bool(attrs.get("campaign")):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give either a contest or a campaign.")]}
            )
        return attrs


class AnalyticReportUpdateInput(_NarrativeInput):
    title = serializers.CharField(max_length=300, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    findings = serializers.CharField(required=False, allow_blank=True)
    recommendations = serializers.CharField(required=False, allow_blank=True)


class FigureLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)


class RegionFigureSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_label = serializers.CharField()
    submitted = serializers.IntegerField(
        help_text="A contest: applications submitted (all but drafts); a campaign: reports submitted."
    )
    requested = serializers.IntegerField(allow_null=True, help_text="A campaign: organisations asked.")
    late = serializers.IntegerField(allow_null=True, help_text="A campaign: reports late.")


class IndicatorTotalSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    unit = serializers.CharField()
    region = serializers.CharField()
    region_label = serializers.CharField()
    year = serializers.IntegerField()
    target = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Summed actuals of accepted grant reports."
    )


class AnalyticFiguresSerializer(serializers.Serializer):
    report = serializers.IntegerField()
    contest = serializers.IntegerField(allow_null=True)
    campaign = serializers.IntegerField(allow_null=True)
    overview = FigureLineSerializer(many=True)
    by_region = RegionFigureSerializer(many=True)
    indicator_totals = IndicatorTotalSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        responses={
            200: AnalyticReportSerializer(many=True),
            400: OpenApiResponse(E, description="Bad filter."),
        }
    ),
    retrieve=extend_schema(responses={200: AnalyticReportSerializer, **NOT_FOUND}),
)
class AnalyticReportViewSet(
    VersionedAPIMixin,
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Analytic reports of contests and campaigns: drafts of those the caller runs (a contest's
    organisers, a campaign's managers), and every published report of a public contest or an
    opened campaign (anyone, signed in or not)."""

    serializer_class = AnalyticReportSerializer
    # Reading is open (the queryset scopes it; published reports are public), so the schema says
    # no sign-in is needed to read; writes need one and `action_perms` (core.api.RulesPermission).
    permission_classes = [IsAuthenticatedOrReadOnly, RulesPermission]
    filterset_fields = ["contest", "campaign", "state"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    catalogue = ANALYTIC_REPORT
    action_perms = {
        "partial_update": "reports.change_analyticreport",
        "destroy": "reports.change_analyticreport",
    }

    def get_queryset(self):
        user = self.request.user
        # Each campaign knows whether the caller manages it: no query per row for its steps.
        campaigns = with_campaign_permissions(Campaign.objects.all(), user)
        return (
            with_cases(reports_visible_to(user))
            .select_related(None)
            .select_related("contest")
            .prefetch_related("contest__roles", Prefetch("campaign", queryset=campaigns))
            .order_by("-pk")
        )

    def get_object(self) -> AnalyticReport:
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or int(pk) >= 2**63:  # the id is an integer (the schema says so)
            raise Http404
        return super().get_object()

    @extend_schema(request=AnalyticReportCreateInput, responses={201: AnalyticReportSerializer, **WRITE})
    def create(self, request: Request) -> Response:
        payload = AnalyticReportCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        contest, campaign = data.pop("contest", None), data.pop("campaign", None)
        subject = contest or campaign
        visible = (
            contests_visible_to(request.user).filter(pk=contest.pk)
            if contest
            else managed_campaigns(request.user).filter(pk=campaign.pk)
        )
        if not visible.exists() or not request.user.has_perm("reports.add_analyticreport", subject):
            raise PermissionDenied(
                _("Only those who run the contest or campaign write its analytic reports.")
            )
        report = services.create_report(subject, by=request.user, **data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=AnalyticReportUpdateInput,
        responses={200: AnalyticReportSerializer, **WRITE, **NOT_FOUND, **STALE},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        report = self.get_object()
        payload = AnalyticReportUpdateInput(report, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.update_report(report, by=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(
        request=None,
        responses={
            204: None,
            400: OpenApiResponse(E, description="A published report: withdraw it first."),
            401: WRITE[401],
            403: WRITE[403],
            **NOT_FOUND,
        },
    )
    def destroy(self, request: Request, pk=None) -> Response:
        services.delete_report(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: AnalyticFiguresSerializer, **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def figures(self, request: Request, pk=None) -> Response:
        """The report's figures: the headline counts, submitted applications by region, and the
        indicators' targets and actuals by region and year."""
        report = self.get_object()
        figures = report_context(report)["figures"]
        body = {
            "report": report.pk,
            "contest": report.contest_id,
            "campaign": report.campaign_id,
            "overview": [{"label": str(label), "value": value} for label, value in figures.overview],
            "by_region": figures.by_region,
            "indicator_totals": [total.__dict__ for total in figures.totals],
        }
        return Response(AnalyticFiguresSerializer(body).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk=None) -> HttpResponse:
        """The printable report as PDF: narrative, figures with their charts, cited cases."""
        report = self.get_object()
        response = HttpResponse(pdf.analytic_pdf(report_context(report)), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="analytic-report-{report.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def xlsx(self, request: Request, pk=None):
        """The report as a workbook: Summary, Figures by region, Indicators by region and year, Cases."""
        return analytic_exports.analytic_xlsx_response(report_context(self.get_object()))
