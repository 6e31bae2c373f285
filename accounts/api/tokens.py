"""API tokens through the API: list, create, revoke (accounts.tokens does the work).

The owner sees and revokes their own; staff see anyone's (`?user=<id>`) and revoke them. Making
or revoking tokens needs a session or a `full` token (accounts.tokens.VIEW_AREAS)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import tokens
from accounts.models import ApiToken
from core.api import ErrorSerializer
from core.strict import RefuseUnknownFieldsMixin


class ApiTokenSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    prefix = serializers.CharField(source="key_prefix", read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiToken.Scope.choices))
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "user",
            "name",
            "prefix",
            "scopes",
            "verified",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields


class TokenCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiToken.Scope.choices),
        required=False,
        allow_empty=False,
        help_text="`read`: reads only; a role (`applicant`, `juror`, `organiser`, `grants`): changes "
        "only in that role's areas; `full` (the default): all the owner may do.",
    )
    expires_in_days = serializers.IntegerField(
        required=False, min_value=1, help_text="Default API_TOKEN_DAYS (90); at most API_TOKEN_MAX_DAYS."
    )

    def validate_expires_in_days(self, days: int) -> int:
        if days > settings.API_TOKEN_MAX_DAYS:
            raise serializers.ValidationError(
                _("A token may be valid for at most %(days)d days.") % {"days": settings.API_TOKEN_MAX_DAYS}
            )
        return days

    def validate_name(self, name: str) -> str:
        user = self.context.get("user")
        if name.strip() and user is not None and tokens.name_in_use(user, name):
            raise serializers.ValidationError(_("You already have a token with this name."))
        return name.strip()


class NewTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The key: shown only in this answer.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


def request_verified(request: Request) -> bool:
    """Whether the caller passed a second factor: the token's flag, or the session's (django-otp)."""
    if isinstance(request.auth, ApiToken):
        return request.auth.verified
    is_verified = getattr(request.user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def issue_response(request: Request, user, data: dict, *, code: int = status.HTTP_201_CREATED) -> Response:
    """Issue a token from validated TokenCreateSerializer data; answer it with its key."""
    token, key = tokens.issue(
        user,
        name=data.get("name", ""),
        scopes=data.get("scopes"),
        days=data.get("expires_in_days"),
        verified=data.get("verified", request_verified(request)),
        request=request,
    )
    body = NewTokenSerializer(token).data
    body["token"] = key
    return Response(body, status=code)


class TokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return tokens.tokens_visible_to(self.request.user).order_by("-created_at", "-id")

    def filter_queryset(self, queryset):
        # Staff name the person (?user=); without it, everyone sees their own.
        user = self.request.query_params.get("user", "")
        if self.action == "list":
            if user.isdigit() and self.request.user.has_perm("accounts.revoke_any_token"):
                return queryset.filter(user_id=int(user))
            return queryset.filter(user=self.request.user)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("user", OpenApiTypes.INT, description="Staff: this person's tokens.")],
        responses={200: ApiTokenSerializer(many=True), 401: ErrorSerializer, 403: ErrorSerializer},
    )
    def list(self, request, *args, **kwargs):
        """The caller's tokens (staff: `?user=<id>` for anyone's), revoked and expired ones too."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ApiTokenSerializer, 403: ErrorSerializer, 404: ErrorSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=TokenCreateSerializer,
        responses={201: NewTokenSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        description="A new token for the caller; its key is in this answer only. Needs a session or a "
        "`full` token (403 for a read-only or role-scoped one).",
    )
    def create(self, request: Request) -> Response:
        payload = TokenCreateSerializer(data=request.data, context={"user": request.user})
        payload.is_valid(raise_exception=True)
        return issue_response(request, request.user, payload.validated_data)

    @extend_schema(request=None, responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer})
    def destroy(self, request: Request, pk=None) -> Response:
        """Revoke the token (the owner, or staff). Another person's answers 404."""
        tokens.revoke(self.get_object(), by=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None, responses={200: ApiTokenSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk=None) -> Response:
        """Revoke the token (the owner, or staff) and answer it; revoking twice changes nothing."""
        token = self.get_object()
        tokens.revoke(token, by=request.user, request=request)
        return Response(ApiTokenSerializer(token).data)

    def get_object(self) -> ApiToken:
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or int(pk) >= 2**63:  # no OverflowError from the database: 404
            raise Http404
        return get_object_or_404(self.get_queryset(), pk=int(pk))
