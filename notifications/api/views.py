from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import ErrorSerializer
from core.strict import refuse_any_field
from notifications import services
from notifications.api.serializers import InboxMessageSerializer, MarkReadSerializer
from notifications.models import Message
from notifications.selectors import inbox_of, unread_count

UnreadCount = inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's in-app messages, newest first. Others' messages are 404."""

    serializer_class = InboxMessageSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["event"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no real user
            return Message.objects.none()
        return inbox_of(self.request.user)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = unread_count(request.user)
        return response

    @extend_schema(request=None, responses={200: UnreadCount, 400: ErrorSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one message as read."""
        message = self.get_object()
        refuse_any_field(request.data)
        services.mark_read(request.user, [message.pk])
        return Response({"unread": unread_count(request.user)})

    @extend_schema(request=MarkReadSerializer, responses=UnreadCount)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark the given messages (or all) as read."""
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.mark_read(request.user, payload.validated_data.get("ids"))
        return Response({"unread": unread_count(request.user)})

    @extend_schema(responses=UnreadCount)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread(self, request):
        return Response({"unread": unread_count(request.user)})
