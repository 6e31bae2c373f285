"""The e-services catalogue by API: services (public read of the published ones; the
organisation's members write), their yearly figures, the classifier, and totals by region for
organisers and staff."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ErrorSerializer
from eservices import selectors, services
from eservices.api.serializers import (
    EServiceCategorySerializer,
    EServiceCreateSerializer,
    EServiceRegionTotalSerializer,
    EServiceSerializer,
    EServiceYearCreateSerializer,
    EServiceYearSerializer,
)
from eservices.filters import OrganisationEServiceFilter
from eservices.models import EService, EServiceYear, ServiceCategory

E = ErrorSerializer


def _check_change(request: Request, service: EService) -> None:
    if not request.user.has_perm("eservices.change_eservice", service):
        raise PermissionDenied(_("Only the organisation's members change its e-services."))


class _ByNumber:
    """`{id}` that is not a number, or too large for the database, is no object (404)."""

    def get_object(self):
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or int(pk) >= 2**63:
            raise Http404
        obj = get_object_or_404(self.get_queryset(), pk=int(pk))
        self.check_object_permissions(self.request, obj)
        return obj


@extend_schema_view(
    list=extend_schema(responses={200: EServiceSerializer(many=True)}),
    retrieve=extend_schema(responses={200: EServiceSerializer, 404: E}),
    partial_update=extend_schema(
        request=EServiceSerializer, responses={200: EServiceSerializer, 400: E, 403: E, 404: E}
    ),
    destroy=extend_schema(responses={204: None, 403: E, 404: E}),
)
class EServiceViewSet(
    _ByNumber,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Libraries' e-services. Everyone reads the published ones; an organisation's members also
    read and write their own (unpublished included). `q` searches the name, the help given and
    the library; `region`, `category`, `organisation` and `published` filter."""

    serializer_class = EServiceSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_class = OrganisationEServiceFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EService.objects.none()
        return selectors.with_list_data(selectors.visible_to(self.request.user)).order_by(
            "organisation__name", "name", "pk"
        )

    def get_object(self) -> EService:
        service = super().get_object()
        if self.request.method not in SAFE_METHODS:
            _check_change(self.request, service)
        return service

    @extend_schema(
        request=EServiceCreateSerializer,
        responses={201: EServiceSerializer, 400: E, 401: E, 403: E},
        description="A new e-service of an organisation, by one of its members.",
    )
    def create(self, request: Request) -> Response:
        payload = EServiceCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        organisation = data.pop("organisation")
        if not request.user.has_perm("eservices.add_eservice", organisation):
            raise PermissionDenied(_("Only the organisation's members keep its list of e-services."))
        service = services.create_service(organisation, by=request.user, **data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=service.pk)).data, status=status.HTTP_201_CREATED
        )

    def perform_update(self, serializer) -> None:
        services.update_service(serializer.instance, **serializer.validated_data)

    def update(self, request: Request, *args, **kwargs) -> Response:
        super().update(request, *args, **kwargs)
        return Response(self.get_serializer(self.get_object()).data)

    def perform_destroy(self, instance: EService) -> None:
        services.delete_service(instance)


@extend_schema_view(
    list=extend_schema(responses={200: EServiceYearSerializer(many=True)}),
    retrieve=extend_schema(responses={200: EServiceYearSerializer, 404: E}),
    partial_update=extend_schema(
        request=EServiceYearSerializer, responses={200: EServiceYearSerializer, 400: E, 403: E, 404: E}
    ),
    destroy=extend_schema(responses={204: None, 403: E, 404: E}),
)
class EServiceYearViewSet(
    _ByNumber,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """People helped per year, of the e-services the caller sees. POST gives a service's figure
    for a year (replacing the one given before: 200, or 201 when new); the service's
    organisation's members write."""

    serializer_class = EServiceYearSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filterset_fields = ["service", "year"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EServiceYear.objects.none()
        visible = selectors.visible_to(self.request.user)
        return (
            EServiceYear.objects.filter(service__in=visible.values("pk"))
            .select_related("service__organisation")
            .order_by("service_id", "-year", "pk")
        )

    def get_object(self) -> EServiceYear:
        figure = super().get_object()
        if self.request.method not in SAFE_METHODS:
            _check_change(self.request, figure.service)
        return figure

    @extend_schema(
        request=EServiceYearCreateSerializer,
        responses={201: EServiceYearSerializer, 200: EServiceYearSerializer, 400: E, 401: E, 403: E},
    )
    def create(self, request: Request) -> Response:
        context = {**self.get_serializer_context(), "visible": selectors.visible_to(request.user)}
        payload = EServiceYearCreateSerializer(data=request.data, context=context)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        service = data.pop("service")
        _check_change(request, service)
        existed = service.years.filter(year=data["year"]).exists()
        figure = services.set_year(service, **data)
        return Response(
            EServiceYearSerializer(figure).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = services.change_year(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance: EServiceYear) -> None:
        services.delete_year(instance)


class EServiceCategoryViewSet(_ByNumber, viewsets.ReadOnlyModelViewSet):
    """The classifier of e-service categories (kept by staff in the admin)."""

    serializer_class = EServiceCategorySerializer
    permission_classes = [AllowAny]
    filterset_fields: list[str] = []

    def get_queryset(self):
        return ServiceCategory.objects.order_by("order", "code")


@extend_schema_view(
    list=extend_schema(responses={200: EServiceRegionTotalSerializer(many=True), 401: E, 403: E})
)
class EServiceTotalsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published e-services by region: how many, of how many organisations, and the people they
    helped per year. For organisers (whoever may create contests) and staff."""

    serializer_class = EServiceRegionTotalSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields: list[str] = []

    def get_queryset(self):
        return EService.objects.none()  # the rows are totals, not services

    def list(self, request: Request, *args, **kwargs) -> Response:
        if not request.user.has_perm("eservices.view_totals"):
            raise PermissionDenied(_("Totals by region are for organisers."))
        rows, _years = selectors.totals_by_region()
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
