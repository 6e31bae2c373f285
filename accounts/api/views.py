from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    InvitationSerializer,
    MeSerializer,
    OrganisationSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from accounts.models import Membership, User
from accounts.selectors import organisations_visible_to
from core.api import RulesPermission


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations the caller belongs to (staff: all). The registering user becomes admin."""

    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticated, RulesPermission]
    action_perms = {
        "update": "accounts.change_organisation",
        "partial_update": "accounts.change_organisation",
        "invite": "accounts.invite_to_organisation",
    }
    filterset_fields = ["region", "kind"]
    search_fields = ["name", "settlement", "registry_code"]

    def get_queryset(self):
        return organisations_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.register_organisation(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_organisation(serializer.instance, **serializer.validated_data)

    @extend_schema(request=InvitationSerializer, responses={201: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Invite a colleague by e-mail (organisation admins)."""
        organisation = self.get_object()
        payload = InvitationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.invite_colleague(organisation, email=payload.validated_data["email"], by=request.user)
        return Response(payload.data, status=status.HTTP_201_CREATED)


class MeView(RetrieveUpdateAPIView):
    """The current user, their organisations and their roles in contests."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> User:
        return User.objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
            "contest_roles__contest",
        ).get(pk=self.request.user.pk)


class TokenView(APIView):
    """Exchange an e-mail address and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=payload.validated_data["user"])
        return Response({"token": token.key})
