"""No API changes by a privileged person before the second factor (issue 16, point 2).

A privileged person (accounts.otp.must_verify) changes nothing through the API until verified: a
session that passed the code page, or a token issued with a code (`otp_code` on
POST /api/v1/auth/token/: the token is `verified`). Reads are not refused.

The refusal happens where the credentials are checked (`refuse_unverified_write`, called by the
authentication classes), not in a permission class: most views name their own permission
classes, so a default one would not reach them. This module imports no DRF views (DRF imports
authentication classes while it loads its views)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS

from accounts import otp


class SecondFactorRequired(PermissionDenied):
    default_code = "second_factor_required"


def refuse_unverified_write(request, user, auth) -> None:
    """403 for a change (POST, PUT, PATCH, DELETE) by a privileged person whose session or token
    has not passed the second factor."""
    if request.method in SAFE_METHODS or user is None or not user.is_authenticated:
        return
    verified = getattr(auth, "verified", False) or (auth is None and _session_verified(user))
    if verified or not otp.must_verify(user):
        return
    raise SecondFactorRequired(
        _(
            "Two-step verification is required for this: set it up or enter your code on the site "
            "(/accounts/two-step/), or ask for an API token with your code (otp_code)."
        )
    )


def _session_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)  # django-otp's OTPMiddleware installs it
    return bool(verified and verified())


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (with its CSRF check), refusing an unverified privileged
    person's changes."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            refuse_unverified_write(request, *result)
        return result
