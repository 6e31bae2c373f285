"""Webhooks through the API, and who may see and register them."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory, contest_in_state
from webhooks import services
from webhooks.models import Endpoint

URL = "https://hooks.example.org/konkurs"


@pytest.fixture
def outsider(db):
    """The administrator of another organisation."""
    user = UserFactory()
    OrganisationFactory().memberships.create(user=user, is_admin=True)
    return user


@pytest.fixture
def endpoint(organisation, applicant) -> Endpoint:
    made, _secret = services.create_endpoint(organisation, url=URL, events=["grant.offered"], by=applicant)
    return made


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once(api, applicant, organisation):
    client = api(applicant)
    response = client.post(
        "/api/v1/webhooks/",
        {"organisation": organisation.pk, "url": URL, "events": ["application.submitted", "report.accepted"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    assert secret.startswith("whsec_")
    pk = response.json()["id"]
    shown = client.get(f"/api/v1/webhooks/{pk}/").json()
    assert "secret" not in shown and shown["events"] == ["application.submitted", "report.accepted"]
    assert [row["id"] for row in client.get("/api/v1/webhooks/").json()["results"]] == [pk]

    rotated = client.post(f"/api/v1/webhooks/{pk}/rotate-secret/").json()["secret"]
    assert rotated != secret and Endpoint.objects.get(pk=pk).secret == rotated
    changed = client.patch(f"/api/v1/webhooks/{pk}/", {"events": ["grant.offered"]}, format="json")
    assert changed.status_code == 200 and changed.json()["events"] == ["grant.offered"]
    assert client.get(f"/api/v1/webhooks/{pk}/deliveries/").json()["count"] == 0
    assert client.delete(f"/api/v1/webhooks/{pk}/").status_code == 204
    assert not Endpoint.objects.exists()


def test_an_organiser_registers_an_endpoint_for_their_contest(api, organiser, form_contest, other_organiser):
    body = {"contest": form_contest.pk, "url": URL, "events": ["results.announced"]}
    assert api(other_organiser).post("/api/v1/webhooks/", body, format="json").status_code == 403
    response = api(organiser).post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 201
    assert response.json()["contest"] == form_contest.pk and response.json()["organisation"] is None


def test_another_organisation_can_neither_see_nor_register(api, web, endpoint, outsider, organisation):
    client = api(outsider)
    assert client.get("/api/v1/webhooks/").json()["results"] == []
    for path in ("", "deliveries/"):
        assert client.get(f"/api/v1/webhooks/{endpoint.pk}/{path}").status_code == 404
    for action in ("test", "rotate-secret", "enable"):
        assert client.post(f"/api/v1/webhooks/{endpoint.pk}/{action}/").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    body = {"organisation": organisation.pk, "url": URL, "events": ["grant.offered"]}
    assert client.post("/api/v1/webhooks/", body, format="json").status_code == 403
    assert Endpoint.objects.count() == 1

    page = web(outsider)
    assert page.get(reverse("webhooks:organisation", args=[organisation.pk])).status_code == 403
    assert page.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 404
    assert page.post(reverse("webhooks:delete", args=[endpoint.pk])).status_code == 404
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_member_who_is_not_an_administrator_cannot_manage_webhooks(api, endpoint, organisation):
    member = UserFactory()
    organisation.memberships.create(user=member, is_admin=False)
    assert api(member).get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    body = {"organisation": organisation.pk, "url": URL, "events": ["grant.offered"]}
    assert api(member).post("/api/v1/webhooks/", body, format="json").status_code == 403


def test_staff_and_the_contest_organisers_do_not_see_an_organisation_endpoint(
    api, endpoint, staff, organiser
):
    assert api(staff).get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert api(organiser).get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/konkurs",  # plain HTTP elsewhere
        "ftp://hooks.example.org/",
        "https://user:pw@hooks.example.org/",
        "not a url",
    ],
)
def test_only_https_addresses_are_accepted(api, applicant, organisation, url):
    body = {"organisation": organisation.pk, "url": url, "events": ["grant.offered"]}
    response = api(applicant).post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 400
    assert not Endpoint.objects.exists()


def test_plain_http_to_this_machine_only_when_allowed(api, applicant, organisation, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    settings.DEBUG = False
    body = {"organisation": organisation.pk, "url": "http://127.0.0.1:8080/", "events": ["grant.offered"]}
    assert api(applicant).post("/api/v1/webhooks/", body, format="json").status_code == 400
    settings.WEBHOOKS_ALLOW_HTTP = True
    assert api(applicant).post("/api/v1/webhooks/", body, format="json").status_code == 201


def test_an_owner_is_one_organisation_or_one_contest(api, applicant, organisation):
    contest = contest_in_state("published", applicant)
    body = {"organisation": organisation.pk, "contest": contest.pk, "url": URL, "events": ["grant.offered"]}
    assert api(applicant).post("/api/v1/webhooks/", body, format="json").status_code == 400
    body = {"url": URL, "events": ["grant.offered"]}
    assert api(applicant).post("/api/v1/webhooks/", body, format="json").status_code == 400
    body = {"organisation": organisation.pk, "url": URL, "events": ["webhook.test"]}
    assert api(applicant).post("/api/v1/webhooks/", body, format="json").status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"organisation": 2**64, "url": URL, "events": ["grant.offered"]},
        {"contest": -1, "url": URL, "events": ["grant.offered"]},
        {"organisation": "x", "url": URL, "events": []},
        {"organisation": 1, "url": URL, "events": ["grant.offered"], "secret": "mine"},
    ],
)
def test_bad_bodies_answer_400(api, applicant, body):
    assert api(applicant).post("/api/v1/webhooks/", body, format="json").status_code == 400


def test_the_web_pages_need_the_owners_role(web, organiser, form_contest, other_organiser, applicant):
    url = reverse("webhooks:contest", args=[form_contest.pk])
    assert web(other_organiser).get(url).status_code == 403
    assert web(applicant).get(url).status_code == 403
    page = web(organiser).post(url, {"url": "http://hooks.example.org/", "events": ["results.announced"]})
    assert page.status_code == 400 and not Endpoint.objects.exists()
    page = web(organiser).post(url, {"url": URL, "events": ["results.announced"]})
    assert page.status_code == 200 and Endpoint.objects.get().contest == form_contest
