"""Webhook endpoints through the API: /api/v1/webhooks/ (the owner's endpoints), a new one's
secret in the creating answer only, its delivery log, a test event, a new secret, enabling."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ErrorSerializer
from core.schema import pages_its_list
from webhooks import services
from webhooks.api.serializers import (
    DeliverySerializer,
    EndpointCreateSerializer,
    EndpointSerializer,
    NewSecretSerializer,
)
from webhooks.models import Endpoint
from webhooks.selectors import deliveries_of, endpoints_visible_to

E = ErrorSerializer
SEEN = {401: E, 404: E}


@extend_schema_view(
    list=extend_schema(responses={200: EndpointSerializer(many=True), 401: E}),
    retrieve=extend_schema(responses={200: EndpointSerializer, **SEEN}),
    partial_update=extend_schema(
        request=EndpointSerializer, responses={200: EndpointSerializer, 400: E, 403: E, **SEEN}
    ),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Endpoints of the organisations the caller administers and of the contests they organise."""

    serializer_class = EndpointSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Endpoint.objects.none()
        return endpoints_visible_to(self.request.user).order_by("pk")

    def get_object(self) -> Endpoint:
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or int(pk) >= 2**63:
            raise Http404
        endpoint = get_object_or_404(self.get_queryset(), pk=int(pk))
        self.check_object_permissions(self.request, endpoint)
        return endpoint

    def perform_update(self, serializer) -> None:
        services.update_endpoint(serializer.instance, **serializer.validated_data)

    @extend_schema(
        request=EndpointCreateSerializer,
        responses={201: NewSecretSerializer, 400: E, 401: E, 403: E},
        description="A new endpoint of an organisation (its administrators) or a contest (its "
        "organisers). The answer holds the signing secret, which is never shown again.",
    )
    def create(self, request: Request) -> Response:
        payload = EndpointCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        organisation, contest = data.pop("organisation", None), data.pop("contest", None)
        if organisation is not None:
            owner, perm = organisation, "webhooks.manage_organisation_webhooks"
        else:
            owner, perm = contest, "webhooks.manage_contest_webhooks"
        if not request.user.has_perm(perm, owner):
            raise PermissionDenied()
        endpoint, secret = services.create_endpoint(owner, by=request.user, **data)
        body = NewSecretSerializer(endpoint).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, **SEEN})
    def destroy(self, request: Request, pk=None) -> Response:
        services.delete_endpoint(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: NewSecretSerializer, **SEEN})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk=None) -> Response:
        """A new signing secret, in this answer only; the old one stops signing at once."""
        endpoint = self.get_object()
        secret = services.rotate_secret(endpoint)
        body = NewSecretSerializer(endpoint).data
        body["secret"] = secret
        return Response(body)

    @extend_schema(request=None, responses={200: EndpointSerializer, **SEEN})
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk=None) -> Response:
        """Enable a disabled endpoint again, its failures forgotten."""
        return Response(EndpointSerializer(services.enable_endpoint(self.get_object())).data)

    @extend_schema(request=None, responses={202: DeliverySerializer, **SEEN})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk=None) -> Response:
        """Send a `webhook.test` event now (after this answer); its outcome is in the log."""
        delivery = services.send_test(self.get_object())
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: DeliverySerializer(many=True), **SEEN})
    @action(detail=True, methods=["get"])
    @pages_its_list
    def deliveries(self, request: Request, pk=None) -> Response:
        """The delivery log, newest first (paginated): each try's status code, duration, error."""
        page = self.paginate_queryset(deliveries_of(self.get_object()))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
