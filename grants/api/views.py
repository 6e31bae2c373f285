"""Grants API: grant officers of the contest and the grantee's members; everyone else gets 404."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from applications.models import Application
from core.api import ErrorSerializer, TransitionActionsMixin, VersionedAPIMixin
from grants import selectors, services
from grants.api.serializers import (
    GrantAuditEntrySerializer,
    GrantBankDetailsSerializer,
    GrantBudgetLineSerializer,
    GrantBudgetSerializer,
    GrantIndicatorResultSerializer,
    GrantIndicatorSerializer,
    GrantOfferSerializer,
    GrantReportSerializer,
    GrantReportUpdateSerializer,
    GrantReportUploadSerializer,
    GrantSerializer,
    GrantTargetSerializer,
    GrantTermsSerializer,
    GrantTrancheCreateSerializer,
    GrantTrancheSerializer,
)
from grants.models import Grant, GrantReport, Indicator, IndicatorActual, ReportAttachment, Spending
from grants.steps import GRANT, REPORT, TRANCHE

# What each operation may answer besides success (DESIGN.md, Interfaces): 400 for bad input (field
# errors, or a refusal in `detail`/`non_field_errors`), 403 without the permission, 404 for an
# object outside the caller's scope, 503 while the file storage is down.
BAD_INPUT = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Bad input: the refused fields, each with its messages ({field: [message]}).",
    )
}
FORBIDDEN = {403: ErrorSerializer}
NOT_FOUND = {404: ErrorSerializer}
WRITE_ERRORS = {**BAD_INPUT, **FORBIDDEN, **NOT_FOUND}
STORAGE_DOWN = {
    503: OpenApiResponse(ErrorSerializer, description="The file storage is down; try again later.")
}
LIST_ERRORS = {400: OpenApiResponse(OpenApiTypes.OBJECT, description="An invalid filter value.")}


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


@extend_schema_view(
    list=extend_schema(responses={200: GrantSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: GrantSerializer, **NOT_FOUND}),
)
class GrantViewSet(
    TransitionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Grants of the contests where the caller is a grant officer, and of the caller's
    organisations. POST offers a grant to an awarded application (grant officers); PATCH changes
    an offered grant's terms; bank details are shown only to grant officers and the grantee."""

    serializer_class = GrantSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest", "state"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    catalogue = GRANT

    def get_queryset(self):
        return selectors.grants_visible_to(self.request.user).order_by("contest", "pk")

    @extend_schema(
        request=GrantOfferSerializer, responses={201: GrantSerializer, **WRITE_ERRORS, **STORAGE_DOWN}
    )
    def create(self, request, *args, **kwargs):
        payload = GrantOfferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        application = get_object_or_404(
            Application.objects.select_related("contest"),
            pk=data.pop("application"),
            contest__in=selectors.contests_with_grants_for(request.user),
        )
        _require(request, "grants.offer_grant", application.contest)
        grant = services.offer_grant(application, by=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=grant.pk)).data, status=201)

    @extend_schema(request=GrantTermsSerializer, responses={200: GrantSerializer, **WRITE_ERRORS})
    def partial_update(self, request, *args, **kwargs):
        grant = self.get_object()
        _require(request, "grants.change_grant", grant)
        payload = GrantTermsSerializer(grant, data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        services.update_grant(grant, by=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=GrantBankDetailsSerializer, responses={200: GrantSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="bank-details")
    def bank_details(self, request, pk=None):
        """The payee's name, bank and Ukrainian IBAN (checked by its checksum). Only the grantee's
        members (grant officers get 403: who pays never chooses the account). A change after
        signing holds the next payment until another grant officer runs confirm-bank-details."""
        grant = self.get_object()
        _require(request, "grants.change_bank_details", grant)
        payload = GrantBankDetailsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.update_bank_details(grant, by=request.user, request=request, **payload.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(methods=["GET"], responses={200: GrantBudgetLineSerializer(many=True), **NOT_FOUND})
    @extend_schema(
        methods=["POST"],
        request=GrantBudgetLineSerializer,
        responses={201: GrantBudgetLineSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path="budget-lines")
    def budget_lines(self, request, pk=None):
        """The grant's budget lines; POST adds one (grant officers)."""
        grant = self.get_object()
        if request.method == "GET":
            return Response(GrantBudgetLineSerializer(grant.budget_lines.all(), many=True).data)
        _require(request, "grants.change_grant", grant)
        payload = GrantBudgetLineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        line = services.add_budget_line(grant, by=request.user, **payload.validated_data)
        return Response(GrantBudgetLineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: GrantTargetSerializer(many=True), **NOT_FOUND})
    @extend_schema(
        methods=["POST"],
        request=GrantTargetSerializer,
        responses={201: GrantTargetSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["get", "post"])
    def targets(self, request, pk=None):
        """Indicator targets per reporting period or per calendar year, each with what accepted
        reports achieved over it; POST sets one (grant officers): `period_end` or `year`."""
        grant = self.get_object()
        achieved = {p.target.pk: p.actual for p in selectors.target_progress(grant)}
        if request.method == "GET":
            targets = grant.targets.order_by("indicator__order", "year", "period_end")
            return Response(GrantTargetSerializer(targets, many=True, context={"achieved": achieved}).data)
        _require(request, "grants.change_grant", grant)
        payload = GrantTargetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data["indicator"].contest_id != grant.contest_id:
            return Response({"indicator": [_("Choose an indicator of this grant's contest.")]}, status=400)
        target = services.set_target(grant, by=request.user, **data)
        achieved = {p.target.pk: p.actual for p in selectors.target_progress(grant)}
        return Response(
            GrantTargetSerializer(target, context={"achieved": achieved}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: GrantIndicatorResultSerializer(many=True), **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Targets against the actuals of accepted reports, per indicator."""
        grant = self.get_object()
        found = selectors.indicator_results_by_grant(Grant.objects.filter(pk=grant.pk)).get(grant.pk, [])
        return Response(GrantIndicatorResultSerializer(found, many=True).data)

    @extend_schema(responses={200: GrantAuditEntrySerializer(many=True), **FORBIDDEN, **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def audit(self, request, pk=None):
        """The grant's audit entries (grant officers)."""
        grant = self.get_object()
        _require(request, "grants.change_grant", grant)
        entries = grant.audit_entries.select_related("actor").order_by("pk")
        return Response(GrantAuditEntrySerializer(entries, many=True).data)


@extend_schema_view(
    list=extend_schema(responses={200: GrantTrancheSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: GrantTrancheSerializer, **NOT_FOUND}),
)
class GrantTrancheViewSet(
    TransitionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tranches of the grants the caller sees. POST plans one (amount or percentage of the grant;
    grant officers). Paying takes an idempotency key: a retry with the same key returns the same
    payment; another key for a paid tranche answers 409."""

    serializer_class = GrantTrancheSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["grant", "state"]
    catalogue = TRANCHE

    def get_queryset(self):
        return selectors.tranches_visible_to(self.request.user).order_by("grant", "planned_on", "pk")

    @extend_schema(
        request=GrantTrancheCreateSerializer, responses={201: GrantTrancheSerializer, **WRITE_ERRORS}
    )
    def create(self, request, *args, **kwargs):
        payload = GrantTrancheCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        grant = get_object_or_404(selectors.grants_visible_to(request.user), pk=data.pop("grant"))
        _require(request, "grants.manage_tranches", grant)
        report_id = data.pop("after_report", None)
        report = get_object_or_404(GrantReport, pk=report_id, grant=grant) if report_id else None
        tranche = services.schedule_tranche(grant, by=request.user, after_report=report, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=tranche.pk)).data, status=201)


@extend_schema_view(
    list=extend_schema(responses={200: GrantReportSerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: GrantReportSerializer, **NOT_FOUND}),
)
class GrantReportViewSet(
    VersionedAPIMixin,
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Grantee reports. The grantee writes (PATCH: narrative, indicator actuals, spending per
    budget line; POST attachments) and submits; grant officers accept or request changes.
    Accepting approves the scheduled tranches that waited on the report."""

    serializer_class = GrantReportSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["grant", "state", "kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    catalogue = REPORT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: with_overdue reads the DB
            return GrantReport.objects.none()
        return (
            selectors.with_overdue(selectors.reports_visible_to(self.request.user))
            .prefetch_related(
                Prefetch("actuals", queryset=IndicatorActual.objects.order_by("indicator_id")),
                Prefetch("spending", queryset=Spending.objects.order_by("line_id")),
                Prefetch("attachments", queryset=ReportAttachment.objects.order_by("pk")),
            )
            .order_by("grant", "due_on", "pk")
        )

    @extend_schema(
        request=GrantReportUpdateSerializer, responses={200: GrantReportSerializer, **WRITE_ERRORS}
    )
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        _require(request, "grants.write_report", report)
        payload = GrantReportUpdateSerializer(
            report, data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.save_report(
            report,
            by=request.user,
            narrative=data.get("narrative"),
            actuals={a["indicator"]: a["value"] for a in data.get("actuals", [])},
            spending={s["line"]: s["amount"] for s in data.get("spending", [])},
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=GrantReportUploadSerializer,
        responses={201: GrantReportSerializer, **WRITE_ERRORS, **STORAGE_DOWN},
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Attach a file (PDF, DOCX, ODT, XLSX, JPEG, PNG; checked by content)."""
        report = self.get_object()
        _require(request, "grants.write_report", report)
        payload = GrantReportUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.add_report_attachment(report, by=request.user, upload=payload.validated_data["file"])
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: GrantIndicatorSerializer(many=True), **LIST_ERRORS}),
    create=extend_schema(responses={201: GrantIndicatorSerializer, **BAD_INPUT, **FORBIDDEN}),
)
class GrantIndicatorViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Indicators of the contests where the caller is a grant officer; POST adds one."""

    serializer_class = GrantIndicatorSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest"]

    def get_queryset(self):
        return Indicator.objects.filter(
            contest__in=selectors.contests_with_grants_for(self.request.user)
        ).order_by("contest", "order", "pk")

    def perform_create(self, serializer):
        contest = serializer.validated_data["contest"]
        if not selectors.contests_with_grants_for(self.request.user).filter(pk=contest.pk).exists():
            raise PermissionDenied(_("Only this contest's grant officers may define its indicators."))
        data = {k: v for k, v in serializer.validated_data.items() if k != "contest"}
        serializer.instance = services.add_indicator(contest, by=self.request.user, **data)


@extend_schema_view(retrieve=extend_schema(responses={200: GrantBudgetSerializer, **NOT_FOUND}))
class GrantBudgetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The grant budget of each contest where the caller is a grant officer: total, committed
    (grants not terminated, plus what terminated ones paid), paid and remaining."""

    serializer_class = GrantBudgetSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields: list[str] = []

    def get_queryset(self):
        return selectors.contests_with_grants_for(self.request.user).order_by("-pk")

    def _with_budgets(self, contests):
        budgets = selectors.budgets_of(contests)
        for contest in contests:
            contest.budget = budgets[contest.pk]
        return contests

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = self._with_budgets(list(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        contest = self.get_object()
        return Response(self.get_serializer(self._with_budgets([contest])[0]).data)
