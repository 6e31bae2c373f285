"""The second factor in the API (issue 16, point 2): the code at the token endpoint, and staff
resetting someone's. The refusal of an unverified privileged person's changes is in
accounts.api.otp_auth."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import otp
from accounts.models import User
from core.api import ErrorSerializer


def token_verified(user: User, code: str, request) -> bool:
    """For the token endpoint: whether the token it issues is verified. A person with a device
    must give a right code (400 otherwise: missing, wrong, or wait while throttled); a person
    without one gets an unverified token."""
    if not otp.has_device(user):
        if code:
            raise serializers.ValidationError(
                {"otp_code": _("This account has no two-step verification; leave the code out.")}
            )
        return False
    if not code:
        raise serializers.ValidationError(
            {"otp_code": _("Enter the 6-digit code from your authenticator app, or a recovery code.")}
        )
    check = otp.check_code(user, code, request=request)
    if check.wait_seconds:
        raise serializers.ValidationError({"otp_code": otp.wait_message(check.wait_seconds)})
    if check.device is None:
        raise serializers.ValidationError({"otp_code": _("This code is not right. Try again.")})
    return True


class TwoStepResetView(APIView):
    """Staff: remove a person's second factor (a lost phone and no recovery codes). A privileged
    person then sets it up again at their next page."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request, pk: int):
        if not request.user.has_perm("accounts.reset_two_step"):
            raise PermissionDenied(_("Only staff may reset someone's two-step verification."))
        person = get_object_or_404(User, pk=pk)
        otp.remove_devices(person, request=request._request, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI security scheme of our session authentication: DRF's cookie session."""

    target_class = "accounts.api.otp_auth.SessionAuthentication"
