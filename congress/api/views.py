"""The congress API: events (/api/v1/congress-events/: the public sees published ones, organisers
theirs; steps publish, finish, unpublish; the public programme; reordering) and invitations to
present (/api/v1/congress-invitations/: the event's organisers and the invited library only;
steps confirm, decline with a reason, withdraw)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from congress import selectors, services
from congress.api.serializers import (
    CongressEventSerializer,
    CongressInvitationSerializer,
    CongressInvitationUpdateSerializer,
    CongressProgrammeSerializer,
    CongressReorderSerializer,
)
from congress.models import Event, Invitation
from congress.steps import EVENT, INVITATION
from core.api import ErrorSerializer, RulesPermission, TransitionActionsMixin, TransitionConflictSerializer
from core.exceptions import TransitionRefused
from core.problems import PROBLEM_CONTENT_TYPE, problem

E = ErrorSerializer
SEEN = {401: E, 404: E}
WRITE = {400: E, 401: E, 403: E, 404: E}
MAX_PK = 2**63


def _object(view, queryset):
    pk = str(view.kwargs.get("pk", ""))
    if not pk.isdigit() or int(pk) >= MAX_PK:
        raise Http404
    # Filtered as DRF's own get_object does: a detail action documenting the list's filters
    # (history) refuses an invalid filter value with 400 rather than ignoring it.
    obj = get_object_or_404(view.filter_queryset(queryset), pk=int(pk))
    view.check_object_permissions(view.request, obj)
    return obj


@extend_schema_view(
    list=extend_schema(responses={200: CongressEventSerializer(many=True), 400: E}),
    retrieve=extend_schema(responses={200: CongressEventSerializer, 404: E}),
    partial_update=extend_schema(
        request=CongressEventSerializer, responses={200: CongressEventSerializer, **WRITE}
    ),
)
class CongressEventViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Events where libraries present their cases. Published ones are public; drafts are seen
    by their organisers only (the people who created them and the linked contest's organisers)."""

    serializer_class = CongressEventSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, RulesPermission]
    action_perms = {
        "partial_update": "congress.change_event",
        "destroy": "congress.delete_event",
        "reorder": "congress.change_event",
    }
    filterset_fields = ["state", "contest"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    catalogue = EVENT

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        return selectors.events_visible_to(self.request.user).order_by("-starts_at", "-pk")

    def get_object(self) -> Event:
        return _object(self, self.get_queryset())

    @extend_schema(
        request=CongressEventSerializer, responses={201: CongressEventSerializer, 400: E, 401: E, 403: E}
    )
    def create(self, request: Request) -> Response:
        """A new event in draft; the caller organises it. Needs the right to create contests."""
        if not request.user.has_perm("congress.add_event"):
            raise PermissionDenied()
        payload = CongressEventSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        event = services.create_event(by=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=event.pk)).data, status=201)

    def perform_update(self, serializer) -> None:
        services.update_event(serializer.instance, by=self.request.user, **serializer.validated_data)

    @extend_schema(
        request=None, responses={204: None, 401: E, 403: E, 404: E, 409: TransitionConflictSerializer}
    )
    def destroy(self, request: Request, pk=None) -> Response:
        """Delete a draft event with its invitations (409 once published)."""
        event = self.get_object()
        try:
            services.delete_event(event, by=request.user)
        except TransitionRefused as refused:
            body = problem(
                409,
                refused.reasons[0],
                state=event.state,
                allowed=self.allowed_transitions(event, request.user),
            )
            return Response(body, status=409, content_type=PROBLEM_CONTENT_TYPE)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: CongressProgrammeSerializer, 404: E})
    @action(detail=True, methods=["get"])
    def programme(self, request: Request, pk=None) -> Response:
        """The public programme: the confirmed presenters and their cases, in order."""
        event = self.get_object()
        body = {
            "id": event.pk,
            "title": event.title,
            "description": event.description,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "place": event.place,
            "state": event.state,
            "presenters": list(selectors.programme(event)),
        }
        return Response(CongressProgrammeSerializer(body, context=self.get_serializer_context()).data)

    @extend_schema(
        request=CongressReorderSerializer, responses={200: CongressInvitationSerializer(many=True), **WRITE}
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request: Request, pk=None) -> Response:
        """Put the event's invitations in this order (the programme lists them so)."""
        event = self.get_object()
        payload = CongressReorderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.reorder(event, payload.validated_data["order"], by=request.user)
        invitations = selectors.invitations_of_event(event)
        return Response(
            CongressInvitationSerializer(invitations, many=True, context=self.get_serializer_context()).data
        )


@extend_schema_view(
    list=extend_schema(responses={200: CongressInvitationSerializer(many=True), 400: E, 401: E}),
    retrieve=extend_schema(responses={200: CongressInvitationSerializer, **SEEN}),
    partial_update=extend_schema(
        request=CongressInvitationUpdateSerializer, responses={200: CongressInvitationSerializer, **WRITE}
    ),
)
class CongressInvitationViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations to present: of the events the caller organises, and to the caller's libraries."""

    serializer_class = CongressInvitationSerializer
    permission_classes = [IsAuthenticated, RulesPermission]
    action_perms = {"partial_update": "congress.change_invitation"}
    filterset_fields = ["event", "state", "organisation"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    catalogue = INVITATION

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.invitations_visible_to(self.request.user).order_by("event", "position", "pk")

    def get_serializer_class(self):
        if self.action == "partial_update":
            return CongressInvitationUpdateSerializer
        return CongressInvitationSerializer

    def get_object(self) -> Invitation:
        return _object(self, self.get_queryset())

    @extend_schema(
        request=CongressInvitationSerializer,
        responses={201: CongressInvitationSerializer, 400: E, 401: E, 403: E},
    )
    def create(self, request: Request) -> Response:
        """Invite the organisation behind a published case to present it (the event's organisers)."""
        payload = CongressInvitationSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        event = data["event"]
        if not request.user.has_perm("congress.invite", event):
            raise PermissionDenied()
        [invitation] = services.invite(
            event,
            [data["practice"]],
            by=request.user,
            respond_by=data["respond_by"],
            topic=data.get("topic", ""),
        )
        if data.get("slot_starts_at"):
            services.update_invitation(invitation, by=request.user, slot_starts_at=data["slot_starts_at"])
        stored = self.get_queryset().get(pk=invitation.pk)
        return Response(
            CongressInvitationSerializer(stored, context=self.get_serializer_context()).data, status=201
        )

    def update(self, request: Request, *args, **kwargs) -> Response:
        invitation = self.get_object()
        payload = CongressInvitationUpdateSerializer(invitation, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.update_invitation(invitation, by=request.user, **payload.validated_data)
        stored = self.get_queryset().get(pk=invitation.pk)
        return Response(CongressInvitationSerializer(stored, context=self.get_serializer_context()).data)
