"""The pages: the public catalogue and a service's page, the members' list and form, totals."""

import pytest
from django.urls import reverse

from eservices import services
from eservices.models import Accessibility, EService
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _form(category, **fields) -> dict:
    return {
        "name": "Запис до лікаря",
        "category": category.pk,
        "help_given": "Декларація з сімейним лікарем.",
        "hours": "Ср 10–14",
        "accessibility": [Accessibility.STEP_FREE, Accessibility.SIGN_LANGUAGE],
        "since": "2022-03-01",
        "published": "on",
        **fields,
    }


def test_a_member_adds_a_service_with_a_year_and_the_public_finds_it(web, library, librarian, category):
    client = web(librarian)
    page = client.get(reverse("accounts:organisation", args=[library.pk]))
    assert reverse("eservices:organisation", args=[library.pk]) in page.content.decode()  # the panel
    response = client.post(reverse("eservices:create", args=[library.pk]), _form(category))
    service = EService.objects.get(organisation=library)
    assert response.status_code == 302 and response["Location"] == reverse(
        "eservices:edit", args=[service.pk]
    )
    assert service.accessibility == [Accessibility.STEP_FREE, Accessibility.SIGN_LANGUAGE]
    client.post(reverse("eservices:add_year", args=[service.pk]), {"year": "2024", "people_helped": "130"})
    assert list(service.years.values_list("year", "people_helped")) == [(2024, 130)]

    public = web().get(reverse("eservices:catalogue"), {"region": "volyn", "category": category.pk})
    text = public.content.decode()
    assert "Запис до лікаря" in text and "вул. Тиха, 5" in text and "Бібліотека Вигадана" in text
    elsewhere = web().get(reverse("eservices:catalogue"), {"region": "odesa"})
    assert "Запис до лікаря" not in elsewhere.content.decode()
    detail = web().get(reverse("eservices:detail", args=[service.pk])).content.decode()
    assert "130" in detail and "Sign language" in detail


def test_bad_input_keeps_what_was_typed_and_saves_nothing(web, library, librarian, category):
    response = web(librarian).post(reverse("eservices:create", args=[library.pk]), _form(category, name=""))
    assert response.status_code == 400
    assert "Декларація з сімейним лікарем." in response.content.decode()
    assert not EService.objects.exists()


def test_a_future_year_is_refused_on_the_form(web, library, librarian, make_service):
    service = make_service(library)
    response = web(librarian).post(
        reverse("eservices:add_year", args=[service.pk]), {"year": "2999", "people_helped": "5"}
    )
    assert response.status_code == 400
    assert "future" in response.content.decode()
    assert not service.years.exists()


def test_another_library_cannot_edit_or_add(web, library, other_librarian, make_service, category):
    published = make_service(library)
    draft = make_service(library, "Чернетка", published=False)
    client = web(other_librarian)
    assert client.get(reverse("eservices:edit", args=[published.pk])).status_code == 403
    assert client.post(reverse("eservices:delete", args=[published.pk])).status_code == 403
    assert client.get(reverse("eservices:edit", args=[draft.pk])).status_code == 404
    assert client.get(reverse("eservices:detail", args=[draft.pk])).status_code == 404
    assert client.post(reverse("eservices:create", args=[library.pk]), _form(category)).status_code == 403
    assert client.get(reverse("eservices:organisation", args=[library.pk])).status_code == 403
    assert EService.objects.filter(organisation=library).count() == 2


def test_unpublished_is_hidden_from_the_public(web, library, make_service):
    draft = make_service(library, "Прихована", published=False)
    assert web().get(reverse("eservices:detail", args=[draft.pk])).status_code == 404
    assert "Прихована" not in web().get(reverse("eservices:catalogue")).content.decode()


def test_a_member_edits_publishes_and_deletes(web, library, librarian, make_service, category):
    service = make_service(library, published=False)
    client = web(librarian)
    client.post(reverse("eservices:edit", args=[service.pk]), _form(category, name="Нова назва"))
    service.refresh_from_db()
    assert service.name == "Нова назва" and service.published
    services.set_year(service, year=2023, people_helped=3)
    figure = service.years.get()
    client.post(reverse("eservices:delete_year", args=[service.pk, figure.pk]))
    assert not service.years.exists()
    client.post(reverse("eservices:delete", args=[service.pk]))
    assert not EService.objects.filter(pk=service.pk).exists()


def test_totals_for_organisers_and_staff_only(web, library, librarian, make_service, staff, organiser):
    service = make_service(library)
    services.set_year(service, year=2024, people_helped=42)
    assert web(librarian).get(reverse("eservices:totals")).status_code == 403
    assert web().get(reverse("eservices:totals")).status_code == 302  # to the login
    page = web(staff).get(reverse("eservices:totals"))
    assert page.status_code == 200 and "Volyn Oblast" in page.content.decode()
    csv = web(staff).get(reverse("eservices:totals_export", args=["csv"]))
    body = b"".join(csv.streaming_content).decode()
    assert "Volyn Oblast" in body and "42" in body
    xlsx = web(staff).get(reverse("eservices:totals_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert web(staff).get(reverse("eservices:totals_export", args=["pdf"])).status_code == 404


def test_the_menu_links_the_catalogue_for_everyone(web):
    assert reverse("eservices:catalogue") in web().get("/").content.decode()


def test_catalogue_query_count_is_flat(web, library, make_service, count_queries):
    first = make_service(library, "Одна")
    services.set_year(first, year=2024, people_helped=1)
    url = reverse("eservices:catalogue")
    client = web(UserFactory())
    one = count_queries(lambda: client.get(url))
    for n in range(12):
        services.set_year(make_service(library, f"Послуга {n}"), year=2023, people_helped=n)
    assert count_queries(lambda: client.get(url)) == one
