"""The OpenAPI schema validates, documents the transitions, and the docs work offline."""

import re

import pytest
import yaml
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

TRANSITIONS = ["publish", "close", "start-review", "decide", "announce", "archive", "cancel"]


@pytest.fixture
def schema(api) -> dict:
    r = api().get("/api/schema/")
    assert r.status_code == 200
    return yaml.safe_load(r.content)


def test_schema_is_valid_openapi(schema):
    validate(schema)  # raises OpenAPIValidationError on any violation
    assert schema["openapi"].startswith("3.")


def test_schema_documents_transitions_with_409(schema):
    for name in TRANSITIONS:
        operation = schema["paths"][f"/api/v1/contests/{{id}}/{name}/"]["post"]
        assert "200" in operation["responses"], name
        assert "409" in operation["responses"], name
    assert "/api/v1/contests/{id}/history/" in schema["paths"]


def test_schema_documents_accounts_endpoints(schema):
    for path in ("/api/v1/me/", "/api/v1/auth/token/", "/api/v1/organisations/{id}/invite/"):
        assert path in schema["paths"], path


def test_docs_render_without_external_assets(client):
    r = client.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger" in html.lower()
    external = re.findall(r"""(?:src|href)\s*=\s*["'](https?:)?//""", html)
    assert external == [], "the docs page loads assets from another host"
    assert not re.search(r"""["'](?:https?:)?//[^"']+\.(?:js|css)\b""", html)
    assert "/static/drf_spectacular_sidecar/" in html


def test_docs_assets_are_served_locally(client):
    html = client.get("/api/docs/").content.decode()
    assets = re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", html)
    assert assets, "no local assets found"
    from django.contrib.staticfiles import finders

    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_close_documents_its_force_flag(schema):
    body = schema["paths"]["/api/v1/contests/{id}/close/"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"note", "force"} <= set(component["properties"])
