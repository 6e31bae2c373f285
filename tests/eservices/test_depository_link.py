"""Cases in the depository link to the e-services they describe, both ways."""

import pytest
from django.urls import reverse

from depository import services as depository_services
from eservices import services
from eservices.models import EService

pytestmark = pytest.mark.django_db


def _service(organisation, category, name: str = "Пенсійний фонд онлайн", published: bool = True) -> EService:
    return services.create_service(
        organisation, by=None, name=name, category=category, help_given="Допомога.", published=published
    )


def test_organisers_link_a_case_and_both_public_pages_show_it(web, cases, category):
    practice = cases.published()
    organisation = practice.application.organisation
    service = _service(organisation, category)
    hidden = _service(organisation, category, "Чернетка", published=False)
    other = _service(cases.application().organisation, category, "Чужа")
    client = web(cases.organiser)
    form = client.get(reverse("depository:case_eservices", args=[practice.pk])).content.decode()
    assert "Пенсійний фонд онлайн" in form and "Чужа" not in form  # only the case's organisation's
    response = client.post(
        reverse("depository:case_eservices", args=[practice.pk]), {"eservices": [service.pk, hidden.pk]}
    )
    assert response.status_code == 302
    assert set(practice.eservices.all()) == {service, hidden}

    case_page = web().get(reverse("depository:detail", args=[practice.pk])).content.decode()
    assert reverse("eservices:detail", args=[service.pk]) in case_page
    assert "Чернетка" not in case_page  # unpublished services stay hidden
    service_page = web().get(reverse("eservices:detail", args=[service.pk])).content.decode()
    assert reverse("depository:detail", args=[practice.pk]) in service_page

    refused = client.post(reverse("depository:case_eservices", args=[practice.pk]), {"eservices": [other.pk]})
    assert refused.status_code == 400
    assert set(practice.eservices.all()) == {service, hidden}


def test_a_withdrawn_case_leaves_the_service_page(web, cases, category):
    practice = cases.published()
    service = _service(practice.application.organisation, category)
    depository_services.set_eservices(practice, [service], by=cases.organiser)
    depository_services.withdraw(practice, by=cases.organiser)
    page = web().get(reverse("eservices:detail", args=[service.pk])).content.decode()
    assert reverse("depository:detail", args=[practice.pk]) not in page


def test_only_the_contests_organisers_link(web, api, cases, outsider, category):
    practice = cases.published()
    service = _service(practice.application.organisation, category)
    url = reverse("depository:case_eservices", args=[practice.pk])
    assert web(outsider).post(url, {"eservices": [service.pk]}).status_code == 404
    assert web(cases.member).post(url, {"eservices": [service.pk]}).status_code == 404
    api_url = f"/api/v1/depository-cases/{practice.pk}/e-services/"
    assert api(outsider).patch(api_url, {"eservices": [service.pk]}, format="json").status_code == 404
    assert not practice.eservices.exists()


def test_the_api_links_and_shows_the_links(api, cases, category):
    practice = cases.published()
    service = _service(practice.application.organisation, category)
    other = _service(cases.application().organisation, category, "Чужа")
    url = f"/api/v1/depository-cases/{practice.pk}/e-services/"
    refused = api(cases.organiser).patch(url, {"eservices": [other.pk]}, format="json")
    assert refused.status_code == 400 and not practice.eservices.exists()
    response = api(cases.organiser).patch(url, {"eservices": [service.pk]}, format="json")
    assert response.status_code == 200 and response.json()["eservices"] == [service.pk]
    public = api().get(f"/api/v1/practices/{practice.pk}/").json()
    assert [row["id"] for row in public["eservices"]] == [service.pk]
    assert public["eservices"][0]["page_url"].endswith(reverse("eservices:detail", args=[service.pk]))
