"""Rate limits of the doors anyone may knock on (sign-up, its confirmation, accepting an
invitation): per client IP address, never per account, with the rates of
settings.API_THROTTLE_RATES read at each request. Too many answer 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle

from core.arrival import client_address

__all__ = ["PerAddressThrottle", "client_address"]  # client_address lives in core (the security log)

DEFAULT_RATES = {"sign_up": "10/hour", "confirm_email": "30/hour", "accept_invitation": "20/hour"}


class PerAddressThrottle(ScopedRateThrottle):
    """The view's `throttle_scope`, counted per client address."""

    def get_rate(self):
        rates = {**DEFAULT_RATES, **getattr(settings, "API_THROTTLE_RATES", {})}
        return rates.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}
