"""Campaigns API: /api/v1/campaigns/ (managers: CRUD, form, audience, open/close, summary),
/api/v1/campaign-reports/ (the organisation fills in and submits; managers accept or return),
/api/v1/campaign-schedules/ (recurring campaigns). Outside one's scope: 404."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from campaigns import selectors, services
from campaigns.api.serializers import (
    CampaignAudienceSerializer,
    CampaignCreateSerializer,
    CampaignIndicatorSerializer,
    CampaignQuestionSerializer,
    CampaignReportSerializer,
    CampaignReportUpdateSerializer,
    CampaignReportUploadSerializer,
    CampaignScheduleCreateSerializer,
    CampaignScheduleSerializer,
    CampaignSerializer,
    CampaignSummarySerializer,
    CampaignTargetsInputSerializer,
    CampaignTargetsResultSerializer,
)
from campaigns.models import Campaign, CampaignIndicator, CampaignQuestion, CampaignReport, Schedule
from campaigns.steps import CAMPAIGN, REPORT
from core.api import ErrorSerializer, TransitionActionsMixin, VersionedAPIMixin

BAD_INPUT = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="Bad input: the refused fields, each with its messages."
    )
}
E = ErrorSerializer
SEEN = {401: E, 404: E}
WRITE = {**BAD_INPUT, 403: E, **SEEN}
STORAGE_DOWN = {503: OpenApiResponse(E, description="The file storage is down; try again later.")}
LIST = {**BAD_INPUT, 401: E}


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _id_or_404(raw) -> int:
    raw = str(raw or "")
    if not raw.isdigit() or int(raw) >= 2**63:
        raise Http404
    return int(raw)


@extend_schema_view(
    list=extend_schema(responses={200: CampaignSerializer(many=True), **LIST}),
    retrieve=extend_schema(responses={200: CampaignSerializer, **SEEN}),
    partial_update=extend_schema(request=CampaignSerializer, responses={200: CampaignSerializer, **WRITE}),
    destroy=extend_schema(responses={204: None, **WRITE}),
)
class CampaignViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Campaigns the caller manages, or whose organisation was asked to report in (read only)."""

    serializer_class = CampaignSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["state", "owner", "schedule"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    catalogue = CAMPAIGN

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        user = self.request.user
        return (
            selectors.with_campaign_permissions(selectors.campaigns_visible_to(user), user)
            .prefetch_related(
                Prefetch("questions", queryset=CampaignQuestion.objects.order_by("position", "pk")),
                Prefetch("indicators", queryset=CampaignIndicator.objects.order_by("position", "pk")),
                "audience_organisations",
            )
            .order_by("-due_at", "-pk")
        )

    def get_object(self) -> Campaign:
        queryset = self.filter_queryset(self.get_queryset())  # a bad filter value answers 400
        campaign = get_object_or_404(queryset, pk=_id_or_404(self.kwargs.get("pk")))
        self.check_object_permissions(self.request, campaign)
        return campaign

    def _managed(self) -> Campaign:
        campaign = self.get_object()
        _require(self.request, "campaigns.manage_campaign", campaign)
        return campaign

    @extend_schema(
        request=CampaignCreateSerializer, responses={201: CampaignSerializer, **BAD_INPUT, 401: E, 403: E}
    )
    def create(self, request, *args, **kwargs):
        """A draft campaign (staff and the Organisers group); its creator becomes a manager."""
        if not request.user.has_perm("campaigns.add_campaign"):
            raise PermissionDenied(_("Only organisers create campaigns."))
        payload = CampaignCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        campaign = services.create_campaign(by=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=campaign.pk)).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        campaign = self._managed()
        payload = CampaignSerializer(
            campaign, data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        services.update_campaign(campaign, **payload.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_campaign(self._managed())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CampaignQuestionSerializer, responses={201: CampaignQuestionSerializer, **WRITE})
    @action(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        """Add a question to a draft's form (the application form's types and checks)."""
        campaign = self._managed()
        payload = CampaignQuestionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        question = services.add_question(campaign, **payload.validated_data)
        return Response(CampaignQuestionSerializer(question).data, status=201)

    @extend_schema(request=CampaignIndicatorSerializer, responses={201: CampaignIndicatorSerializer, **WRITE})
    @action(detail=True, methods=["post"])
    def indicators(self, request, pk=None):
        """Add an indicator to a draft (its figures are reported with each report)."""
        campaign = self._managed()
        payload = CampaignIndicatorSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        indicator = services.add_indicator(campaign, **payload.validated_data)
        return Response(CampaignIndicatorSerializer(indicator).data, status=201)

    @extend_schema(
        request=CampaignTargetsInputSerializer, responses={200: CampaignTargetsResultSerializer, **WRITE}
    )
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        """Set targets per indicator, organisation and year (no organisation: the whole audience)."""
        campaign = self._managed()
        payload = CampaignTargetsInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        saved = services.set_targets(campaign, payload.validated_data["targets"])
        return Response({"saved": saved})

    @extend_schema(responses={200: CampaignAudienceSerializer, 403: E, **SEEN})
    @action(detail=True, methods=["get"], url_path="audience-preview")
    def audience_preview(self, request, pk=None):
        """How many organisations the chosen audience holds (a draft's) or was asked (opened)."""
        campaign = self._managed()
        if campaign.state == Campaign.State.DRAFT:
            organisations = selectors.audience_of(campaign)
        else:
            organisations = campaign.reports.order_by("organisation__name").select_related("organisation")
            names = [r.organisation.name for r in organisations[:50]]
            return Response({"count": campaign.reports.count(), "organisations": names})
        return Response(
            {"count": organisations.count(), "organisations": [o.name for o in organisations[:50]]}
        )

    @extend_schema(responses={200: CampaignSummarySerializer, 403: E, **SEEN})
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """The dashboard's figures: requested, submitted, accepted, returned, late; by region;
        indicator targets and actuals by region."""
        return Response(CampaignSummarySerializer(selectors.campaign_summary(self._managed())).data)


@extend_schema_view(
    list=extend_schema(responses={200: CampaignReportSerializer(many=True), **LIST}),
    retrieve=extend_schema(responses={200: CampaignReportSerializer, **SEEN}),
)
class CampaignReportViewSet(
    VersionedAPIMixin,
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Reports: an organisation's members see and fill in their own; a campaign's managers see
    every report of it and accept or return them. PATCH honours If-Match (412 when stale)."""

    serializer_class = CampaignReportSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["campaign", "state", "organisation"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    catalogue = REPORT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CampaignReport.objects.none()
        user = self.request.user
        return (
            selectors.with_report_permissions(selectors.reports_visible_to(user), user)
            .exclude(campaign__state=Campaign.State.DRAFT)
            .prefetch_related("actuals", "attachments")
            .order_by("campaign", "organisation__name", "pk")
        )

    def get_object(self) -> CampaignReport:
        _id_or_404(self.kwargs.get("pk"))
        return super().get_object()  # VersionedAPIMixin checks If-Match on the locked row

    @extend_schema(
        request=CampaignReportUpdateSerializer, responses={200: CampaignReportSerializer, 412: E, **WRITE}
    )
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        _require(request, "campaigns.fill_report", report)
        payload = CampaignReportUpdateSerializer(
            report, data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.save_report(
            report,
            by=request.user,
            answers=data.get("answers"),
            actuals={a["indicator"]: a["value"] for a in data.get("actuals", [])},
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=CampaignReportUploadSerializer,
        responses={201: CampaignReportSerializer, **WRITE, **STORAGE_DOWN},
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Attach the file answering a file question (type checked by content; replaces it)."""
        report = self.get_object()
        _require(request, "campaigns.fill_report", report)
        payload = CampaignReportUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.add_attachment(report, by=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: CampaignScheduleSerializer(many=True), **LIST}),
    retrieve=extend_schema(responses={200: CampaignScheduleSerializer, **SEEN}),
    partial_update=extend_schema(
        request=CampaignScheduleSerializer, responses={200: CampaignScheduleSerializer, **WRITE}
    ),
    destroy=extend_schema(responses={204: None, **WRITE}),
)
class ScheduleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Recurring campaigns of the templates the caller manages: each due day (MM-DD) of every
    year a copy of the template opens `lead_days` before."""

    serializer_class = CampaignScheduleSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["template"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Schedule.objects.none()
        return selectors.schedules_visible_to(self.request.user).order_by("pk")

    def get_object(self) -> Schedule:
        queryset = self.filter_queryset(self.get_queryset())  # a bad filter value answers 400
        return get_object_or_404(queryset, pk=_id_or_404(self.kwargs.get("pk")))

    @extend_schema(
        request=CampaignScheduleCreateSerializer,
        responses={201: CampaignScheduleSerializer, **BAD_INPUT, 401: E, 403: E},
    )
    def create(self, request, *args, **kwargs):
        payload = CampaignScheduleCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        template = data.pop("template")
        _require(request, "campaigns.manage_campaign", template)
        schedule = services.create_schedule(template, by=request.user, **data)
        return Response(CampaignScheduleSerializer(schedule).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        schedule = self.get_object()
        payload = CampaignScheduleSerializer(schedule, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        return Response(
            CampaignScheduleSerializer(services.update_schedule(schedule, **payload.validated_data)).data
        )

    def destroy(self, request, *args, **kwargs):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
