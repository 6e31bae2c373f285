"""The API: public reads of published services, writes by the organisation's members only."""

import pytest

from eservices import services
from eservices.models import EService

pytestmark = pytest.mark.django_db
URL = "/api/v1/e-services/"


def _body(library, category, **fields) -> dict:
    return {
        "organisation": library.pk,
        "name": "Податкова онлайн",
        "category": category.pk,
        "help_given": "Кабінет платника.",
        "accessibility": ["screen_reader"],
        "published": True,
        **fields,
    }


def test_a_member_creates_and_changes_a_service(api, library, librarian, category):
    created = api(librarian).post(URL, _body(library, category), format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["organisation"] == library.pk and data["address"] == "вул. Тиха, 5"
    assert data["region"] == "volyn" and data["accessibility"] == ["screen_reader"]
    changed = api(librarian).patch(f"{URL}{data['id']}/", {"published": False}, format="json")
    assert changed.status_code == 200 and changed.json()["published"] is False


def test_another_library_may_not_create_or_change(api, library, other_librarian, make_service, category):
    assert api(other_librarian).post(URL, _body(library, category), format="json").status_code == 403
    assert api().post(URL, _body(library, category), format="json").status_code in (401, 403)
    service = make_service(library)
    response = api(other_librarian).patch(f"{URL}{service.pk}/", {"name": "Чуже"}, format="json")
    assert response.status_code == 403
    assert api(other_librarian).delete(f"{URL}{service.pk}/").status_code == 403
    draft = make_service(library, "Чернетка", published=False)
    assert api(other_librarian).patch(f"{URL}{draft.pk}/", {"name": "x"}, format="json").status_code == 404
    service.refresh_from_db()
    assert service.name == "Допомога з Дією" and EService.objects.count() == 2


def test_bad_input_is_400_and_changes_nothing(api, library, librarian, make_service, category):
    body = _body(library, category, accessibility=["flying"])
    response = api(librarian).post(URL, body, format="json")
    assert response.status_code == 400
    assert any(key.startswith("accessibility") for key in response.json()["errors"])
    service = make_service(library)
    response = api(librarian).patch(f"{URL}{service.pk}/", {"organisation": 999}, format="json")
    assert response.status_code == 400
    assert not EService.objects.exclude(pk=service.pk).exists()


def test_the_public_list_hides_drafts_and_filters(api, library, other_library, librarian, make_service):
    shown = make_service(library, "Видима")
    draft = make_service(library, "Чернетка", published=False)
    odesa = make_service(other_library, "Одеська")
    ids = {row["id"] for row in api().get(URL).json()["results"]}
    assert ids == {shown.pk, odesa.pk}
    assert api().get(f"{URL}{draft.pk}/").status_code == 404
    mine = {row["id"] for row in api(librarian).get(URL, {"organisation": library.pk}).json()["results"]}
    assert mine == {shown.pk, draft.pk}
    in_volyn = {row["id"] for row in api().get(URL, {"region": "volyn"}).json()["results"]}
    assert in_volyn == {shown.pk}
    assert api().get(URL, {"q": "одеська"}).json()["count"] == 1
    assert api().get(URL, {"region": "atlantis"}).status_code == 400


def test_years_by_members_only(api, library, librarian, other_librarian, make_service):
    service = make_service(library)
    url = "/api/v1/e-service-years/"
    body = {"service": service.pk, "year": 2024, "people_helped": 50}
    assert api(other_librarian).post(url, body, format="json").status_code == 403
    first = api(librarian).post(url, body, format="json")
    assert first.status_code == 201
    again = api(librarian).post(url, {**body, "people_helped": 60}, format="json")
    assert again.status_code == 200 and again.json()["people_helped"] == 60
    assert api(librarian).post(url, {**body, "year": 3000}, format="json").status_code == 400
    second = api(librarian).post(url, {**body, "year": 2023}, format="json").json()
    taken = api(librarian).patch(f"{url}{second['id']}/", {"year": 2024}, format="json")
    assert taken.status_code == 400 and service.years.get(pk=second["id"]).year == 2023
    figure_url = f"{url}{first.json()['id']}/"
    assert api(other_librarian).patch(figure_url, {"people_helped": 1}, format="json").status_code == 403
    assert api().get(figure_url).json()["people_helped"] == 60
    assert api(librarian).delete(figure_url).status_code == 204
    assert list(service.years.values_list("year", flat=True)) == [2023]


def test_a_hidden_service_is_no_target_for_figures(api, library, other_librarian, make_service):
    draft = make_service(library, published=False)
    body = {"service": draft.pk, "year": 2024, "people_helped": 1}
    response = api(other_librarian).post("/api/v1/e-service-years/", body, format="json")
    assert response.status_code == 400 and not draft.years.exists()


def test_categories_for_everyone(api):
    rows = api().get("/api/v1/e-service-categories/").json()["results"]
    assert "diia" in {row["code"] for row in rows}


def test_totals_for_organisers_and_staff(api, library, librarian, make_service, staff):
    services.set_year(make_service(library), year=2024, people_helped=9)
    assert api(librarian).get("/api/v1/e-service-totals/").status_code == 403
    assert api().get("/api/v1/e-service-totals/").status_code in (401, 403)
    rows = api(staff).get("/api/v1/e-service-totals/").json()["results"]
    assert rows == [
        {
            "region": "volyn",
            "region_display": "Volyn Oblast",
            "services": 1,
            "organisations": 1,
            "people_total": 9,
            "people_by_year": [{"year": 2024, "people": 9}],
        }
    ]


def test_list_query_count_is_flat(api, library, librarian, make_service, count_queries):
    services.set_year(make_service(library, "Одна"), year=2024, people_helped=1)
    one = count_queries(lambda: api(librarian).get(URL))
    one_years = count_queries(lambda: api(librarian).get("/api/v1/e-service-years/"))
    for n in range(10):
        services.set_year(make_service(library, f"Послуга {n}"), year=2023, people_helped=n)
    assert count_queries(lambda: api(librarian).get(URL)) == one
    assert count_queries(lambda: api(librarian).get("/api/v1/e-service-years/")) == one_years
