"""API actions that answer a file (CSV, XLSX…): which format the caller asked for, three ways.

DRF reads `?format=` itself (URL_FORMAT_OVERRIDE) to choose a renderer and answers 404 to a
format no renderer of the view knows, before the action runs: `?format=xlsx` on an export was a
404. An export action therefore declares its formats with `file_action_kwargs("csv", "xlsx")`
in its `@action(...)`: a renderer per format (so `?format=xlsx` and `Accept: text/csv` are
understood), and a negotiation that lets an unknown one reach the action, which answers 400
with a message. `?file=csv|xlsx` works too (a name DRF does not take), and wins over the rest.
The action returns the file itself (a Django response); errors are JSON, whatever was asked.

    @extend_schema(parameters=file_parameters("csv", "xlsx"), responses=file_responses("csv", "xlsx"))
    @action(detail=True, methods=["get"], **file_action_kwargs("csv", "xlsx"))
    def export(self, request, pk=None):
        kind = requested_file_format(request, ("csv", "xlsx"))
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

from core.exports import XLSX_TYPE


class FileRenderer(BaseRenderer):
    """Names a file format for DRF's negotiation; the action answers the file itself, so what is
    rendered here is only an error, as JSON."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data, "application/json", renderer_context)


class CSVRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(FileRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


RENDERERS: dict[str, type[FileRenderer]] = {"csv": CSVRenderer, "xlsx": XLSXRenderer}


class FileNegotiation(DefaultContentNegotiation):
    """DRF's, except that an unknown `?format=` reaches the action (a 400 with a message there)
    instead of a bare 404."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            return renderers[0], renderers[0].media_type


def file_action_kwargs(*formats: str) -> dict:
    """The `@action(...)` arguments of an action answering one of `formats`."""
    return {
        "renderer_classes": [JSONRenderer, *(RENDERERS[f] for f in formats)],
        "content_negotiation_class": FileNegotiation,
    }


def requested_file_format(request, formats: tuple[str, ...], default: str | None = None) -> str:
    """`?file=`, else `?format=`, else the Accept header, else `default` (the first format)."""
    choices = ", ".join(formats)
    for param in ("file", "format"):
        if param in request.query_params:
            asked = request.query_params[param].strip().lower()
            if asked not in formats:
                raise ValidationError({param: [_("Choose one of: %s.") % choices]})
            return asked
    accepted = getattr(getattr(request, "accepted_renderer", None), "format", None)
    if accepted in formats:
        return accepted
    return default or formats[0]


def file_parameters(*formats: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "file",
            str,
            enum=list(formats),
            description=f"The file's format (default {formats[0]}). Or ask by the Accept header: "
            + ", ".join(RENDERERS[f].media_type for f in formats)
            + ".",
        ),
        OpenApiParameter(
            "format",
            str,
            enum=list(formats),
            description="The same as `file`, kept for older clients; `file` wins when both are given.",
        ),
    ]


def file_responses(*formats: str) -> dict:
    """The 200 answers, one per media type, for `@extend_schema(responses=...)`."""
    return {(200, RENDERERS[f].media_type): OpenApiTypes.BINARY for f in formats}
