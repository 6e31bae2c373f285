"""The contest dashboard by API (issue 15, point 15): the page's figures as JSON, each chart as
CSV, the summary as XLSX or PDF; only the contest's organisers, others get 404 as on the page."""

import pytest

from applications.models import Application
from reports import selectors
from tests.factories import ContestFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def address(contest, rest: str = "") -> str:
    return f"/api/v1/contest-dashboards/{contest.pk}/{rest}"


def test_the_figures_are_the_pages_own(api, busy):
    r = api(busy.organiser).get(address(busy.contest))
    assert r.status_code == 200, r.content
    body = r.json()
    board = selectors.dashboard(busy.contest)
    assert body["contest"] == busy.contest.pk and body["submitted"] == board.submitted
    assert body["by_state"][Application.State.DRAFT] == 1
    assert body["by_state"][Application.State.UNDER_REVIEW] == 6
    assert sum(body["by_state"].values()) == Application.objects.filter(contest=busy.contest).count()
    assert [c["name"] for c in body["applications"]] == [c.name for c in board.applications]
    assert [c["name"] for c in body["review"]] == [c.name for c in board.review]
    assert body["round"]["id"] == board.round.pk
    states = body["applications"][0]
    assert {row["key"]: row["total"] for row in states["rows"]} == body["by_state"]
    assert states["csv_url"].endswith(address(busy.contest, "charts/states/"))
    days = next(c for c in body["applications"] if c["kind"] == "line")
    assert all(isinstance(row["key"], str) for row in days["rows"])  # dates as ISO text


def test_a_chart_as_csv_and_the_summary(api, busy):
    client = api(busy.organiser)
    r = client.get(address(busy.contest, "charts/states/"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert client.get(address(busy.contest, "charts/no-such-chart/")).status_code == 404
    r = client.get(address(busy.contest, "summary/"), {"file": "xlsx"})
    assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"PK"
    r = client.get(address(busy.contest, "summary/"), {"file": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = client.get(address(busy.contest, "summary/"), {"file": "doc"})
    assert r.status_code == 400 and "file" in r.json()["errors"]


def test_only_organisers_see_it(api, busy, other_organiser, staff):
    juror = busy.jurors[1].user
    for path in ("", "charts/states/", "summary/"):
        for outsider in (other_organiser, juror, staff, UserFactory(full_name="Вигаданий Читач")):
            assert api(outsider).get(address(busy.contest, path)).status_code == 404, (path, outsider)
        assert api().get(address(busy.contest, path)).status_code in (401, 403)
    hidden = ContestFactory()
    grant(hidden, UserFactory())
    assert api(busy.organiser).get(address(hidden)).status_code == 404


def test_without_a_round_the_review_is_empty(api, organiser, published_contest):
    body = api(organiser).get(address(published_contest)).json()
    assert body["round"] is None and body["review"] == [] and body["scores"] == []


def test_the_schema_documents_the_dashboard(api):
    paths = api().get("/api/schema/", {"format": "json"}).json()["paths"]
    assert {"200", "403", "404"} <= set(paths["/api/v1/contest-dashboards/{id}/"]["get"]["responses"])
    summary = paths["/api/v1/contest-dashboards/{id}/summary/"]["get"]["responses"]
    assert {"200", "400", "403", "404"} <= set(summary)
    assert {"application/pdf"} <= set(summary["200"]["content"])
