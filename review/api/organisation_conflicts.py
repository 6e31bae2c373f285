"""Conflicts of interest declared with a whole organisation, through the API.

`/api/v1/organisation-conflicts/`: a juror declares one (for their own seat only) and lists
theirs; the contest's organisers list the declarations of their jurors (filters: contest,
juror, organisation, state) and accept or reject them (the catalogue's steps,
review.steps.ORGANISATION_CONFLICT). `…/organisations/` lists the organisations a juror may
name, with a search by name.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organisation
from contests.models import ContestRole
from core.api import AllowedStepsField, ErrorSerializer, TransitionActionsMixin
from core.strict import RefuseUnknownFieldsMixin
from review import services
from review.models import Juror, OrganisationConflict
from review.selectors import organisation_conflicts_visible_to
from review.steps import ORGANISATION_CONFLICT


class OrganisationConflictSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    contest = serializers.IntegerField(source="juror.contest_id", read_only=True)
    juror_name = serializers.CharField(source="juror.user.display_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    decided_by_name = serializers.SerializerMethodField()
    allowed = AllowedStepsField()

    class Meta:
        model = OrganisationConflict
        fields = [
            "id",
            "contest",
            "juror",
            "juror_name",
            "organisation",
            "organisation_name",
            "note",
            "state",
            "state_display",
            "decision_reason",
            "decided_by_name",
            "decided_at",
            "created_at",
            "allowed",
        ]
        read_only_fields = fields

    def get_decided_by_name(self, declaration: OrganisationConflict) -> str | None:
        return declaration.decided_by.display_name if declaration.decided_by else None


class OrganisationConflictInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """The caller's seat by `juror` (its id) or by `contest` (the caller's seat in it)."""

    juror = serializers.IntegerField(required=False, help_text="Your seat on the jury (a juror id).")
    contest = serializers.IntegerField(required=False, help_text="Or the contest whose jury you sit on.")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), label=gettext_lazy("Organisation")
    )
    note = serializers.CharField(
        max_length=2000,
        label=gettext_lazy("Note"),
        help_text="What ties you to the organisation (the organisers read it).",
    )

    def validate(self, data: dict) -> dict:
        if data.get("juror") is None and data.get("contest") is None:
            raise serializers.ValidationError(
                {"juror": [_("Give your seat on the jury (juror) or the contest.")]}
            )
        return data


class OrganisationChoiceSerializer(serializers.ModelSerializer):
    region_display = serializers.CharField(source="get_region_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "settlement", "region", "region_display"]
        read_only_fields = fields


class OrganisationConflictFilter(filters.FilterSet):
    contest = filters.NumberFilter(field_name="juror__contest", label="Contest")
    state = filters.MultipleChoiceFilter(choices=OrganisationConflict.State.choices)

    class Meta:
        model = OrganisationConflict
        fields = ["contest", "juror", "organisation", "state"]


class OrganisationConflictViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Conflicts of interest declared by jurors with whole organisations. While one is pending or
    accepted, no application of the organisation in the contest is assigned to the juror; a
    rejected one excludes nothing."""

    serializer_class = OrganisationConflictSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = OrganisationConflictFilter
    ordering_fields = ["created_at", "state"]
    catalogue = ORGANISATION_CONFLICT
    queryset = OrganisationConflict.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            organisation_conflicts_visible_to(self.request.user)
            .select_related("juror__user", "juror__contest", "organisation", "decided_by")
            .order_by("-created_at", "-pk")
        )

    def _seat(self, data: dict) -> Juror:
        user = self.request.user
        if data.get("juror") is not None:
            juror = Juror.objects.select_related("contest", "user").filter(pk=data["juror"]).first()
            if juror is None:
                raise serializers.ValidationError({"juror": [_("No such juror.")]})
        else:
            juror = (
                Juror.objects.select_related("contest", "user")
                .filter(contest_id=data["contest"], user=user)
                .first()
            )
            if juror is None:
                raise PermissionDenied(_("You are not on this contest's jury."))
        if not user.has_perm("review.declare_organisation_conflict", juror):
            raise PermissionDenied(_("Only the juror may declare their own conflicts of interest."))
        return juror

    @extend_schema(
        request=OrganisationConflictInputSerializer,
        responses={201: OrganisationConflictSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Declare a conflict of interest with an organisation (jurors, for their own seat).
        A second declaration while one stands answers 400."""
        payload = OrganisationConflictInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        juror = self._seat(data)
        declaration = services.declare_organisation_conflict(
            juror, organisation=data["organisation"], note=data["note"], by=request.user
        )
        declaration = self.get_queryset().get(pk=declaration.pk)
        return Response(self.get_serializer(declaration).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        filters=False,
        parameters=[
            OpenApiParameter("search", str, description="Part of the organisation's name."),
            OpenApiParameter("page", int, description="Page of 50 rows (default 1)."),
        ],
        responses={200: OrganisationChoiceSerializer(many=True), 403: ErrorSerializer},
    )
    @action(
        detail=False, methods=["get"], filterset_class=None, serializer_class=OrganisationChoiceSerializer
    )
    def organisations(self, request):
        """The organisations a juror may name in a declaration (jurors and organisers only)."""
        user = request.user
        on_a_jury = (
            Juror.objects.filter(user=user).exists()
            or ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).exists()
        )
        if not on_a_jury:
            raise PermissionDenied(_("Only jurors and organisers may list organisations here."))
        organisations = Organisation.objects.order_by("name", "pk")
        if search := (request.query_params.get("search") or "").strip():
            organisations = organisations.filter(name__icontains=search)
        page = self.paginate_queryset(organisations)
        return self.get_paginated_response(OrganisationChoiceSerializer(page, many=True).data)
