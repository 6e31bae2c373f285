"""Open data of results and grants (issue 14, point 4): JSON and CSV per contest and for all,
360Giving-style records validated by the served JSON Schema, nothing personal, only announced
contests, a fixed number of queries whatever the number of grants, the licence configurable."""

import csv
import io
import json
from datetime import date

import jsonschema
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from applications.models import Application
from awards import opendata
from contests.models import Contest
from core import site
from grants import services
from tests.factories import NominationFactory, OrganisationFactory
from tests.grants.conftest import World

pytestmark = pytest.mark.django_db

PAYEE = "ПБ Вигадана"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SITE_URL = "https://konkurs.example.org"


@pytest.fixture
def world(db) -> World:
    w = World()
    Organisation.objects.filter(pk=w.application.organisation_id).update(
        registry_code="12345678", phone="+380501234567", email="winner-library@example.org"
    )
    return w


def paid_grant(world: World):
    grant = world.active("40000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="10000")
    services.approve_tranche(tranche, by=world.officer)
    services.pay_tranche(
        tranche, by=world.officer, idempotency_key="k1", payment_reference="PAY-77", paid_on=date(2025, 2, 3)
    )
    # A tranche planned but not paid is not published.
    services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 6, 1), amount="5000")
    return grant


def validate(document: dict) -> None:
    validator = jsonschema.Draft202012Validator(
        opendata.schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def more_winners(world: World, count: int) -> None:
    """`count` more awarded applications of other organisations, each with a grant."""
    nomination = NominationFactory(contest=world.contest)
    for n in range(count):
        application = Application.objects.create(
            organisation=OrganisationFactory(registry_code=f"{87654300 + n}"),
            contest=world.contest,
            nomination=nomination,
            title=f"Проєкт {n}",
        )
        Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
        application.refresh_from_db()
        world.offer("1000.00", application=application)


# --- contents ---------------------------------------------------------------------------------


def test_a_contests_feed_has_its_winners_grant_with_the_paid_tranche(world, web):
    grant = paid_grant(world)
    response = web().get(f"/open-data/contests/{world.contest.pk}/grants.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    validate(document)
    meta = document["meta"]
    assert meta["format"] == "konkurs.open-data.grants"
    assert meta["version"] == "1.0"
    assert meta["schema"] == "https://konkurs.example.org/open-data/schema/v1.json"
    assert meta["licence"] == {
        "id": "CC-BY-4.0",
        "name": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert meta["contest"]["id"] == world.contest.pk
    assert meta["dataVersion"]
    [record] = document["grants"]
    organisation = world.application.organisation
    assert record["id"] == f"360G-konkurs-{grant.pk}"
    assert record["title"] == world.application.title
    assert record["description"] == "Закупівля ноутбуків і навчання відвідувачів"
    assert record["currency"] == "UAH"
    assert record["amountAwarded"] == 40000
    assert record["plannedDates"] == [{"startDate": "2025-01-01", "endDate": "2025-12-31"}]
    assert record["recipientOrganization"] == [
        {
            "id": "UA-EDR-12345678",
            "name": organisation.name,
            "addressLocality": organisation.settlement,
            "addressRegion": "Poltava Oblast",
            "addressCountry": "UA",
        }
    ]
    assert record["beneficiaryLocation"] == [
        {"name": "Poltava Oblast", "countryCode": "UA", "geoCode": "UA-53"}
    ]
    assert record["grantProgramme"] == [
        {
            "code": f"contest-{world.contest.pk}",
            "title": world.contest.title,
            "url": f"https://konkurs.example.org/results/{world.contest.pk}/",
        }
    ]
    assert record["fundingOrganization"][0]["id"] == "360G-konkurs-funder"
    assert record["grantStatus"] == "active"
    assert record["amountDisbursed"] == 10000
    assert record["tranches"] == [{"date": "2025-02-03", "amount": 10000}]


def test_a_grant_without_payment_has_no_tranches_and_an_organisation_without_edrpou_an_own_id(world, web):
    Organisation.objects.filter(pk=world.application.organisation_id).update(registry_code="")
    grant = world.offer("25000.00")
    document = web().get("/open-data/grants.json").json()
    validate(document)
    [record] = document["grants"]
    assert "tranches" not in record
    assert "amountDisbursed" not in record
    assert record["grantStatus"] == "offered"
    assert record["recipientOrganization"][0]["id"] == f"360G-konkurs-org-{grant.application.organisation_id}"


def test_an_unannounced_contest_is_absent(world, web, api):
    paid_grant(world)
    Contest.objects.filter(pk=world.contest.pk).update(state=Contest.State.DECIDED)
    assert web().get("/open-data/grants.json").json()["grants"] == []
    assert web().get(f"/open-data/contests/{world.contest.pk}/grants.json").status_code == 404
    assert web().get(f"/open-data/contests/{world.contest.pk}/grants.csv").status_code == 404
    assert api().get(f"/api/v1/open-data/contests/{world.contest.pk}/grants/").status_code == 404
    lines = b"".join(web().get("/open-data/grants.csv").streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1  # the header only


def test_a_not_awarded_application_with_no_grant_and_other_contests_are_apart(world, web):
    paid_grant(world)
    other = World()  # another announced contest, another winner
    other_grant = other.offer("30000.00")
    both = web().get("/open-data/grants.json").json()["grants"]
    assert len(both) == 2
    one = web().get(f"/open-data/contests/{other.contest.pk}/grants.json").json()["grants"]
    assert [r["id"] for r in one] == [f"360G-konkurs-{other_grant.pk}"]


def test_nothing_personal_is_published(world, web, api):
    paid_grant(world)
    organisation = world.application.organisation
    organisation.refresh_from_db()
    texts = [
        web().get("/open-data/grants.json").content.decode(),
        web().get(f"/open-data/contests/{world.contest.pk}/grants.json").content.decode(),
        b"".join(web().get("/open-data/grants.csv").streaming_content).decode("utf-8-sig"),
        api().get("/api/v1/open-data/grants/").content.decode(),
    ]
    people = [world.member, world.officer, world.organiser, world.juror]
    secret = [
        organisation.email,
        organisation.phone,
        "380501234567",
        PAYEE,
        "PAY-77",
        world.application.grant.payee_iban,
        *(p.email for p in people),
        *(p.full_name for p in people),
    ]
    for text in texts:
        assert "@" not in text  # no e-mail address at all
        for value in secret:
            assert value and value not in text


# --- format -----------------------------------------------------------------------------------


def test_the_schema_is_served_and_valid_draft_2020_12(web, api, db):
    response = web().get("/open-data/schema/v1.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    served = json.loads(response.content)
    jsonschema.Draft202012Validator.check_schema(served)
    assert served["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert api().get("/api/v1/open-data/schema/").json() == served
    assert web().get("/open-data/schema/v2.json").status_code == 404


def test_the_schema_refuses_a_broken_record(world, web):
    paid_grant(world)
    document = web().get("/open-data/grants.json").json()
    del document["grants"][0]["amountAwarded"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, opendata.schema(), cls=jsonschema.Draft202012Validator)


def test_the_seeded_demo_validates(web, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    call_command("seed_demo", "--force", stdout=io.StringIO())
    document = web().get("/open-data/grants.json").json()
    validate(document)
    statuses = {r["grantStatus"] for r in document["grants"]}
    assert {"offered", "active", "completed", "terminated"} <= statuses
    assert any(r.get("tranches") for r in document["grants"])
    rows = csv_rows(web().get("/open-data/grants.csv"))
    assert len(rows) == len(document["grants"]) + 1


def test_csv_columns_and_values(world, web):
    grant = paid_grant(world)
    response = web().get(f"/open-data/contests/{world.contest.pk}/grants.csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "public" in response["Cache-Control"]
    rows = csv_rows(response)
    assert rows[0] == opendata.CSV_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert row["Identifier"] == f"360G-konkurs-{grant.pk}"
    assert row["Amount Awarded"] == "40000.00"
    assert row["Currency"] == "UAH"
    assert row["Recipient Org:Identifier"] == "UA-EDR-12345678"
    assert row["Recipient Org:Region"] == "Poltava Oblast"
    assert row["Beneficiary Location:Geographic Code"] == "UA-53"
    assert row["Amount Disbursed"] == "10000.00"
    assert row["Tranches"] == "2025-02-03 10000.00"


def test_api_serves_the_same_document(world, web, api):
    paid_grant(world)
    page = web().get(f"/open-data/contests/{world.contest.pk}/grants.json").json()
    served = api().get(f"/api/v1/open-data/contests/{world.contest.pk}/grants/").json()
    for document in (page, served):
        del document["meta"]["generatedAt"]
    assert served == page
    validate(api().get("/api/v1/open-data/grants/").json())


# --- efficiency --------------------------------------------------------------------------------


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _requests(web):
    client = web()
    return [
        lambda: client.get("/open-data/grants.json"),
        lambda: b"".join(client.get("/open-data/grants.csv").streaming_content),
        lambda: client.get("/api/v1/open-data/grants/"),
    ]


def test_queries_are_the_same_for_one_grant_and_many(world, web):
    paid_grant(world)
    one = [_queries(fn) for fn in _requests(web)]
    more_winners(world, 12)
    many = [_queries(fn) for fn in _requests(web)]
    assert len(web().get("/open-data/grants.json").json()["grants"]) == 13
    assert many == one
    assert max(one) <= 4


# --- licence and pages -------------------------------------------------------------------------


def test_the_licence_follows_the_setting_then_the_site_settings(world, web, settings, staff):
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    assert web().get("/open-data/grants.json").json()["meta"]["licence"]["id"] == "CC0-1.0"
    site.save_site_settings(by=staff, values={"open_data_licence": "CC-BY-SA-4.0"})
    licence = web().get("/open-data/grants.json").json()["meta"]["licence"]
    assert licence == {
        "id": "CC-BY-SA-4.0",
        "name": "Creative Commons Attribution-ShareAlike 4.0 International",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
    }
    assert (
        "Creative Commons Attribution-ShareAlike 4.0 International"
        in web().get("/open-data/").content.decode()
    )


def test_the_open_data_page_explains_and_links(world, web):
    page = web().get("/open-data/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Open data: results and grants" in text
    assert "CC-BY-4.0" in text
    for url in (
        "/open-data/grants.json",
        "/open-data/grants.csv",
        f"/open-data/contests/{world.contest.pk}/grants.json",
        f"/open-data/contests/{world.contest.pk}/grants.csv",
        "/open-data/schema/v1.json",
    ):
        assert f'href="{url}"' in text
    assert "amountDisbursed" in text
    # The footer of every page links to it.
    assert 'href="/open-data/"' in web().get("/").content.decode()


def test_the_results_page_links_to_its_open_data(world, web):
    text = web().get(f"/results/{world.contest.pk}/").content.decode()
    assert f'href="/open-data/contests/{world.contest.pk}/grants.json"' in text
    assert f'href="/open-data/contests/{world.contest.pk}/grants.csv"' in text


@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_page_opens_in_both_languages(world, web, settings, language):
    settings.LANGUAGE_CODE = language
    page = web().get("/open-data/")
    assert page.status_code == 200
    assert page["Content-Language"] == language
    assert f'lang="{language}"' in page.content.decode()


def test_staff_choose_the_licence_through_the_api_and_the_settings_page(world, web, api, staff, applicant):
    assert (
        api(applicant).patch("/api/v1/site/", {"open_data_licence": "CC0-1.0"}, format="json").status_code
        == 403
    )
    refused = api(staff).patch("/api/v1/site/", {"open_data_licence": "WTFPL"}, format="json")
    assert refused.status_code == 400
    assert api().get("/api/v1/site/").json()["open_data_licence"] == "CC-BY-4.0"  # the default
    changed = api(staff).patch("/api/v1/site/", {"open_data_licence": "CC0-1.0"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["open_data_licence"] == "CC0-1.0"
    assert web().get("/open-data/grants.json").json()["meta"]["licence"]["id"] == "CC0-1.0"
    page = web(staff).get("/site/settings/").content.decode()
    assert 'name="open_data_licence"' in page
    assert "Open data" in page
