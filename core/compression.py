"""HTML and JSON sent compressed where that is safe: to people who are not logged in.

Compressing a page that holds a secret next to text an attacker can make the page repeat lets the
attacker guess the secret from the compressed size (BREACH). Pages for logged-in people hold
personal data (names, e-mail addresses, scores, application answers), so they go uncompressed.
Anonymous pages hold nothing secret: the CSRF token in their forms is masked afresh on every
response, and Django's GZipMiddleware adds random bytes besides ("Heal the Breach"). Static files
are compressed ahead of time by WhiteNoise and pass through unchanged. Behind nginx, leave
`gzip off` for what it proxies to Konkurs (README: Compression); nginx cannot tell who is logged in.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")


def safe_to_compress(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response may be compressed: a text answer to someone not logged in."""
    content_type = response.get("Content-Type", "").lower()
    if not content_type.startswith(COMPRESSIBLE):
        return False
    user = getattr(request, "user", None)
    try:
        if user is not None and user.is_authenticated:
            return False
    except Exception:  # the database is down (a 500 page): do not compress
        return False
    # An API client authenticated by token is not request.user here (DRF authenticates in the view).
    if request.headers.get("Authorization"):
        return False
    # A session may hold someone logged in whose user was not looked up (a redirect, an error).
    return not (user is None and settings.SESSION_COOKIE_NAME in request.COOKIES)


class SafeGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not safe_to_compress(request, response):
            return response
        return super().process_response(request, response)
