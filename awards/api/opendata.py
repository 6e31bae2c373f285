"""Open data of results and grants through the API (awards.opendata): the same documents as the
public /open-data/ files, for everyone, without a token."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from awards import opendata, selectors

# The documents' shape in OpenAPI 3.0 terms; their full JSON Schema (draft 2020-12) is served at
# /open-data/schema/v1.json and by GET /api/v1/open-data/schema/.
PACKAGE = {
    "type": "object",
    "required": ["meta", "grants"],
    "properties": {
        "meta": {
            "type": "object",
            "description": "format, version, schema (URL), standard, dataVersion, generatedAt, licence "
            "{id, name, url}, publisher {name, url}; contest {id, title, url} for one contest's file.",
            "additionalProperties": True,
        },
        "grants": {
            "type": "array",
            "description": "One record per grant of a winner, 360Giving-style (see the JSON Schema).",
            "items": {"type": "object", "additionalProperties": True},
        },
    },
}
PACKAGE_RESPONSE = OpenApiResponse(
    response=PACKAGE,
    description="Open data of grants to winners of announced contests, format konkurs.open-data.grants "
    "version 1 (JSON Schema: /open-data/schema/v1.json). Public; CSV at /open-data/grants.csv.",
)


class OpenDataGrantsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="open_data_grants", responses={200: PACKAGE_RESPONSE}, tags=["open-data"])
    def get(self, request: Request) -> Response:
        """Every announced contest's winners' grants as one open-data document."""
        return Response(opendata.plain(opendata.package(selectors.open_data_grants())))


class OpenDataContestGrantsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_contest_grants",
        responses={200: PACKAGE_RESPONSE},
        tags=["open-data"],
    )
    def get(self, request: Request, id: int) -> Response:
        """One announced contest's winners' grants; a contest not announced does not exist here (404)."""
        contest = get_object_or_404(selectors.announced_contests(), pk=id)
        return Response(opendata.plain(opendata.package(selectors.open_data_grants(contest), contest)))


class OpenDataSchemaView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="open_data_schema",
        responses={
            200: OpenApiResponse(
                response={"type": "object", "additionalProperties": True},
                description="The JSON Schema (draft 2020-12) of the open-data documents, version 1.",
            )
        },
        tags=["open-data"],
    )
    def get(self, request: Request) -> Response:
        return Response(opendata.schema())
