"""The applications endpoints are in the OpenAPI schema, with their errors documented."""

import pytest
import yaml
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

TRANSITIONS = ["submit", "withdraw", "return-for-correction", "return", "mark-eligible", "mark-ineligible"]


@pytest.fixture
def schema(api) -> dict:
    r = api().get("/api/schema/")
    assert r.status_code == 200
    return yaml.safe_load(r.content)


def test_schema_is_valid_and_documents_applications(schema):
    validate(schema)
    paths = schema["paths"]
    for name in TRANSITIONS:
        responses = paths[f"/api/v1/applications/{{id}}/{name}/"]["post"]["responses"]
        assert {"200", "409"} <= set(responses), name
    assert "delete" not in paths["/api/v1/applications/{id}/"]
    assert "put" not in paths["/api/v1/applications/{id}/"]
    assert "400" in paths["/api/v1/applications/{id}/"]["patch"]["responses"]
    upload = paths["/api/v1/applications/{id}/attachments/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "delete" in paths["/api/v1/applications/{id}/attachments/{attachment_id}/"]
    assert "get" in paths["/api/v1/applications/{id}/attachments/{attachment_id}/download/"]
    diff = paths["/api/v1/applications/{id}/diff/"]["get"]
    assert {"from", "to"} <= {p["name"] for p in diff["parameters"]}
    assert {"get", "post"} <= set(paths["/api/v1/late-codes/"])
    form_field = schema["components"]["schemas"]["FormField"]["properties"]
    assert {"file_types", "max_file_mb"} <= set(form_field)
    assert "max_upload_mb" in schema["components"]["schemas"]["Contest"]["properties"]
