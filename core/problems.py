"""One error shape for the API: RFC 9457 problem details (issue 14, point 1).

Every answer under settings.API_PATH_PREFIX with a status of 400 or more is
`application/problem+json`:

    {"type": "https://konkurs.example/problems/validation", "title": "Invalid request",
     "status": 400, "detail": "…", "errors": {"title": ["This field is required."]}}

`type` is PROBLEM_TYPE_BASE + one slug of PROBLEM_TYPES; `title` names the kind of problem and
`detail` says what happened, both in the person's language. Extensions: `errors` (field → list
of messages, nested fields dotted: `answers.budget`) on 400, `allowed`/`reasons`/`state` on a
refused step (409), `version`/`changed` on a stale write (412).

Two doors lead here: the API's exception handler (core.api) builds the body directly, and
`ProblemDetailsMiddleware` rewrites whatever else answers an error under the API in another shape
(a view's own `Response({...}, status=409)`, axes' lockout, Django's handler404/500, CSRF), so
an endpoint added later is covered without doing anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROBLEM_CONTENT_TYPE = "application/problem+json"
DEFAULT_TYPE_BASE = "https://konkurs.example/problems/"

# status → (slug of `type`, `title`). Documented in README (API → Errors).
PROBLEM_TYPES: dict[int, tuple[str, Any]] = {
    400: ("validation", gettext_lazy("Invalid request")),
    401: ("not-authenticated", gettext_lazy("Not authenticated")),
    403: ("forbidden", gettext_lazy("Forbidden")),
    404: ("not-found", gettext_lazy("Not found")),
    405: ("method-not-allowed", gettext_lazy("Method not allowed")),
    406: ("not-acceptable", gettext_lazy("Not acceptable")),
    409: ("conflict", gettext_lazy("Conflict with the current state")),
    410: ("gone", gettext_lazy("No longer available")),
    412: ("stale-version", gettext_lazy("Changed since you loaded it")),
    413: ("too-large", gettext_lazy("Request too large")),
    415: ("unsupported-media-type", gettext_lazy("Unsupported media type")),
    429: ("too-many-requests", gettext_lazy("Too many requests")),
    500: ("server-error", gettext_lazy("Server error")),
    503: ("unavailable", gettext_lazy("Service unavailable")),
}
# Members a body may already carry that stay as they are (the extensions), by status: on any
# other status a key of that name is a field (a 400 naming the field `state`).
EXTENSIONS = {409: ("allowed", "reasons", "state"), 412: ("version", "changed")}
# Problem members: a body with all of them is a problem already.
MEMBERS = frozenset({"type", "title", "status"})


def problem_type(status: int) -> str:
    slug = PROBLEM_TYPES.get(status, ("server-error" if status >= 500 else "client-error", None))[0]
    return getattr(settings, "PROBLEM_TYPE_BASE", DEFAULT_TYPE_BASE) + slug


def problem_title(status: int) -> str:
    known = PROBLEM_TYPES.get(status)
    if known is not None:
        return str(known[1])
    return _("Server error") if status >= 500 else _("Request error")


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as `errors`: field (dotted for nested ones) → messages."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            for name, messages in flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)).items():
                flat.setdefault(name, []).extend(messages)
    elif isinstance(errors, list | tuple):
        key = prefix or non_field_key()
        if all(not isinstance(item, dict | list | tuple) for item in errors):
            flat.setdefault(key, []).extend(str(item) for item in errors)
        else:  # a list of objects or lists: one entry per position that has errors
            for index, item in enumerate(errors):
                if item:
                    for name, messages in flatten_errors(
                        item, f"{prefix}.{index}" if prefix else str(index)
                    ).items():
                        flat.setdefault(name, []).extend(messages)
    elif errors not in (None, ""):
        flat.setdefault(prefix or non_field_key(), []).append(str(errors))
    return flat


def non_field_key() -> str:
    return getattr(settings, "REST_FRAMEWORK", {}).get("NON_FIELD_ERRORS_KEY", "non_field_errors")


def problem(status: int, detail: str | None = None, **extensions: Any) -> dict[str, Any]:
    """A problem body. `detail` defaults to the title."""
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": problem_title(status),
        "status": status,
        "detail": str(detail) if detail else problem_title(status),
    }
    body.update({key: value for key, value in extensions.items() if value is not None})
    return body


def as_problem(status: int, data: Any) -> dict[str, Any]:
    """Any error body (DRF's `{"detail": …}`, field errors, a list of messages) as a problem."""
    if isinstance(data, dict) and data.keys() >= MEMBERS:
        return data
    if isinstance(data, str):
        return problem(status, data)
    if not isinstance(data, dict):
        data = {non_field_key(): data} if data else {}
    detail = data.get("detail") if isinstance(data.get("detail"), str) else None
    extensions = {key: data[key] for key in EXTENSIONS.get(status, ()) if key in data}
    rest = {k: v for k, v in data.items() if k not in extensions and k != "detail"}
    errors = flatten_errors(rest) if rest else None
    if detail is None and errors:
        general = errors.get(non_field_key())
        if general and len(errors) == 1:
            detail = " ".join(general)
        else:
            detail = _("Some of the data sent is not valid; see the errors of each field.")
    return problem(status, detail, errors=errors, **extensions)


def is_api_path(request: HttpRequest) -> bool:
    return request.path_info.startswith(getattr(settings, "API_PATH_PREFIX", "/api/"))


class ProblemDetailsMiddleware:
    """Rewrites any error answer under the API that is not a problem yet into one (see above).
    Sits just inside the language middleware: titles are in the person's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming or not is_api_path(request):
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        data: Any = None
        if response.get("Content-Type", "").startswith("application/json") and response.content:
            try:
                data = json.loads(response.content)
            except ValueError:
                data = None
        response.content = json.dumps(as_problem(response.status_code, data), ensure_ascii=False).encode()
        response["Content-Type"] = PROBLEM_CONTENT_TYPE
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
