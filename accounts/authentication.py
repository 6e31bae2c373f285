"""DRF authentication by API token (accounts.tokens): `Authorization: Bearer <key>`, or
`Token <key>` as older clients send it.

A bad, expired or revoked token answers 401 with a `WWW-Authenticate` challenge and says which
of them it is, even though session authentication comes first in the settings (whose missing
challenge would otherwise turn every 401 into 403). A token whose scopes do not cover the
request answers 403 (check_scope, by accounts.tokens.AREAS)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from accounts import tokens
from accounts.api.otp_auth import refuse_unverified_write
from accounts.models import ApiToken, User
from core import clock

KEYWORDS = (b"bearer", b"token")
CHALLENGE = 'Bearer realm="api"'


class TokenRefused(APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Invalid token."
    default_code = "token_invalid"

    def __init__(self, detail: str, code: str) -> None:
        super().__init__(detail, code)
        self.auth_header = f'{CHALLENGE}, error="invalid_token"'


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise TokenRefused(_("The Authorization header must be: Bearer <token>."), "token_invalid")
        try:
            key = parts[1].decode()
        except UnicodeError:
            key = ""
        token = tokens.find(key)
        if token is None or not token.user.is_active:
            raise TokenRefused(_("This API token is not valid."), "token_invalid")
        if token.revoked_at is not None:
            raise TokenRefused(_("This API token was revoked."), "token_revoked")
        if token.expires_at <= clock.now():
            when = date_format(timezone.localtime(token.expires_at), "DATE_FORMAT")
            raise TokenRefused(
                _("This API token expired on %(date)s. Create a new one.") % {"date": when}, "token_expired"
            )
        tokens.touch(token)
        check_scope(token, request)
        refuse_unverified_write(request, token.user, token)  # privileged: second factor first
        return token.user, token

    def authenticate_header(self, request) -> str:
        return CHALLENGE


def check_scope(token: ApiToken, request) -> None:
    """403 when the token's scopes do not cover this request (reads always pass). Checked here,
    with the credentials, as most views name their own permission classes."""
    if request.method in SAFE_METHODS:
        return
    view = (getattr(request, "parser_context", None) or {}).get("view")
    if view is None or tokens.may_write(token, view):
        return
    if token.scopes == [tokens.Scope.READ]:
        raise PermissionDenied(_("This API token is read-only."))
    raise PermissionDenied(
        _("This API token may act only as: %(scopes)s.") % {"scopes": token.get_scopes_display()}
    )


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme of these tokens (registered by being defined)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (kk_…) from POST /api/v1/auth/token/ or /api/v1/tokens/: "
            "`Authorization: Bearer <token>` (`Token <token>` is accepted too).",
        }
