"""/api/v1/practices/: the same catalogue, search and filters as the public page."""

import pytest

from applications.models import Application
from depository import services

pytestmark = pytest.mark.django_db


def test_list_shows_published_cases_only(api, cases):
    published = cases.published(categories=(cases.category,))
    services.select_case(cases.application(Application.State.AWARDED, title="Чернетка"), by=cases.organiser)
    body = api().get("/api/v1/practices/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["number"] == published.pk
    assert row["title"] == published.title
    assert row["region"] == "poltava" and row["region_display"] == "Poltava Oblast"
    assert row["categories"] == [{"id": cases.category.pk, "code": "1", "title": "Е-послуги"}]
    assert row["page_url"].endswith(f"/practices/{published.pk}/")
    assert "sections" not in row


def test_list_searches_and_filters(api, cases):
    wanted = cases.published(solution="Мобільна бібліотека їздить селами з ноутбуком.", region="lviv")
    cases.published(title="Інша", region="lviv")
    cases.published(title="Третя", solution="Мобільна приймальня.", region="odesa")

    def numbers(**params) -> list[int]:
        return [row["number"] for row in api().get("/api/v1/practices/", params).json()["results"]]

    assert numbers(q="ноутбуком") == [wanted.pk]
    assert numbers(q="мобільна", region="lviv") == [wanted.pk]
    assert numbers(contest=cases.contest.pk, year=wanted.year, region="lviv", q="їздить") == [wanted.pk]
    assert api().get("/api/v1/practices/", {"region": "atlantis"}).status_code == 400


def test_detail_has_the_case_structure_files_and_a_place_for_grant_results(api, cases):
    application = cases.application(Application.State.AWARDED, categories=(cases.subcategory,))
    public = cases.attach(application, "case_presentation", public=True)
    cases.attach(application, "budget", public=False, name="budget.pdf")
    practice = cases.published(application)
    body = api().get(f"/api/v1/practices/{practice.pk}/").json()
    sections = {section["key"]: section for section in body["sections"]}
    assert list(sections) == [
        "problem",
        "target_group",
        "solution",
        "e_services",
        "results",
        "resources",
        "sustainability",
        "contacts",
    ]
    assert sections["target_group"]["items"][1] == {
        "key": "case_people_served",
        "label": "People served",
        "value": "1607",
    }
    assert sections["e_services"]["items"][0]["value"] == ["Pension services", "Electronic signature"]
    assert [f["id"] for f in body["files"]] == [public.pk]
    assert body["files"][0]["url"].endswith(f"/practices/{practice.pk}/files/{public.pk}/")
    assert body["categories"][0]["classifier"] == "Е-врядування на рівні регіону"
    assert body["indicator_results"] == []


def test_detail_of_an_unpublished_case_is_404(api, cases):
    practice = services.select_case(cases.application(Application.State.AWARDED), by=cases.organiser)
    assert api().get(f"/api/v1/practices/{practice.pk}/").status_code == 404
    assert api(cases.organiser).get(f"/api/v1/practices/{practice.pk}/").status_code == 404


def test_the_api_is_read_only(api, cases):
    practice = cases.published()
    assert api(cases.organiser).delete(f"/api/v1/practices/{practice.pk}/").status_code == 405
    assert api(cases.organiser).post("/api/v1/practices/", {}).status_code == 405


def test_list_query_count_is_flat(api, cases, count_queries):
    cases.published(categories=(cases.category,))
    one = count_queries(lambda: api().get("/api/v1/practices/", {"q": "пенсіонерів"}))
    for _ in range(29):
        cases.published(categories=(cases.category, cases.subcategory))
    assert count_queries(lambda: api().get("/api/v1/practices/", {"q": "пенсіонерів"})) == one


def test_the_schema_documents_the_filters(api, db):
    schema = api().get("/api/schema/?format=json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/practices/"]["get"]["parameters"]}
    assert {"q", "category", "region", "year", "contest", "page"} <= parameters
