"""API of the project card and the work plan (issue 13, point 2).

`/grant-cards/{grant id}/`: the card (GET; PATCH with If-Match), the plan as XLSX and the yearly
indicator report. `/plan-activities/`: the plan's activities, scoped like the grants (grant
officers of the contest, the grantee's members; 404 for everyone else), with the steps start,
complete (with evidence: a note or a file) and cancel."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from applications.downloads import attachment_response
from core import versioning
from core.api import AllowedStepsField, ErrorSerializer, TransitionActionsMixin, VersionedAPIMixin
from core.exports import XLSX_TYPE
from core.money import Currency
from core.strict import RefuseUnknownFieldsMixin
from grants import selectors
from grants.api.views import BAD_INPUT, FORBIDDEN, LIST_ERRORS, NOT_FOUND, WRITE_ERRORS
from grants.models import Grant, PlanActivity, ProjectCard
from grants.services import work_plan
from grants.workplan_exports import EvidenceFile, work_plan_response
from grants.workplan_selectors import activities_visible_to, annual_indicator_report, card_of, with_late
from grants.workplan_steps import ACTIVITY

AMOUNT = {"max_digits": 14, "decimal_places": 2}
STALE = {412: OpenApiResponse(ErrorSerializer, description="If-Match names an older version.")}


def _require_edit(request, obj) -> None:
    if not request.user.has_perm("grants.edit_work_plan", obj):
        raise PermissionDenied(
            _("The work plan changes while the grant runs, by its grantee or grant officers.")
        )


# --- the card ----------------------------------------------------------------------------------------


class GrantFundingSourceSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=300)
    amount = serializers.DecimalField(**AMOUNT)
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.UAH)


class GrantCardSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    grant = serializers.IntegerField(source="grant_id", read_only=True)
    project = serializers.CharField(source="grant.application.title", read_only=True)
    starts_on = serializers.DateField(source="grant.starts_on", read_only=True)
    ends_on = serializers.DateField(source="grant.ends_on", read_only=True)
    grant_amount = serializers.DecimalField(source="grant.amount", read_only=True, **AMOUNT)
    grant_currency = serializers.CharField(source="grant.currency", read_only=True)
    funding_sources = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = ProjectCard
        fields = [
            "grant",
            "project",
            "organiser",
            "manager_name",
            "manager_position",
            "manager_contact",
            "starts_on",
            "ends_on",
            "grant_amount",
            "grant_currency",
            "funding_sources",
            "version",
            "can_edit",
        ]
        read_only_fields = fields

    @extend_schema_field(GrantFundingSourceSerializer(many=True))
    def get_funding_sources(self, card: ProjectCard) -> list[dict]:
        return [
            {"name": s.name, "amount": f"{s.amount:.2f}", "currency": s.currency}
            for s in card.grant.funding_sources.order_by("order", "pk")
        ]

    def get_can_edit(self, card: ProjectCard) -> bool:
        request = self.context.get("request")
        return bool(request and request.user.has_perm("grants.edit_work_plan", card.grant))


class GrantCardUpdateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    organiser = serializers.CharField(max_length=300, required=False, allow_blank=True)
    manager_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    manager_position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    manager_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    funding_sources = GrantFundingSourceSerializer(
        many=True, required=False, help_text="Replaces the sources besides the grant itself."
    )


class GrantAnnualFigureSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    target = serializers.DecimalField(allow_null=True, **AMOUNT)
    actual = serializers.DecimalField(**AMOUNT, help_text="From the accepted reports of the year.")
    entered = serializers.DecimalField(**AMOUNT, help_text="From the year's reports not accepted yet.")
    percent = serializers.IntegerField(allow_null=True)


class GrantAnnualIndicatorSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator_id")
    name = serializers.CharField()
    unit = serializers.CharField()
    years = GrantAnnualFigureSerializer(many=True)


class GrantCardViewSet(VersionedAPIMixin, viewsets.GenericViewSet):
    """A grant's project card, addressed by the grant's id: organiser, project manager and the
    funding sources besides the grant (whose dates and amount it shows). The grantee's members and
    the grant officers change it while the grant runs; If-Match guards against overwriting."""

    serializer_class = GrantCardSerializer
    permission_classes = [IsAuthenticated]
    queryset = ProjectCard.objects.none()
    lookup_value_regex = r"[0-9]+"

    def _grant(self) -> Grant:
        pk = str(self.kwargs["pk"])
        if not pk.isdigit():
            raise Http404
        return get_object_or_404(selectors.grants_visible_to(self.request.user), pk=int(pk))

    def get_object(self) -> ProjectCard:
        return card_of(self._grant())

    @extend_schema(responses={200: GrantCardSerializer, **NOT_FOUND})
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=GrantCardUpdateSerializer, responses={200: GrantCardSerializer, **WRITE_ERRORS, **STALE}
    )
    def partial_update(self, request, pk=None):
        grant = self._grant()
        _require_edit(request, grant)
        payload = GrantCardUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        expected = versioning.parse_version(request.headers.get("If-Match"))
        work_plan.save_card(grant, by=request.user, version=expected, **payload.validated_data)
        grant = self._grant()
        return Response(self.get_serializer(card_of(grant)).data)

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, **NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="work-plan-xlsx")
    def work_plan_xlsx(self, request, pk=None):
        """The calendar plan (activities × months) and the card, as an XLSX workbook."""
        return work_plan_response(self._grant())

    @extend_schema(responses={200: GrantAnnualIndicatorSerializer(many=True), **NOT_FOUND})
    @action(detail=True, methods=["get"], url_path="annual-indicators")
    def annual_indicators(self, request, pk=None):
        """Each indicator with yearly targets: per year of the grant, the target, the actual of
        the accepted reports whose period ends in that year, the percentage, and what the year's
        reports not yet accepted say."""
        _years, rows = annual_indicator_report(self._grant())
        return Response(GrantAnnualIndicatorSerializer(rows, many=True).data)


# --- the activities -------------------------------------------------------------------------------


class GrantPlanActivitySerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    months = serializers.SerializerMethodField()
    is_late = serializers.BooleanField(read_only=True, default=False)
    evidence_file_name = serializers.CharField(source="evidence_name", read_only=True)
    has_evidence_file = serializers.SerializerMethodField()
    allowed_transitions = AllowedStepsField()

    class Meta:
        model = PlanActivity
        fields = [
            "id",
            "grant",
            "title",
            "responsible",
            "start_month",
            "end_month",
            "months",
            "deadline",
            "state",
            "state_display",
            "is_late",
            "evidence_note",
            "evidence_file_name",
            "has_evidence_file",
            "done_on",
            "order",
            "version",
            "allowed_transitions",
            "created_at",
        ]
        read_only_fields = fields

    def get_months(self, activity: PlanActivity) -> list[str]:
        return [f"{m:%Y-%m}" for m in activity.months()]

    def get_has_evidence_file(self, activity: PlanActivity) -> bool:
        return bool(activity.evidence_file)


class GrantPlanActivityCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    grant = serializers.IntegerField()
    title = serializers.CharField(max_length=300)
    responsible = serializers.CharField(max_length=200)
    start_month = serializers.DateField(help_text="Any day of the first month (kept as its first day).")
    end_month = serializers.DateField(help_text="Any day of the last month (kept as its first day).")
    deadline = serializers.DateField()


class GrantPlanActivityUpdateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    responsible = serializers.CharField(max_length=200, required=False)
    start_month = serializers.DateField(required=False)
    end_month = serializers.DateField(required=False)
    deadline = serializers.DateField(required=False)


@extend_schema_view(
    list=extend_schema(responses={200: GrantPlanActivitySerializer(many=True), **LIST_ERRORS}),
    retrieve=extend_schema(responses={200: GrantPlanActivitySerializer, **NOT_FOUND}),
)
class PlanActivityViewSet(
    VersionedAPIMixin,
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Activities of the work plans of the grants the caller sees. The grantee's members and the
    grant officers add, change (If-Match), remove (planned ones), start, complete (evidence: a
    note or a file, one required) and cancel them while the grant runs. `is_late`: the deadline
    passed and the activity is neither done nor cancelled."""

    serializer_class = GrantPlanActivitySerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["grant", "state"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    catalogue = ACTIVITY

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: with_late reads the DB
            return PlanActivity.objects.none()
        return with_late(activities_visible_to(self.request.user)).order_by(
            "grant", "order", "start_month", "pk"
        )

    @extend_schema(
        request=GrantPlanActivityCreateSerializer,
        responses={201: GrantPlanActivitySerializer, **WRITE_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        payload = GrantPlanActivityCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        grant = get_object_or_404(selectors.grants_visible_to(request.user), pk=data.pop("grant"))
        _require_edit(request, grant)
        activity = work_plan.add_activity(grant, by=request.user, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data, status=201)

    @extend_schema(
        request=GrantPlanActivityUpdateSerializer,
        responses={200: GrantPlanActivitySerializer, **WRITE_ERRORS, **STALE},
    )
    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        _require_edit(request, activity)
        payload = GrantPlanActivityUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        expected = versioning.parse_version(request.headers.get("If-Match"))
        work_plan.update_activity(activity, by=request.user, version=expected, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)

    @extend_schema(responses={204: None, **BAD_INPUT, **FORBIDDEN, **NOT_FOUND})
    def destroy(self, request, *args, **kwargs):
        activity = self.get_object()
        _require_edit(request, activity)
        work_plan.delete_activity(activity, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        """The evidence file of a done activity (404 when it has none)."""
        activity = self.get_object()
        if not activity.evidence_file:
            raise Http404
        return attachment_response(
            EvidenceFile(activity),
            by=request.user,
            via="api",
            application_id=activity.grant.application_id,
            request=request,
        )
