"""Rate limits of the doors anyone may knock on (sign-up, its confirmation, accepting an
invitation): per client IP address, never per account, with the rates of
settings.API_THROTTLE_RATES read at each request. Too many answer 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

from core.arrival import from_trusted_proxy

DEFAULT_RATES = {"sign_up": "10/hour", "confirm_email": "30/hour", "accept_invitation": "20/hour"}


def client_address(request) -> str:
    """The client's IP address: the direct peer, or the last address a trusted proxy (settings.
    TRUSTED_PROXY_IPS) added to X-Forwarded-For; a client cannot choose it by sending the header."""
    peer = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and from_trusted_proxy(request):
        return forwarded.split(",")[-1].strip() or peer
    return peer


class PerAddressThrottle(ScopedRateThrottle):
    """The view's `throttle_scope`, counted per client address."""

    def get_rate(self):
        rates = {**DEFAULT_RATES, **getattr(settings, "API_THROTTLE_RATES", {})}
        return rates.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
