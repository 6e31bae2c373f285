"""The round's scores through the API in both formats (issue 15, point 4): `?format=xlsx` was a
404 (DRF takes `format`); now `?file=csv|xlsx`, `?format=csv|xlsx` and the Accept header all
work, an unknown format is a 400 with a message, and the schema documents both media types."""

import csv
import io

import pytest
import yaml
from openpyxl import load_workbook

from core.exports import XLSX_TYPE
from review.models import Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(jury, query: str = "") -> str:
    return f"/api/v1/review-rounds/{jury.round.pk}/scores-export/" + (f"?{query}" if query else "")


@pytest.fixture
def scored(api, jury):
    """One submitted review with scores (juror 1 on application 0, nomination A)."""
    review = jury.assign(jury.jurors[1], jury.applications[0])
    client = api(review.juror.user)
    payload = {
        "scores": [{"criterion": jury.impact.pk, "value": 8}, {"criterion": jury.method.pk, "value": 6}]
    }
    assert client.put(f"/api/v1/reviews/{review.pk}/scores/", payload, format="json").status_code == 200
    assert client.post(f"/api/v1/reviews/{review.pk}/submit/").status_code == 200
    assert Review.objects.get(pk=review.pk).state == Review.State.SUBMITTED
    return review


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def read_xlsx(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.mark.parametrize("query", ["format=xlsx", "file=xlsx", "file=XLSX", "format=csv&file=xlsx"])
def test_xlsx_by_parameter(api, jury, scored, query):
    r = api(jury.organiser).get(url(jury, query))
    assert r.status_code == 200, getattr(r, "content", b"")[:300]
    assert r["Content-Type"] == XLSX_TYPE
    rows = read_xlsx(r)
    assert len(rows) == 2  # headers and the one submitted review
    assert jury.applications[0].title in rows[1]


@pytest.mark.parametrize("query", ["", "format=csv", "file=csv"])
def test_csv_by_default_and_by_parameter(api, jury, scored, query):
    r = api(jury.organiser).get(url(jury, query))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    rows = read_csv(r)
    assert len(rows) == 2
    assert jury.applications[0].title in rows[1]


@pytest.mark.parametrize(("accept", "kind"), [(XLSX_TYPE, "xlsx"), ("text/csv", "csv")])
def test_by_the_accept_header(api, jury, scored, accept, kind):
    r = api(jury.organiser).get(url(jury), HTTP_ACCEPT=accept)
    assert r.status_code == 200
    if kind == "xlsx":
        assert r["Content-Type"] == XLSX_TYPE
        assert len(read_xlsx(r)) == 2
    else:
        assert r["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("query", "field"), [("file=pdf", "file"), ("format=pdf", "format"), ("file=", "file")]
)
def test_an_unknown_format_is_a_400_with_a_message(api, jury, scored, query, field):
    r = api(jury.organiser).get(url(jury, query))
    assert r.status_code == 400
    assert r["Content-Type"].startswith("application/problem+json")
    assert "csv, xlsx" in r.json()["errors"][field][0]


def test_an_unknown_format_is_answered_in_ukrainian(api, jury, scored):
    r = api(jury.organiser).get(url(jury, "file=pdf"), HTTP_ACCEPT_LANGUAGE="uk")
    assert r.status_code == 400
    assert r.json()["errors"]["file"]


def test_only_the_organisers_export(api, jury, scored, other_organiser):
    for user in (scored.juror.user, other_organiser, UserFactory()):
        r = api(user).get(url(jury, "file=xlsx"))
        assert r.status_code == 404
        assert r["Content-Type"].startswith("application/problem+json")
    assert api().get(url(jury, "file=xlsx")).status_code in (401, 403, 404)


def test_the_schema_documents_both_formats(api):
    r = api().get("/api/schema/")
    assert r.status_code == 200
    operation = yaml.safe_load(r.content)["paths"]["/api/v1/review-rounds/{id}/scores-export/"]["get"]
    assert {"file", "format"} <= {p["name"] for p in operation["parameters"]}
    file_param = next(p for p in operation["parameters"] if p["name"] == "file")
    assert file_param["schema"]["enum"] == ["csv", "xlsx"]
    assert {"text/csv", XLSX_TYPE} <= set(operation["responses"]["200"]["content"])
    assert {"200", "400", "403", "404"} <= set(operation["responses"])
