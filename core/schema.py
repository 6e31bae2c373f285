"""The OpenAPI schema class (settings: REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

drf-spectacular's, plus two things every operation gets without declaring them:

- `If-Match` and 412 on the writing actions of view sets of versioned records
  (core.api.VersionedAPIMixin: they name them in `versioned_actions`);
- every error status the operation can answer (issue 14: the schema is the truth), each with its
  problem-details body (core.problems, `application/problem+json`), derived from what the
  operation is (`error_statuses`). An operation's own `@extend_schema(responses=…)` may add more
  (410, or a description); its error bodies are documented as problems all the same.

It imports nothing of core.api: decorators there load this class while core.api is still being
imported.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, serializers

from core.problems import PROBLEM_CONTENT_TYPE, PROBLEM_TYPES


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details: every error the API answers (core.problems)."""

    type = serializers.URLField(help_text="A URI naming the kind of problem (see README, API → Errors).")
    title = serializers.CharField(help_text="The kind of problem, in the person's language.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What happened, in the person's language.")

    class Meta:
        ref_name = "Problem"


class ValidationProblemSerializer(ProblemSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The refused fields (nested ones dotted: `answers.budget`), each with its messages; "
        "`non_field_errors` for the body as a whole.",
    )

    class Meta:
        ref_name = "ValidationProblem"


class ConflictProblemSerializer(ProblemSerializer):
    state = serializers.CharField(required=False, help_text="The object's state now.")
    allowed = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="The steps the caller may take now."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Why the step was refused."
    )
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)

    class Meta:
        ref_name = "ConflictProblem"


class StaleVersionSerializer(ProblemSerializer):
    version = serializers.IntegerField(help_text="The current version (also in the ETag header).")
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="The fields (answers as answers.<key>) saved since."
    )

    class Meta:
        ref_name = "StaleVersionProblem"


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag (version) the change is based on, e.g. "3". A stale one answers 412 with '
    "the current version and the fields changed since; without it the change is made as it is.",
)
STALE_RESPONSES = {412: StaleVersionSerializer}
BODY_OF = {400: ValidationProblemSerializer, 409: ConflictProblemSerializer, 412: StaleVersionSerializer}
DESCRIPTIONS = {
    400: "Invalid input: a problem with `errors` per field.",
    401: "A missing, invalid, expired or revoked token.",
    403: "Not allowed: no permission, a token without the scope, or no second factor yet.",
    404: "No such object within the caller's view (or no such page of a list).",
    409: "The object's state does not allow this now: `allowed` lists the steps possible, `reasons` why.",
    412: "Changed since the version in If-Match: `version` and `changed`.",
    415: "The body's media type is not accepted.",
    429: "Too many requests: wait the Retry-After seconds.",
    503: "The file storage is down: try again after Retry-After seconds.",
}
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}
}
HEADERS = {
    401: {
        "WWW-Authenticate": {
            "schema": {"type": "string"},
            "description": 'The challenge: `Bearer realm="api"`.',
        }
    },
    429: RETRY_AFTER,
    503: RETRY_AFTER,
}
# Permissions under which reading needs nothing: a safe request with only these answers no 403.
OPEN_READS = (permissions.AllowAny, permissions.IsAuthenticatedOrReadOnly)
BINARY = ("application/octet-stream", "application/pdf", "text/csv", "application/zip", "image/")


PAGES_ITS_LIST = "pages_its_list"


def pages_its_list(handler):
    """Marks a detail action that pages its list (`self.paginate_queryset`): the schema documents
    it as a page, where other sub-resource lists are plain arrays."""
    setattr(handler, PAGES_ITS_LIST, True)
    return handler


class AutoSchema(SpectacularAutoSchema):
    def _versioned(self) -> bool:
        actions = getattr(self.view, "versioned_actions", ())
        return self.method.upper() in ("PUT", "PATCH") and getattr(self.view, "action", None) in actions

    def _is_step(self) -> bool:
        """A transition of the view's catalogue (core.api.TransitionActionsMixin)."""
        catalogue = getattr(self.view, "catalogue", None)
        action = getattr(self.view, "action", None) or ""
        if catalogue is None or self.method != "POST":
            return False
        names = {step.name for step in catalogue}
        return action in names or action.removesuffix("_alias") in names

    def _get_paginator(self):
        """One rule for sub-resource lists (`…/{id}/history/`, `/attachments/`, `/roles/`…): a
        detail action answers a plain array, documented as such, unless its code pages the list
        (marked `@pages_its_list`, as logs that grow without bound are): then it is documented as
        paginated, like every top-level list."""
        if getattr(self.view, "detail", None) and not self._action_pages():
            return None
        return super()._get_paginator()

    def _action_pages(self) -> bool:
        handler = getattr(type(self.view), getattr(self.view, "action", "") or "", None)
        return getattr(handler, PAGES_ITS_LIST, False)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # A read-only choice of a model field that may be blank answers "" too (ModelSerializer
        # drops allow_blank from read-only fields, so the enum would lack it).
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            field.allow_blank = self._blank_in_model(field)
        return super()._map_serializer_field(field, direction, bypass_extensions)

    @staticmethod
    def _blank_in_model(field: serializers.Field) -> bool:
        model = getattr(getattr(field.parent, "Meta", None), "model", None)
        try:
            return bool(model and model._meta.get_field(field.source).blank)
        except Exception:  # not a model field (a property, a dotted source)
            return False

    # The private hooks, not get_override_parameters/get_response_serializers: an operation's
    # own @extend_schema overrides those without calling them.
    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self._versioned() and not any(p.get("name") == "If-Match" for p in parameters):
            parameters = [
                *parameters,
                build_parameter_type(
                    name=IF_MATCH.name,
                    schema=build_basic_type(str),
                    location=IF_MATCH.location,
                    required=False,
                    description=IF_MATCH.description,
                ),
            ]
        return parameters

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            operation["responses"] = self._with_problems(operation)
        return operation

    def error_statuses(self, operation: dict[str, Any]) -> set[int]:
        """What the operation can answer besides success, from what it is."""
        parameters = operation.get("parameters", [])
        body = operation.get("requestBody")
        codes = {401}  # any operation: a bad, expired or revoked token
        # 400: bad input; a DELETE refused with a reason (the object is in use) answers it too.
        if body or self.method == "DELETE" or any(p["in"] == "query" for p in parameters):
            codes.add(400)
        if body:
            codes.add(415)
        classes = getattr(self.view, "permission_classes", ())
        if self.method not in permissions.SAFE_METHODS or not all(issubclass(c, OPEN_READS) for c in classes):
            codes.add(403)
        if any(p["in"] == "path" for p in parameters) or (self._is_list_view() and self._get_paginator()):
            codes.add(404)
        if self._is_step():
            codes.add(409)
        if self._versioned():
            codes.add(412)
        if getattr(self.view, "throttle_classes", None):
            codes.add(429)
        media = [*(body or {}).get("content", {})]
        for code, response in operation.get("responses", {}).items():
            if code.startswith("2"):
                media += [*response.get("content", {})]
        if any(m.startswith("multipart/") or m.startswith(BINARY) for m in media):
            codes.add(503)
        return codes

    def _with_problems(self, operation: dict[str, Any]) -> dict[str, Any]:
        responses = dict(operation.get("responses", {}))
        codes = self.error_statuses(operation) | {int(c) for c in responses if c.isdigit() and int(c) >= 400}
        for code in sorted(codes):
            declared = responses.get(str(code), {})
            serializer = BODY_OF.get(code, ProblemSerializer)
            ref = self.resolve_serializer(serializer, "response").ref
            description = (
                declared.get("description")
                or DESCRIPTIONS.get(code)
                or str(PROBLEM_TYPES.get(code, ("", "Error"))[1])
            )
            answer = {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}}}
            if headers := {**HEADERS.get(code, {}), **declared.get("headers", {})}:
                answer["headers"] = headers
            responses[str(code)] = answer
        return dict(sorted(responses.items()))
