"""The depository's work by API, with the pages' rules: an applicant's consent to publication,
organisers selecting cases, publishing and withdrawing them (the Practice catalogue,
depository/steps.py), the congress (presentation) mark, the preview of what publishing would
show, and the presentation list as CSV or XLSX. The public catalogue stays at /practices/."""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from applications.models import Application
from applications.selectors import applications_visible_to
from contests.selectors import contests_visible_to
from core import exports as sheets
from core.api import (
    AllowedStepsField,
    ErrorSerializer,
    RefuseUnknownFieldsMixin,
    TransitionActionsMixin,
    TransitionConflictSerializer,
    refusal_response,
)
from core.exceptions import TransitionRefused
from core.steps import Refusal
from depository import exports, selectors, services
from depository.api.serializers import CaseSectionSerializer, PracticeCategorySerializer
from depository.cases import section_rows, snapshot
from depository.models import Consent, Practice
from depository.steps import PRACTICE

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def _conflict(reasons: list[str], practice: Practice | None, user) -> Response:
    """409 for a refused selection or removal, listing only the steps allowed now."""
    return refusal_response(
        Refusal(
            "conflict",
            _("This step was refused."),
            reasons=reasons,
            state=practice.state if practice is not None else "",
            allowed=PRACTICE.allowed_names(practice, user) if practice is not None else [],
        )
    )


# --- consent --------------------------------------------------------------------------------------


class DepositoryConsentSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    application = serializers.IntegerField(source="pk", read_only=True)
    granted = serializers.SerializerMethodField()
    changed_at = serializers.SerializerMethodField()
    case_state = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["application", "number", "title", "granted", "changed_at", "case_state"]

    def get_granted(self, application: Application) -> bool:
        consent = getattr(application, "depository_consent", None)
        return bool(consent and consent.granted)

    def get_changed_at(self, application: Application) -> str | None:
        consent = getattr(application, "depository_consent", None)
        return consent.changed_at.isoformat() if consent and consent.changed_at else None

    def get_case_state(self, application: Application) -> str | None:
        practice = getattr(application, "practice", None)
        return practice.state if practice is not None else None


class DepositoryConsentInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    representation = DepositoryConsentSerializer  # its other fields are accepted when unchanged
    granted = serializers.BooleanField(
        label=gettext_lazy("Consent to publication"),
        help_text=gettext_lazy("true: the organisers may publish the application as a case."),
    )


class DepositoryConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An applicant organisation's consent to publish its application as a best-practice case,
    by application id. Members of the applicant organisation decide (PUT {"granted": …});
    withdrawing it takes a published case of a non-winner off the depository at once."""

    serializer_class = DepositoryConsentSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "put", "head", "options"]

    def get_queryset(self):
        return (
            applications_visible_to(self.request.user)
            .exclude(state=Application.State.DRAFT)
            .select_related("depository_consent", "practice", "organisation")
            .order_by("-pk")
        )

    @extend_schema(
        request=DepositoryConsentInput,
        responses={200: DepositoryConsentSerializer, **ERRORS},
    )
    def update(self, request: Request, pk=None) -> Response:
        application = self.get_object()
        if not request.user.has_perm("depository.give_consent", application):
            raise PermissionDenied(_("Only members of the applicant organisation may decide on publication."))
        payload = DepositoryConsentInput(application, data=request.data)
        payload.is_valid(raise_exception=True)
        services.set_consent(application, by=request.user, granted=payload.validated_data["granted"])
        return Response(self.get_serializer(self.get_object()).data)


# --- organisers' cases ----------------------------------------------------------------------------------


class DepositoryCaseSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    number = serializers.IntegerField(source="pk", read_only=True)
    application_number = serializers.CharField(source="application.number", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.CharField(source="application.organisation.name", read_only=True)
    nomination_title = serializers.CharField(source="nomination.title", read_only=True)
    winner = serializers.SerializerMethodField()
    consented = serializers.BooleanField(read_only=True)
    page_url = serializers.SerializerMethodField()
    eservices = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text=gettext_lazy("The e-services (of the case's organisation) the case describes."),
    )
    allowed = AllowedStepsField()

    class Meta:
        model = Practice
        fields = [
            "number",
            "contest",
            "application",
            "application_number",
            "application_title",
            "organisation",
            "nomination",
            "nomination_title",
            "state",
            "title",
            "winner",
            "consented",
            "published_at",
            "presentation",
            "presentation_note",
            "page_url",
            "eservices",
            "allowed",
        ]
        read_only_fields = fields

    def get_winner(self, practice: Practice) -> bool:
        return practice.application.state == Application.State.AWARDED

    def get_page_url(self, practice: Practice) -> str | None:
        if practice.state != Practice.State.PUBLISHED:
            return None
        path = reverse("depository:detail", args=[practice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DepositoryCaseSelectInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    application = serializers.IntegerField(help_text=gettext_lazy("The application to make a case of."))


class DepositoryWinnersInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    contest = serializers.IntegerField(help_text=gettext_lazy("The contest whose winners become cases."))


class DepositoryWinnersAdded(serializers.Serializer):
    added = serializers.IntegerField()


class DepositoryPresentationInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    selected = serializers.BooleanField(help_text=gettext_lazy("Chosen to present at the congress."))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DepositoryCaseEServicesInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    representation = DepositoryCaseSerializer  # its other fields are accepted when unchanged
    eservices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=100,
        help_text=gettext_lazy("Ids of e-services of the case's organisation (replacing the links)."),
    )


class DepositoryCasePreviewSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    organisation_name = serializers.CharField()
    settlement = serializers.CharField()
    region = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    awarded = serializers.BooleanField()
    sections = CaseSectionSerializer(many=True)
    categories = PracticeCategorySerializer(many=True)
    publish_problems = serializers.ListField(child=serializers.CharField())


FILE_PARAMETER = OpenApiParameter(
    "file", str, enum=["csv", "xlsx"], description="The file's format (default csv)."
)
CONTEST_PARAMETER = OpenApiParameter("contest", int, required=True, description="The contest's id.")


class DepositoryCaseViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The cases of the contests the caller organises (every case for staff), by case number.
    POST selects an application as a case (a draft, not public: winners, or others whose
    applicant consented); DELETE removes a case never published; publish and withdraw are the
    case's steps; PATCH …/presentation/ is the congress mark; GET …/preview/ shows what
    publishing now would show; …/presentations/?contest=&file= exports the congress list."""

    serializer_class = DepositoryCaseSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest", "state", "presentation"]
    lookup_value_regex = r"\d+"
    catalogue = PRACTICE

    def get_queryset(self):
        consented = Consent.objects.filter(application=OuterRef("application_id"), granted=True)
        return (
            selectors.practices_managed_by(self.request.user)
            .select_related("contest", "nomination", "application__organisation")
            .prefetch_related("contest__roles", "eservices")
            .annotate(consented=Exists(consented))
            .order_by("contest_id", "nomination__order", "application__number", "pk")
        )

    def _managed_contest(self, pk) -> object:
        """404 for a contest the caller may not see; 403 for one they see but do not organise."""
        contest = get_object_or_404(contests_visible_to(self.request.user), pk=pk)
        if not self.request.user.has_perm("depository.manage_practices", contest):
            raise PermissionDenied(_("Only the contest's organisers manage its cases."))
        return contest

    @extend_schema(
        request=DepositoryCaseSelectInput,
        responses={
            201: DepositoryCaseSerializer,
            200: DepositoryCaseSerializer,
            **ERRORS,
            409: TransitionConflictSerializer,
        },
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        payload = DepositoryCaseSelectInput(data=request.data)
        payload.is_valid(raise_exception=True)
        application = get_object_or_404(
            Application.objects.filter(contest__in=contests_visible_to(request.user)).select_related(
                "contest"
            ),
            pk=payload.validated_data["application"],
        )
        self._managed_contest(application.contest_id)
        existed = Practice.objects.filter(application=application).exists()
        try:
            practice = services.select_case(application, by=request.user)
        except TransitionRefused as refused:
            return _conflict(refused.reasons, None, request.user)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=practice.pk)).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(responses={204: None, **ERRORS, 409: TransitionConflictSerializer})
    def destroy(self, request: Request, *args, **kwargs) -> Response:
        """Remove a case that was never published (a published one stays, withdrawn, so its
        number is never given to another)."""
        practice = self.get_object()
        if not request.user.has_perm("depository.change_practice", practice):
            raise PermissionDenied(_("You may not do this."))
        try:
            services.remove_draft(practice, by=request.user)
        except TransitionRefused as refused:
            return _conflict(refused.reasons, practice, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=DepositoryWinnersInput,
        responses={200: DepositoryWinnersAdded, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="select-winners")
    def select_winners(self, request: Request) -> Response:
        """Draft cases for every winner of the contest not selected yet."""
        payload = DepositoryWinnersInput(data=request.data)
        payload.is_valid(raise_exception=True)
        contest = self._managed_contest(payload.validated_data["contest"])
        return Response({"added": services.select_winners(contest, by=request.user)})

    @extend_schema(request=DepositoryPresentationInput, responses={200: DepositoryCaseSerializer, **ERRORS})
    @action(detail=True, methods=["patch"])
    def presentation(self, request: Request, pk=None) -> Response:
        """The congress mark: select the case (or not) for presentation, with a note."""
        practice = self.get_object()
        if not request.user.has_perm("depository.change_practice", practice):
            raise PermissionDenied(_("You may not do this."))
        payload = DepositoryPresentationInput(data=request.data)
        payload.is_valid(raise_exception=True)
        services.mark_presentation(practice, by=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=DepositoryCaseEServicesInput, responses={200: DepositoryCaseSerializer, **ERRORS})
    @action(detail=True, methods=["patch"], url_path="e-services")
    def eservices(self, request: Request, pk=None) -> Response:
        """Link the case to e-services of its organisation (the list replaces the links)."""
        practice = self.get_object()
        if not request.user.has_perm("depository.change_practice", practice):
            raise PermissionDenied(_("You may not do this."))
        payload = DepositoryCaseEServicesInput(practice, data=request.data)
        payload.is_valid(raise_exception=True)
        wanted = set(payload.validated_data["eservices"])
        found = list(selectors.eservice_choices(practice).filter(pk__in=wanted))
        if missing := wanted - {service.pk for service in found}:
            raise ValidationError(
                {
                    "eservices": [
                        _("Only e-services of the case's organisation can be linked: %(ids)s.")
                        % {"ids": ", ".join(map(str, sorted(missing)))}
                    ]
                }
            )
        services.set_eservices(practice, found, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=practice.pk)).data)

    @extend_schema(responses={200: DepositoryCasePreviewSerializer, **ERRORS})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk=None) -> Response:
        """What publishing now would show: the snapshot of the application as it stands, not
        saved, and why publishing would be refused (if it would)."""
        practice = self.get_object()
        if not request.user.has_perm("depository.change_practice", practice):
            raise PermissionDenied(_("You may not do this."))
        application = Application.objects.select_related("contest", "organisation").get(
            pk=practice.application_id
        )
        practice.application = application
        problems = [str(p) for p in practice.publish_problems()]
        for field, value in snapshot(application).items():
            setattr(practice, field, value)
        categories = application.categories.select_related("classifier")
        return Response(
            DepositoryCasePreviewSerializer(
                {
                    "number": practice.pk,
                    "title": practice.title,
                    "organisation_name": practice.organisation_name,
                    "settlement": practice.settlement,
                    "region": practice.region,
                    "year": practice.year,
                    "awarded": practice.awarded,
                    "sections": section_rows(practice.sections, practice.layout),
                    "categories": categories,
                    "publish_problems": problems,
                }
            ).data
        )

    @extend_schema(
        parameters=[CONTEST_PARAMETER, FILE_PARAMETER],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY,
            400: OpenApiResponse(ErrorSerializer),
            403: OpenApiResponse(ErrorSerializer),
            404: OpenApiResponse(ErrorSerializer),
        },
    )
    @action(detail=False, methods=["get"])
    def presentations(self, request: Request):
        """The congress list: the contest's cases selected for presentation, as CSV or XLSX."""
        raw = request.query_params.get("contest", "")
        if not raw.isdigit():
            raise ValidationError({"contest": [_("Give the contest's id.")]})
        kind = request.query_params.get("file", "csv")
        if kind not in ("csv", "xlsx"):
            raise ValidationError({"file": [_("Choose csv or xlsx.")]})
        contest = self._managed_contest(int(raw))
        sheet = exports.PresentationSheet(contest, request)
        if kind == "xlsx":
            return sheets.xlsx_sheet_response(sheet, exports.filename(contest, "xlsx"), _("Presentations"))
        return sheets.csv_sheet_response(sheet, exports.filename(contest, "csv"))
