"""The card and the plan through the API: scoping (others 404), If-Match, steps and refusals,
XLSX, the yearly indicator report, flat query counts."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from grants import services
from grants.models import Indicator, PlanActivity
from grants.services import work_plan
from tests.workplan.conftest import activity, pdf

pytestmark = pytest.mark.django_db

BODY = {
    "title": "Майстерня з е-послуг",
    "responsible": "Ірина Вигадана",
    "start_month": "2025-03-01",
    "end_month": "2025-04-20",
    "deadline": "2025-04-30",
}


def test_card_get_and_patch_with_if_match(api, world, active):
    url = f"/api/v1/grant-cards/{active.pk}/"
    r = api(world.member).get(url)
    assert r.status_code == 200 and r.json()["can_edit"] is True
    assert r.json()["starts_on"] == "2025-01-01" and r.json()["grant_amount"] == "40000.00"
    body = {"organiser": "Бібліотека", "funding_sources": [{"name": "Громада", "amount": "1500.00"}]}
    r = api(world.member).patch(url, body, format="json")
    assert r.status_code == 200, r.json()
    assert r["ETag"] == '"1"' and r.json()["funding_sources"] == [
        {"name": "Громада", "amount": "1500.00", "currency": "UAH"}
    ]
    r = api(world.officer).patch(url, {"manager_name": "Ольга"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200 and r["ETag"] == '"2"'
    # A stale If-Match: 412, nothing changed.
    r = api(world.member).patch(url, {"manager_name": "Інша"}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 412
    active.card.refresh_from_db()
    assert active.card.manager_name == "Ольга"


def test_card_refused_outside_the_grant(api, world, active):
    url = f"/api/v1/grant-cards/{active.pk}/"
    for person in (world.outsider, world.organiser, world.juror):
        assert api(person).get(url).status_code == 404
        assert api(person).patch(url, {"organiser": "x"}, format="json").status_code == 404
    assert api().get(url).status_code in (401, 403)
    r = api(world.member).patch(url, {"funding_sources": [{"name": "x", "amount": "-1"}]}, format="json")
    assert r.status_code == 400
    assert not active.funding_sources.exists()


def test_activity_create_and_scoping(api, world, active):
    r = api(world.member).post("/api/v1/plan-activities/", {**BODY, "grant": active.pk}, format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["months"] == ["2025-03", "2025-04"] and data["allowed_transitions"] == [
        "start",
        "complete",
        "cancel",
    ]
    r = api(world.outsider).post("/api/v1/plan-activities/", {**BODY, "grant": active.pk}, format="json")
    assert r.status_code == 404
    assert api(world.outsider).get(f"/api/v1/plan-activities/{data['id']}/").status_code == 404
    assert api(world.outsider).get("/api/v1/plan-activities/").json()["count"] == 0
    assert api(world.officer).get(f"/api/v1/plan-activities/?grant={active.pk}").json()["count"] == 1
    r = api(world.member).post(
        "/api/v1/plan-activities/", {**BODY, "grant": active.pk, "deadline": "2025-01-01"}
    )
    assert r.status_code == 400 and "deadline" in str(r.json())
    assert PlanActivity.objects.count() == 1


def test_complete_without_evidence_is_400_and_nothing_changes(api, world, active):
    a = activity(active, world.member)
    url = f"/api/v1/plan-activities/{a.pk}/complete/"
    r = api(world.member).post(url, {"note": ""}, format="json")
    assert r.status_code == 400
    a.refresh_from_db()
    assert a.state == PlanActivity.State.PLANNED
    r = api(world.member).post(url, {"evidence": pdf("akt.pdf")}, format="multipart")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "done" and r.json()["has_evidence_file"] is True
    download = api(world.officer).get(f"/api/v1/plan-activities/{a.pk}/evidence/")
    assert download.status_code == 200
    assert api(world.outsider).get(f"/api/v1/plan-activities/{a.pk}/evidence/").status_code == 404
    # Done: no step is open any more (409 listing none), and it no longer changes.
    r = api(world.member).post(f"/api/v1/plan-activities/{a.pk}/cancel/", {}, format="json")
    assert r.status_code == 409 and r.json()["allowed"] == []
    assert api(world.member).patch(f"/api/v1/plan-activities/{a.pk}/", {"title": "x"}).status_code == 400


def test_officer_edits_and_outsider_cannot_step(api, world, active):
    a = activity(active, world.member)
    r = api(world.officer).patch(
        f"/api/v1/plan-activities/{a.pk}/", {"responsible": "Інша особа"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert r.status_code == 200 and r.json()["responsible"] == "Інша особа"
    assert api(world.outsider).post(f"/api/v1/plan-activities/{a.pk}/start/").status_code == 404
    assert api(world.member).delete(f"/api/v1/plan-activities/{a.pk}/").status_code == 204


def test_plan_xlsx_content(api, world, active):
    activity(
        active, world.member, title="Весняна школа", start_month=date(2025, 3, 1), end_month=date(2025, 4, 1)
    )
    r = api(world.member).get(f"/api/v1/grant-cards/{active.pk}/work-plan-xlsx/")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][5:] == tuple(f"{m:02d}.2025" for m in range(1, 13))  # January … December
    assert rows[1][1] == "Весняна школа"
    marks = [i + 1 for i, cell in enumerate(rows[1][5:]) if cell]
    assert marks == [3, 4]
    assert api(world.outsider).get(f"/api/v1/grant-cards/{active.pk}/work-plan-xlsx/").status_code == 404


def test_annual_indicator_report(api, world, active):
    indicator = Indicator.objects.create(contest=world.contest, name="Відвідування", unit="осіб")
    services.set_target(active, by=world.officer, indicator=indicator, value="100", year=2025)
    report = active.reports.order_by("due_on").first()
    services.save_report(report, by=world.member, narrative="Зроблено", actuals={indicator.pk: "55"})
    r = api(world.member).get(f"/api/v1/grant-cards/{active.pk}/annual-indicators/")
    assert r.status_code == 200
    [row] = r.json()
    [year] = row["years"]
    assert year["year"] == 2025 and Decimal(year["target"]) == 100 and Decimal(year["entered"]) == 55
    assert Decimal(year["actual"]) == 0 and year["percent"] == 0
    services.submit_report(report, by=world.member)
    services.accept_report(report, by=world.officer)
    [row] = api(world.member).get(f"/api/v1/grant-cards/{active.pk}/annual-indicators/").json()
    assert Decimal(row["years"][0]["actual"]) == 55 and row["years"][0]["percent"] == 55


def test_activity_list_query_count_is_flat(api, world, active):
    client = api(world.member)
    activity(active, world.member)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/plan-activities/").status_code == 200
        return len(queries)

    one = count()
    for n in range(6):
        activity(active, world.member, title=f"Діяльність {n}")
    work_plan.start_activity(PlanActivity.objects.last(), by=world.member)
    assert count() == one
