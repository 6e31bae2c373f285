"""The API's version, and how an operation is retired.

Every answer under /api/ says which version of the API gave it (`API-Version`, the same string as
the schema's `info.version` and the /api/v1/ root). A breaking change goes to /api/v2/; an
operation of v1 that v2 replaces is marked with `@deprecated(...)` on its view, viewset action or
viewset class: the schema then says `deprecated: true`, and each answer carries `Deprecation`
(RFC 9745: since when), `Sunset` (RFC 8594: from when it may stop answering) and a
`Link: <…>; rel="successor-version"` to what replaces it. README, "API versions", has the policy.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from drf_spectacular.utils import extend_schema
from rest_framework import routers
from rest_framework.request import Request
from rest_framework.response import Response

API_PREFIX = "/api/"
VERSION_HEADER = "API-Version"
# The policy's least notice: a deprecated operation answers at least this long (README, "API versions").
NOTICE_DAYS = 180

Target = TypeVar("Target")


def api_version() -> str:
    """One version string for the schema, the headers and the root (settings.API_VERSION)."""
    return settings.API_VERSION


@dataclass(frozen=True)
class Deprecation:
    since: date
    sunset: date
    successor: str = ""  # a path or URL of what replaces the operation ("" when nothing does)

    def headers(self, request: HttpRequest) -> dict[str, str]:
        found = {
            # RFC 9745: a structured-field date, seconds since the epoch.
            "Deprecation": f"@{int(_midnight(self.since).timestamp())}",
            # RFC 8594: an HTTP-date.
            "Sunset": http_date(_midnight(self.sunset).timestamp()),
        }
        if self.successor:
            found["Link"] = f'<{request.build_absolute_uri(self.successor)}>; rel="successor-version"'
        return found


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def deprecated(*, since: date, sunset: date, successor: str = "") -> Callable[[Target], Target]:
    """Mark a view, a viewset action (or a method handler) or a whole viewset as deprecated.

    The schema says `deprecated: true` for its operations; its answers carry the headers above.
    `successor` may be relative to the operation's URL ("../new-name/" for a renamed action).
    """
    if (sunset - since).days < NOTICE_DAYS:
        raise ValueError(f"A sunset comes at least {NOTICE_DAYS} days after the deprecation.")
    notice = Deprecation(since=since, sunset=sunset, successor=successor)

    def mark(target: Target) -> Target:
        target = extend_schema(deprecated=True)(target)
        target.api_deprecation = notice  # type: ignore[attr-defined]
        return target

    return mark


def deprecation_of(view_func: Callable[..., Any], method: str) -> Deprecation | None:
    """The notice on the handler that will answer `method` through `view_func`, if any."""
    cls = getattr(view_func, "cls", None)
    if cls is None:  # a plain function view
        return getattr(view_func, "api_deprecation", None)
    actions = getattr(view_func, "actions", None)  # viewsets: HTTP method -> action name
    name = actions.get(method.lower()) if actions else method.lower()
    handler = getattr(cls, name, None) if name else None
    return getattr(handler, "api_deprecation", None) or getattr(cls, "api_deprecation", None)


class ApiVersionMiddleware:
    """`API-Version` on every answer under /api/, and the notice headers of deprecated operations."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        response[VERSION_HEADER] = api_version()
        notice: Deprecation | None = getattr(request, "api_deprecation", None)
        if notice is not None:
            for name, value in notice.headers(request).items():
                # Keep other links (pagination, say): Link takes a comma-separated list.
                if name == "Link" and response.has_header("Link"):
                    value = f"{response['Link']}, {value}"
                response[name] = value
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> None:
        if request.path.startswith(API_PREFIX):
            request.api_deprecation = deprecation_of(view_func, request.method or "GET")  # type: ignore[attr-defined]


class VersionedAPIRootView(routers.APIRootView):
    """GET /api/v1/: the version, the schema, and the resources (DefaultRouter's links)."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        links = super().get(request, *args, **kwargs).data
        return Response(
            {
                "version": api_version(),
                "schema": request.build_absolute_uri(reverse("schema")),
                "resources": links,
            }
        )
