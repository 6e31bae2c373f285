"""/api/v1/analytic-reports/: writing by the contest's organisers, reading scoped, the publish
step, versions (If-Match), figures, PDF and XLSX."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from contests.models import Contest
from reports import services
from reports.models import AnalyticReport
from tests.factories import UserFactory
from tests.pdf import inflated

URL = "/api/v1/analytic-reports/"


def detail(report, suffix: str = "") -> str:
    return f"{URL}{report.pk}/{suffix}"


# --- creating and editing -------------------------------------------------------------------------


def test_organiser_creates_a_report_citing_cases_in_order(api, analytic):
    first, second = analytic.cases
    body = {
        "contest": analytic.contest.pk,
        "title": "Новий",
        "findings": "Так",
        "cases": [second.pk, first.pk],
    }
    response = api(analytic.organiser).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "draft"
    assert data["cases"] == [second.pk, first.pk]
    assert data["cited_cases"][0]["url"].endswith(f"/practices/{second.pk}/")
    assert data["allowed_steps"] == ["publish"]


@pytest.mark.parametrize("which", ["draft_case", "other_contest_case"])
def test_cited_cases_must_be_published_and_of_the_contest(api, analytic, which):
    if which == "draft_case":
        case = analytic.draft_case
    else:
        from depository.models import Practice

        case = Practice.objects.get(pk=analytic.cases[0].pk)
        Practice.objects.filter(pk=case.pk).update(contest=analytic.other_contest)
    before = AnalyticReport.objects.count()
    body = {"contest": analytic.contest.pk, "title": "Новий", "cases": [case.pk]}
    response = api(analytic.organiser).post(URL, body, format="json")
    assert response.status_code == 400
    assert "cases" in response.json()["errors"] or "cases" in str(response.json())
    assert AnalyticReport.objects.count() == before
    patch = api(analytic.organiser).patch(detail(analytic.report), {"cases": [case.pk]}, format="json")
    assert patch.status_code == 400
    assert list(analytic.report.citations.values_list("practice_id", flat=True)) == [
        analytic.cases[1].pk,
        analytic.cases[0].pk,
    ]


@pytest.mark.parametrize("who", ["officer", "member", "outsider", "other_organiser"])
def test_only_organisers_create(api, analytic, who):
    before = AnalyticReport.objects.count()
    body = {"contest": analytic.contest.pk, "title": "Чужий"}
    response = api(getattr(analytic, who)).post(URL, body, format="json")
    assert response.status_code == 403
    assert AnalyticReport.objects.count() == before


def test_anonymous_may_not_create(api, analytic):
    response = api().post(URL, {"contest": analytic.contest.pk, "title": "x"}, format="json")
    assert response.status_code in (401, 403)


def test_patch_with_a_stale_version_is_refused_and_changes_nothing(api, analytic):
    client = api(analytic.organiser)
    loaded = client.get(detail(analytic.report))
    etag = loaded["ETag"]
    assert etag == f'"{analytic.report.version}"'
    ok = client.patch(
        detail(analytic.report), {"findings": "Нові висновки"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200
    assert ok.json()["version"] == analytic.report.version + 1
    stale = client.patch(detail(analytic.report), {"findings": "Старі"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "findings" in stale.json()["changed"]
    analytic.report.refresh_from_db()
    assert analytic.report.findings == "Нові висновки"


def test_patch_refuses_unknown_fields(api, analytic):
    response = api(analytic.organiser).patch(detail(analytic.report), {"state": "published"}, format="json")
    assert response.status_code == 400
    analytic.report.refresh_from_db()
    assert analytic.report.state == AnalyticReport.State.DRAFT


# --- who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "member", "outsider", "other_organiser", None])
def test_a_draft_is_the_organisers_only(api, analytic, who):
    client = api(getattr(analytic, who) if who else None)
    assert client.get(detail(analytic.report)).status_code == 404
    assert client.get(detail(analytic.report, "pdf/")).status_code == 404
    assert analytic.report.pk not in [r["id"] for r in client.get(URL).json()["results"]]
    if who:
        assert client.patch(detail(analytic.report), {"title": "x"}, format="json").status_code == 404
        assert client.post(detail(analytic.report, "publish/")).status_code == 404


def test_published_reports_of_public_contests_are_everyones(api, analytic):
    services.publish(analytic.report, by=analytic.organiser)
    anonymous = api()
    assert analytic.report.pk in [r["id"] for r in anonymous.get(URL).json()["results"]]
    assert anonymous.get(detail(analytic.report)).status_code == 200
    # Reading is not writing: a signed-in stranger is refused the write (403), not shown a 404.
    stranger = api(analytic.outsider)
    assert stranger.patch(detail(analytic.report), {"title": "x"}, format="json").status_code == 403
    assert stranger.post(detail(analytic.report, "withdraw/")).status_code == 403
    # A contest no longer public takes its reports with it.
    Contest.objects.filter(pk=analytic.contest.pk).update(state=Contest.State.CANCELLED)
    assert anonymous.get(detail(analytic.report)).status_code == 404
    assert api(analytic.organiser).get(detail(analytic.report)).status_code == 200


# --- steps ---------------------------------------------------------------------------------------


def test_publish_then_withdraw_and_wrong_state_conflicts(api, analytic):
    client = api(analytic.organiser)
    published = client.post(detail(analytic.report, "publish/"))
    assert published.status_code == 200
    assert published.json()["state"] == "published"
    assert published.json()["allowed_steps"] == ["withdraw"]
    again = client.post(detail(analytic.report, "publish/"))
    assert again.status_code == 409
    assert again.json()["allowed"] == ["withdraw"]
    assert client.delete(detail(analytic.report)).status_code == 400
    assert client.post(detail(analytic.report, "withdraw/")).status_code == 200
    assert client.delete(detail(analytic.report)).status_code == 204
    assert not AnalyticReport.objects.filter(pk=analytic.report.pk).exists()


def test_publish_without_narrative_is_refused_with_reasons(api, analytic):
    empty = services.create_report(analytic.contest, by=analytic.organiser, title="Порожній")
    response = api(analytic.organiser).post(detail(empty, "publish/"))
    assert response.status_code == 409
    assert response.json()["reasons"]
    empty.refresh_from_db()
    assert empty.state == AnalyticReport.State.DRAFT


# --- figures and files ---------------------------------------------------------------------------


def test_figures_json_has_the_hand_computed_sums(api, analytic):
    response = api(analytic.organiser).get(detail(analytic.report, "figures/"))
    assert response.status_code == 200
    totals = {
        (row["indicator"], row["region"], row["year"]): Decimal(row["actual"])
        for row in response.json()["indicator_totals"]
    }
    assert totals == {
        ("Читачі", "poltava", 2025): Decimal(10),
        ("Читачі", "poltava", 2026): Decimal(5),
        ("Читачі", "lviv", 2025): Decimal(10),
        ("Заходи", "lviv", 2025): Decimal(2),
    }
    regions = {row["region"]: row["submitted"] for row in response.json()["by_region"]}
    assert (regions["lviv"], regions["poltava"]) == (2, 1)  # the awarded applications


def test_pdf_has_the_title_and_escapes_the_narrative(api, analytic):
    evil = '<a href="https://evil.example/">klik</a><script>alert(1)</script>'
    services.update_report(analytic.report, by=analytic.organiser, findings=evil)
    response = api(analytic.organiser).get(detail(analytic.report, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    searchable = inflated(body)
    title = analytic.report.title.encode("utf-16-be")
    assert title.hex().upper().encode() in searchable.upper() or title in searchable
    assert b"evil.example" not in searchable.split(b"/URI")[-1] if b"/URI" in searchable else True
    assert not re.search(rb"/URI\s*\(https://evil", searchable)


def test_xlsx_has_the_four_sheets_with_the_figures(api, analytic):
    response = api(analytic.organiser).get(detail(analytic.report, "xlsx/"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["Summary", "Figures by region", "Indicators by region and year", "Cases"]
    indicators = list(book["Indicators by region and year"].iter_rows(values_only=True))
    assert indicators[0] == ("Indicator", "Unit", "Region", "Year", "Target", "Achieved")
    assert [r for r in indicators[1:] if r[0] == "Читачі" and r[3] == 2025 and r[5] == 10] != []
    cases = list(book["Cases"].iter_rows(values_only=True))
    assert [row[0] for row in cases[1:]] == [analytic.cases[1].pk, analytic.cases[0].pk]
    summary = {
        row[0]: row[1] if len(row) > 1 else None for row in book["Summary"].iter_rows(values_only=True)
    }
    assert summary["Title"] == analytic.report.title


def test_list_query_count_is_flat(api, analytic, count_queries):
    client = api(analytic.organiser)
    one = count_queries(lambda: client.get(URL))
    for i in range(4):
        report = services.create_report(
            analytic.contest, by=analytic.organiser, title=f"Звіт {i}", summary="Так", cases=analytic.cases
        )
        services.publish(report, by=analytic.organiser)
    response = client.get(URL)
    assert len(response.json()["results"]) == 5
    assert count_queries(lambda: client.get(URL)) == one
    anonymous = api()
    assert count_queries(lambda: anonymous.get(URL)) <= one


def test_a_new_organiser_of_another_contest_sees_nothing(api, analytic):
    newcomer = UserFactory()
    assert api(newcomer).get(URL).json()["results"] == []
