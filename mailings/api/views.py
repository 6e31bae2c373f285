"""Mailings through the API: /api/v1/mailings/ (drafts edited, previewed, sent; progress and the
record of recipients) and /api/v1/mailing-subscriptions/ (the public subscribe, confirm and
unsubscribe doors, throttled per address)."""

import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.throttles import PerAddressThrottle
from core.api import ErrorSerializer, TransitionActionsMixin
from core.exceptions import TransitionRefused
from core.problems import PROBLEM_CONTENT_TYPE, problem
from core.schema import ConflictProblemSerializer, pages_its_list
from mailings import selectors, services
from mailings.api.serializers import (
    MailingCreateSerializer,
    MailingPreviewSerializer,
    MailingProgressSerializer,
    MailingRecipientSerializer,
    MailingSerializer,
    SubscribeSerializer,
    SubscriptionDoneSerializer,
    SubscriptionTokenSerializer,
)
from mailings.models import Mailing, MailingRecipient
from mailings.steps import MAILING

E = ErrorSerializer
SEEN = {401: E, 404: E}
CONFLICT = {409: OpenApiResponse(ConflictProblemSerializer, description="The mailing is no draft any more.")}
DONE = SubscriptionDoneSerializer
TOO_MANY = {429: OpenApiResponse(E, description="Too many attempts from this address; see Retry-After.")}


def _conflict(refused: TransitionRefused, mailing: Mailing) -> Response:
    body = problem(
        status.HTTP_409_CONFLICT,
        _("This mailing cannot be changed."),
        state=mailing.state,
        allowed=[],
        reasons=refused.reasons,
    )
    return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)


class MailingFilter(django_filters.FilterSet):
    class Meta:
        model = Mailing
        fields = ["contest", "state", "essential"]


class RecipientFilter(django_filters.FilterSet):
    class Meta:
        model = MailingRecipient
        fields = ["state", "language"]


@extend_schema_view(
    list=extend_schema(responses={200: MailingSerializer(many=True), 400: E, 401: E}),
    retrieve=extend_schema(responses={200: MailingSerializer, **SEEN}),
)
class MailingViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Mailings of the contests the caller organises and, for staff and the Organisers group,
    site-wide ones. Only a draft is changed or deleted (409 after sending)."""

    serializer_class = MailingSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = MailingFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    catalogue = MAILING

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mailing.objects.none()
        # The contest's roles come along: the `allowed` steps of each row ask for them.
        return (
            selectors.mailings_visible_to(self.request.user)
            .prefetch_related("contest__roles")
            .order_by("-pk")
        )

    def get_object(self) -> Mailing:
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or int(pk) >= 2**63:
            raise Http404
        mailing = get_object_or_404(self.get_queryset(), pk=int(pk))
        self.check_object_permissions(self.request, mailing)
        return mailing

    def _require(self, perm: str, obj) -> None:
        if not self.request.user.has_perm(perm, obj):
            raise PermissionDenied()

    @extend_schema(
        request=MailingCreateSerializer, responses={201: MailingSerializer, 400: E, 401: E, 403: E}
    )
    def create(self, request: Request) -> Response:
        """A new draft of a contest (its organisers) or site-wide (staff, the Organisers group)."""
        payload = MailingCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        contest = data.pop("contest", None)
        self._require("mailings.add_mailing", contest)
        mailing = services.create_mailing(contest=contest, by=request.user, **data)
        return Response(self.get_serializer(mailing).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MailingSerializer, responses={200: MailingSerializer, 400: E, 403: E, **SEEN, **CONFLICT}
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        mailing = self.get_object()
        self._require("mailings.change_mailing", mailing)
        if not mailing.is_editable:
            return _conflict(
                TransitionRefused([_("Only a draft can be changed; this mailing was sent.")]), mailing
            )
        payload = MailingSerializer(
            mailing, data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        try:
            mailing = services.update_mailing(mailing, **payload.validated_data)
        except TransitionRefused as refused:
            return _conflict(refused, mailing)
        return Response(self.get_serializer(mailing).data)

    @extend_schema(request=None, responses={204: None, 403: E, **SEEN, **CONFLICT})
    def destroy(self, request: Request, pk=None) -> Response:
        """Delete a draft."""
        mailing = self.get_object()
        self._require("mailings.change_mailing", mailing)
        try:
            services.delete_mailing(mailing)
        except TransitionRefused as refused:
            return _conflict(refused, mailing)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: MailingPreviewSerializer, **SEEN})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk=None) -> Response:
        """How many people the mailing would reach now, how many are skipped as unsubscribed, and
        the first few names."""
        preview = selectors.preview(self.get_object())
        return Response(MailingPreviewSerializer(preview).data)

    @extend_schema(responses={200: MailingProgressSerializer, **SEEN})
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk=None) -> Response:
        """Sent, failed and pending e-mails, from the outbox (the mailing turns sent when none waits)."""
        mailing = services.refresh_state(self.get_object().pk)
        progress = selectors.progress_of(mailing)
        body = {"state": mailing.state, "percent": progress.percent, **progress.__dict__}
        return Response(MailingProgressSerializer(body).data)

    @extend_schema(
        responses={200: MailingRecipientSerializer(many=True), 400: E, **SEEN},
        parameters=[
            OpenApiParameter(
                "state", enum=MailingRecipient.State.values, description="queued or unsubscribed"
            ),
            OpenApiParameter("language", description="uk, en or ru"),
        ],
    )
    @action(detail=True, methods=["get"])
    @pages_its_list
    def recipients(self, request: Request, pk=None) -> Response:
        """The record of what was sent to whom (paginated; filter by state, language)."""
        rows = self.filter_queryset_for(selectors.recipients_of(self.get_object()), RecipientFilter)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MailingRecipientSerializer(page, many=True).data)

    def filter_queryset(self, queryset):
        # The mailings' filters are for the list; `recipients` filters its own rows.
        return queryset if self.action == "recipients" else super().filter_queryset(queryset)

    def filter_queryset_for(self, queryset, filterset_class):
        filterset = filterset_class(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs


class SubscriptionThrottle(PerAddressThrottle):
    """Ten tries an hour per address: the subscribe door e-mails whoever is named."""

    def get_rate(self):
        return super().get_rate() or "10/hour"


class SubscriptionViewSet(viewsets.GenericViewSet):
    """The depository's e-mail subscribers: anyone subscribes (a confirmation link is e-mailed),
    confirms with the link's token, and unsubscribes with the token of any mailing's link."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # public doors: no session, so no CSRF to trip on
    throttle_classes = [SubscriptionThrottle]
    throttle_scope = "mailings_subscribe"
    serializer_class = SubscribeSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        request=SubscribeSerializer, responses={202: SubscriptionDoneSerializer, 400: E, **TOO_MANY}
    )
    def create(self, request: Request) -> Response:
        """Subscribe an address; the same answer whether or not it was subscribed already."""
        payload = SubscribeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.subscribe(data["email"], language=data["language"], topic=data["topic"])
        return Response(
            {"detail": _("If the address can receive mail, a confirmation link is on its way.")},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        request=SubscriptionTokenSerializer, responses={200: SubscriptionDoneSerializer, 400: E, **TOO_MANY}
    )
    @action(detail=False, methods=["post"])
    def confirm(self, request: Request) -> Response:
        """Confirm a subscription with the token of the e-mailed link."""
        payload = SubscriptionTokenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.confirm_subscription(payload.validated_data["token"])
        return Response({"detail": _("The subscription is confirmed.")})

    @extend_schema(
        request=SubscriptionTokenSerializer, responses={200: SubscriptionDoneSerializer, 400: E, **TOO_MANY}
    )
    @action(detail=False, methods=["post"])
    def unsubscribe(self, request: Request) -> Response:
        """Stop non-essential mailings, with the token of a mailing's unsubscribe link."""
        payload = SubscriptionTokenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.unsubscribe(payload.validated_data["token"])
        return Response({"detail": _("You will receive no more such mailings.")})
