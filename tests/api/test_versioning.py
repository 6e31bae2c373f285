"""Issue 14, point 5: the API states its version, and deprecated operations say so.

The deprecation tests mount two small views marked with `core.api_version.deprecated` beside the
real API (this module is their URLconf), so no real operation has to be retired to test it.
"""

from datetime import date

import pytest
import yaml
from django.urls import include, path
from drf_spectacular.generators import SchemaGenerator
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_version import Deprecation, deprecated

pytestmark = pytest.mark.django_db

SINCE, SUNSET = date(2031, 1, 1), date(2031, 7, 1)


class OldGreetingView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @deprecated(since=SINCE, sunset=SUNSET, successor="/api/v2/greetings/")
    def get(self, request):
        return Response({"hello": "old"})

    def post(self, request):  # not deprecated: only GET is
        return Response({"hello": "posted"})


class GreetingViewSet(viewsets.ViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []

    def list(self, request):
        return Response([])

    @deprecated(since=SINCE, sunset=SUNSET)
    @action(detail=False, methods=["get"])
    def legacy(self, request):
        return Response({"legacy": True})


@deprecated(since=SINCE, sunset=SUNSET, successor="/api/v2/farewells/")
class FarewellViewSet(viewsets.ViewSet):
    permission_classes = [AllowAny]
    authentication_classes = []

    def list(self, request):
        return Response([])


test_api = [
    path("old-greeting/", OldGreetingView.as_view()),
    path("greetings/", GreetingViewSet.as_view({"get": "list"})),
    path("greetings/legacy/", GreetingViewSet.as_view({"get": "legacy"})),
    path("farewells/", FarewellViewSet.as_view({"get": "list"})),
]
urlpatterns = [path("api/v1/test/", include(test_api)), path("", include("config.urls"))]
here = pytest.mark.urls(__name__)


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    """The served schema, asked for once (it takes seconds to build)."""
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return yaml.safe_load(APIClient().get("/api/schema/").content)


def test_schema_states_the_version(schema, settings):
    assert schema["info"]["version"] == settings.API_VERSION == "1.0.0"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/contests/",
        "/api/v1/me/",
        "/api/v1/nowhere/",
        "/api/docs/",
        "/api/v1/auth/token/",
    ],
)
def test_every_api_answer_says_its_version(client, settings, url):
    response = client.get(url)  # 200, 401/403, 404 and 405 alike
    assert response["API-Version"] == settings.API_VERSION, response.status_code
    assert "Deprecation" not in response and "Sunset" not in response


def test_pages_outside_the_api_do_not(client):
    response = client.get("/")
    assert "API-Version" not in response


def test_root_answers_its_version(client, settings):
    body = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert body["version"] == settings.API_VERSION
    assert body["schema"].endswith("/api/schema/")
    assert body["resources"]["contests"].endswith("/api/v1/contests/")


@here
def test_deprecated_method_answers_with_notice_headers(client, settings):
    response = client.get("/api/v1/test/old-greeting/")
    assert response.status_code == 200
    assert response["API-Version"] == settings.API_VERSION
    assert response["Deprecation"] == "@1924992000"  # 2031-01-01T00:00:00Z (RFC 9745)
    assert response["Sunset"] == "Tue, 01 Jul 2031 00:00:00 GMT"  # RFC 8594
    assert response["Link"] == '<http://testserver/api/v2/greetings/>; rel="successor-version"'
    other = client.post("/api/v1/test/old-greeting/")  # the same path, a method not deprecated
    assert other.status_code == 200
    assert "Deprecation" not in other and "Sunset" not in other and "Link" not in other


@here
def test_deprecated_action_and_class(client):
    assert "Deprecation" not in client.get("/api/v1/test/greetings/")
    legacy = client.get("/api/v1/test/greetings/legacy/")
    assert legacy["Deprecation"] == "@1924992000" and legacy["Sunset"].startswith("Tue, 01 Jul 2031")
    assert "Link" not in legacy  # nothing replaces it
    farewell = client.get("/api/v1/test/farewells/")
    assert farewell["Link"] == '<http://testserver/api/v2/farewells/>; rel="successor-version"'


@here
def test_schema_marks_deprecated_operations():
    schema = SchemaGenerator(patterns=urlpatterns[:1]).get_schema(request=None, public=True)
    paths = schema["paths"]
    assert paths["/api/v1/test/old-greeting/"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/test/old-greeting/"]["post"]
    assert paths["/api/v1/test/greetings/legacy/"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/test/greetings/"]["get"]
    assert paths["/api/v1/test/farewells/"]["get"]["deprecated"] is True


def test_every_operation_the_schema_deprecates_sends_the_notice(schema, client):
    """Whatever the answer (401, 404…), a deprecated operation says so in its headers."""
    marked = [
        (method, url)
        for url, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and operation.get("deprecated")
    ]
    assert ("post", "/api/v1/applications/{id}/return/") in marked  # the old name of return-for-correction
    for method, url in marked:
        response = getattr(client, method)(url.replace("{id}", "1"))
        assert response["Deprecation"].startswith("@"), (method, url, response.status_code)
        assert response["Sunset"].endswith(" GMT"), (method, url)


def test_the_notice_period_is_kept():
    with pytest.raises(ValueError):
        deprecated(since=SUNSET, sunset=SINCE)
    with pytest.raises(ValueError):
        deprecated(since=SINCE, sunset=date(2031, 3, 1))  # under NOTICE_DAYS
    assert Deprecation(since=SINCE, sunset=SUNSET).successor == ""


def test_a_relative_successor_is_resolved_against_the_operation(rf):
    notice = Deprecation(since=SINCE, sunset=SUNSET, successor="../return-for-correction/")
    headers = notice.headers(rf.post("/api/v1/applications/7/return/"))
    assert headers["Link"] == (
        '<http://testserver/api/v1/applications/7/return-for-correction/>; rel="successor-version"'
    )
