"""The OpenAPI schema class (settings: REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

drf-spectacular's, plus `If-Match` and 412 on the writing actions of view sets of versioned
records (core.api.VersionedAPIMixin: they name them in `versioned_actions`). It imports nothing
of core.api: decorators there load this class while core.api is still being imported.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_basic_type, build_parameter_type
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class StaleVersionSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The current version (also in the ETag header).")
    changed = serializers.ListField(
        child=serializers.CharField(), help_text="The fields (answers as answers.<key>) saved since."
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag (version) the change is based on, e.g. "3". A stale one answers 412 with '
    "the current version and the fields changed since; without it the change is made as it is.",
)
STALE_RESPONSES = {412: StaleVersionSerializer}


class AutoSchema(SpectacularAutoSchema):
    def _versioned(self) -> bool:
        actions = getattr(self.view, "versioned_actions", ())
        return self.method.upper() in ("PUT", "PATCH") and getattr(self.view, "action", None) in actions

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

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if self._versioned() and direction == "response":
            bodies = {**bodies, "412": self._get_response_for_code(StaleVersionSerializer, "412")}
        return bodies
