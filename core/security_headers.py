"""Browser-side hardening that goes with the Content-Security-Policy (issue 16, point 4).

The policy itself is django-csp's (settings CONTENT_SECURITY_POLICY, csp.middleware). Here:
the Permissions-Policy header, the endpoint browsers report CSP violations to, and the helper
that lets one response show e-mail HTML whose `style` attributes we wrote ourselves.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable
from html.parser import HTMLParser

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("konkurs.csp")

# A violation report is a few hundred bytes; anything bigger is not a browser's report.
MAX_REPORT_BYTES = 16 * 1024


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": []}` → `camera=()`; `{"fullscreen": ["self"]}` → `fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy (settings.PERMISSIONS_POLICY) on every answer: no page of ours
    uses the camera, microphone, location, payment or USB, so a script that got in cannot either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


@csrf_exempt  # browsers send reports without our cookie or token
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Logs a browser's CSP violation report (a warning: it is either our bug or an attack) and
    answers 204. Oversized bodies are refused unread so the log cannot be flooded with megabytes."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    # report-uri sends {"csp-report": {...}}; the Reporting API a list of {"type", "body"}.
    if isinstance(report, dict):
        report = report.get("csp-report", report)
    logger.warning(
        "CSP violation from %s: %s",
        request.META.get("REMOTE_ADDR", "?"),
        json.dumps(report, ensure_ascii=False, sort_keys=True)[:MAX_REPORT_BYTES],
    )
    return HttpResponse(status=204)


class _StyleAttributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.values.update(value for name, value in attrs if name == "style" and value)


def allow_style_attributes_of(response: HttpResponseBase, html: str) -> HttpResponseBase:
    """Lets this one response show `html` (an e-mail preview in a srcdoc frame, which inherits the
    page's policy) with its `style` attributes: each exact value is allowed by its hash, so nothing
    else inline is. E-mail needs inline styles; pages never do."""
    parser = _StyleAttributes()
    parser.feed(html)
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()}'"
        for value in sorted(parser.values)
    ]
    if hashes:
        # django-csp's per-response extension point (what its @csp_update decorator sets).
        response._csp_update = {"style-src-attr": ["'unsafe-hashes'", *hashes]}  # type: ignore[attr-defined]
    return response
