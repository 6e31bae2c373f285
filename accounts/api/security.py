"""GET /api/v1/security-events/: the security log for staff (issue 16, point 7), filtered like
the page (person, kind, since, until, ip), newest first, paginated. Read-only: the log is
append-only, and nobody changes it through the API either."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission

from accounts.models import SecurityEvent
from accounts.selectors_security import SecurityEventFilter, security_events
from core.api import ErrorSerializer


class SecurityEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    person = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()

    class Meta:
        model = SecurityEvent
        fields = ["id", "at", "kind", "kind_label", "user", "person", "email", "actor", "by", "ip_address"]
        fields += ["user_agent", "details"]
        read_only_fields = fields

    def get_person(self, event: SecurityEvent) -> str:
        return event.user.display_name if event.user_id else ""

    def get_by(self, event: SecurityEvent) -> str:
        return event.actor.display_name if event.actor_id else ""


class MayReadSecurityLog(BasePermission):
    message = "Only staff may read the security log."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("accounts.view_security_log")


REFUSALS = {
    401: OpenApiResponse(ErrorSerializer, description="Not logged in."),
    403: OpenApiResponse(ErrorSerializer, description="Only staff read the security log."),
}


@extend_schema_view(
    list=extend_schema(
        responses={
            200: SecurityEventSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="A filter's value is not valid."),
            **REFUSALS,
        }
    ),
    retrieve=extend_schema(
        responses={
            200: SecurityEventSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such event."),
            **REFUSALS,
        }
    ),
)
class SecurityEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The security log: who did what, when, from where. Staff only; read-only."""

    serializer_class = SecurityEventSerializer
    permission_classes = [MayReadSecurityLog]
    filterset_class = SecurityEventFilter
    ordering_fields = ["at"]

    def get_queryset(self):
        return security_events()
