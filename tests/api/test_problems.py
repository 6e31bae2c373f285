"""One error shape for the API: RFC 9457 problem details (issue 14, point 1), and a schema that
documents every error status with that body."""

import json

import pytest
from django.test import Client

from contests.models import Contest
from core.problems import as_problem

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["type"].startswith("https://")
    return body


def test_field_errors_are_a_validation_problem(api, organiser):
    r = api(organiser).post("/api/v1/contests/", {"title": ""}, format="json")
    body = problem_of(r, 400)
    assert body["type"].endswith("/problems/validation")
    assert "title" in body["errors"] and all(isinstance(m, str) for m in body["errors"]["title"])


def test_a_refused_step_is_a_conflict_with_what_is_allowed(api, organiser, contest_in):
    contest = contest_in(Contest.State.DRAFT)
    body = problem_of(api(organiser).post(f"/api/v1/contests/{contest.pk}/decide/", {}, format="json"), 409)
    assert body["type"].endswith("/problems/conflict")
    assert body["state"] == "draft" and "publish" in body["allowed"]


def test_a_missing_object_and_an_unknown_url_are_not_found_problems(api, organiser):
    problem_of(api(organiser).get("/api/v1/contests/999999/"), 404)
    problem_of(Client().get("/api/v1/no-such-thing/"), 404)


def test_the_messages_are_in_the_language_asked_for(api, organiser):
    def messages(language: str) -> dict:
        r = api(organiser).post("/api/v1/contests/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language)
        return problem_of(r, 400)["errors"]

    assert messages("en")["title"] != messages("uk")["title"]


def test_an_invalid_token_is_a_401_problem_with_its_challenge():
    r = Client().get("/api/v1/contests/", HTTP_AUTHORIZATION="Bearer nonsense")
    problem_of(r, 401)
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_page_given_twice_is_no_page(api, organiser):
    problem_of(api(organiser).get("/api/v1/contests/?page=1&page=1"), 404)


def test_any_old_shape_becomes_a_problem():
    nested = as_problem(400, {"answers": {"budget": ["Enter a number."]}, "non_field_errors": ["No."]})
    assert nested["errors"] == {"answers.budget": ["Enter a number."], "non_field_errors": ["No."]}
    only_general = as_problem(409, {"non_field_errors": ["Closed."]})
    assert only_general["detail"] == "Closed." and only_general["status"] == 409
    assert as_problem(400, ["Bad."])["errors"] == {"non_field_errors": ["Bad."]}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return json.loads(Client().get("/api/schema/", {"format": "json"}).content)


def test_every_error_answer_of_the_schema_is_a_problem(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if operation.get("requestBody"):
                assert "400" in responses, (method, path)
            for code, response in responses.items():
                if int(code) >= 400:
                    assert list(response["content"]) == [PROBLEM], (method, path, code)


def test_steps_document_409_and_sub_resource_lists_are_plain_arrays(schema):
    publish = schema["paths"]["/api/v1/contests/{id}/publish/"]["post"]["responses"]
    assert publish["409"]["content"][PROBLEM]["schema"]["$ref"].endswith("/ConflictProblem")
    history = schema["paths"]["/api/v1/contests/{id}/history/"]["get"]["responses"]["200"]
    assert history["content"]["application/json"]["schema"]["type"] == "array"
    history_params = schema["paths"]["/api/v1/contests/{id}/history/"]["get"].get("parameters", [])
    assert not any(p["name"] == "page" for p in history_params)
