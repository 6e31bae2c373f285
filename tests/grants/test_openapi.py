"""The grants API's operations document in the OpenAPI schema every status they answer: each case
below is called as its persona, answers the status given, and that status is documented."""

import pytest
import yaml

from grants import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2025(time_machine):
    time_machine.move_to("2025-06-01 09:00Z")


_SCHEMA: dict = {}


@pytest.fixture
def schema(api) -> dict:
    """Read once for the module: the schema does not depend on the data."""
    if not _SCHEMA:
        r = api().get("/api/schema/")
        assert r.status_code == 200
        _SCHEMA.update(yaml.safe_load(r.content))
    return _SCHEMA


def documented(schema: dict, method: str, path: str) -> set[int]:
    return {int(code) for code in schema["paths"][path][method.lower()]["responses"]}


# (method, schema path, persona, body, status). {grant}, {report}, {contest} are filled in.
CASES = [
    ("GET", "/api/v1/grants/", "officer", {"state": "bogus"}, 400),
    ("GET", "/api/v1/grants/{id}/", "outsider", None, 404),
    ("POST", "/api/v1/grants/", "officer", {}, 400),
    ("POST", "/api/v1/grants/", "organiser", "offer", 404),
    ("PATCH", "/api/v1/grants/{id}/", "member", {"purpose": "Інше"}, 403),
    ("PATCH", "/api/v1/grants/{id}/", "outsider", {"purpose": "Інше"}, 404),
    ("PATCH", "/api/v1/grants/{id}/", "officer", {"amount": "-1"}, 400),
    ("POST", "/api/v1/grants/{id}/bank-details/", "member", {"payee_iban": "UA00"}, 400),
    ("POST", "/api/v1/grants/{id}/bank-details/", "outsider", {}, 404),
    ("GET", "/api/v1/grants/{id}/budget-lines/", "outsider", None, 404),
    ("POST", "/api/v1/grants/{id}/budget-lines/", "member", {"title": "Книги", "planned": "10"}, 403),
    ("POST", "/api/v1/grants/{id}/budget-lines/", "officer", {}, 400),
    ("GET", "/api/v1/grants/{id}/targets/", "outsider", None, 404),
    ("POST", "/api/v1/grants/{id}/targets/", "member", "target", 403),
    ("POST", "/api/v1/grants/{id}/targets/", "officer", {}, 400),
    ("POST", "/api/v1/grants/{id}/targets/", "outsider", "target", 404),
    ("GET", "/api/v1/grants/{id}/results/", "outsider", None, 404),
    ("GET", "/api/v1/grants/{id}/audit/", "member", None, 403),
    ("GET", "/api/v1/grants/{id}/audit/", "outsider", None, 404),
    ("GET", "/api/v1/grants/{id}/history/", "outsider", None, 404),
    ("GET", "/api/v1/grant-tranches/", "officer", {"state": "bogus"}, 400),
    ("POST", "/api/v1/grant-tranches/", "member", "tranche", 403),
    ("POST", "/api/v1/grant-tranches/", "officer", {}, 400),
    ("POST", "/api/v1/grant-tranches/", "outsider", "tranche", 404),
    ("GET", "/api/v1/grant-reports/", "member", {"kind": "bogus"}, 400),
    ("GET", "/api/v1/grant-reports/{id}/", "outsider", None, 404),
    ("PATCH", "/api/v1/grant-reports/{id}/", "officer", {"narrative": "Ні"}, 403),
    ("PATCH", "/api/v1/grant-reports/{id}/", "outsider", {"narrative": "Ні"}, 404),
    ("PATCH", "/api/v1/grant-reports/{id}/", "member", {"actuals": [{"indicator": 0}]}, 400),
    ("POST", "/api/v1/grant-reports/{id}/attachments/", "officer", {}, 403),
    ("POST", "/api/v1/grant-reports/{id}/attachments/", "member", {}, 400),
    ("POST", "/api/v1/grant-reports/{id}/attachments/", "outsider", {}, 404),
    ("GET", "/api/v1/grant-reports/{id}/history/", "outsider", None, 404),
    ("POST", "/api/v1/grant-indicators/", "officer", {}, 400),
    ("POST", "/api/v1/grant-indicators/", "organiser", "indicator", 403),
    ("GET", "/api/v1/grant-budgets/{id}/", "member", None, 404),
]


@pytest.mark.parametrize(("method", "path", "persona", "body", "expected"), CASES)
def test_each_answer_is_documented(api, world, schema, method, path, persona, body, expected):
    grant = world.active()
    report = grant.reports.order_by("due_on").first()
    indicator = services.add_indicator(
        world.contest, by=world.officer, name="Відвідувачі", unit="осіб", direction="higher"
    )
    bodies = {
        "offer": {
            "application": world.application.pk,
            "amount": "100.00",
            "purpose": "Цифрова грамотність",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
        },
        "target": {"indicator": indicator.pk, "year": 2025, "value": "10"},
        "tranche": {"grant": grant.pk, "planned_on": "2025-07-01", "amount": "10"},
        "indicator": {"contest": world.contest.pk, "name": "Заходи", "unit": "шт", "direction": "higher"},
    }
    data = bodies.get(body, body) if isinstance(body, str) else body
    pk = world.contest.pk if path.startswith("/api/v1/grant-budgets/") else grant.pk
    if path.startswith("/api/v1/grant-reports/{id}"):
        pk = report.pk
    url = path.replace("{id}", str(pk))
    client = api(getattr(world, persona))
    if method == "GET":
        r = client.get(url, data or {})
    elif "attachments" in url:
        r = client.post(url, data, format="multipart")
    else:
        r = getattr(client, method.lower())(url, data, format="json")
    assert r.status_code == expected, (url, persona, r.content)
    assert expected in documented(schema, method, path), f"{method} {path} does not document {expected}"


def test_every_grants_operation_documents_its_errors(schema):
    """Beyond the cases above: every grants write documents 400, 403 and 404, every read of one
    object 404, and the steps 409."""
    for path, operations in schema["paths"].items():
        if not path.startswith(("/api/v1/grants/", "/api/v1/grant-")):
            continue
        for method, operation in operations.items():
            codes = {int(c) for c in operation["responses"]}
            if method in ("post", "patch") and path not in ("/api/v1/grant-indicators/",):
                assert {400, 403, 404} <= codes, (method, path, codes)
            if "{id}" in path:
                assert 404 in codes, (method, path, codes)
            step = path.rstrip("/").rsplit("/", 1)[-1]
            if step in ("sign-agreement", "activate", "complete", "terminate", "approve", "pay", "cancel"):
                assert 409 in codes, (method, path, codes)
    indicators = schema["paths"]["/api/v1/grant-indicators/"]["post"]["responses"]
    assert {"400", "403"} <= set(indicators)


def test_grants_carry_allowed_transitions_in_the_schema(schema):
    components = schema["components"]["schemas"]
    for name in ("Grant", "GrantTranche", "GrantReport"):
        assert "allowed_transitions" in components[name]["properties"], name
