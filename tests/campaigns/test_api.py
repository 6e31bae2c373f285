from datetime import timedelta

from campaigns import services
from campaigns.models import CampaignReport
from core import clock
from tests.campaigns.conftest import member
from tests.factories import OrganisationFactory


def test_reports_list_is_scoped(opened, api):
    mine = api(opened.alice).get("/api/v1/campaign-reports/").json()["results"]
    assert [r["id"] for r in mine] == [opened.report.pk]
    assert api(opened.hanna).get("/api/v1/campaign-reports/").json()["results"] == []
    assert api().get("/api/v1/campaign-reports/").status_code in (401, 403)
    assert api(opened.bohdan).get(f"/api/v1/campaign-reports/{opened.report.pk}/").status_code == 404
    assert api(opened.hanna).get(f"/api/v1/campaigns/{opened.campaign.pk}/").status_code == 404
    assert len(api(opened.organiser).get("/api/v1/campaign-reports/").json()["results"]) == 2


def test_patch_with_if_match_and_stale_version(opened, api):
    client = api(opened.alice)
    url = f"/api/v1/campaign-reports/{opened.report.pk}/"
    etag = client.get(url)["ETag"]
    body = {"answers": {"measures": "Курси"}, "actuals": [{"indicator": opened.indicator.pk, "value": "3"}]}
    ok = client.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200 and ok.json()["answers"] == {"measures": "Курси"}
    stale = client.patch(url, {"answers": {"measures": "Інше"}}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert CampaignReport.objects.get(pk=opened.report.pk).answers == {"measures": "Курси"}
    bad = client.patch(url, {"answers": {"unknown": "x"}}, format="json")
    assert bad.status_code == 400
    assert api(opened.organiser).patch(url, body, format="json").status_code == 403


def test_steps_through_the_api(opened, api):
    url = f"/api/v1/campaign-reports/{opened.report.pk}/"
    refused = api(opened.alice).post(url + "submit/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["reasons"]
    services.save_report(opened.report, by=opened.alice, answers={"measures": "Курси"})
    assert api(opened.alice).post(url + "accept/", {}, format="json").status_code == 403
    assert api(opened.alice).post(url + "submit/", {}, format="json").status_code == 200
    no_note = api(opened.organiser).post(url + "return-for-correction/", {}, format="json")
    assert no_note.status_code == 400
    returned = api(opened.organiser).post(url + "return-for-correction/", {"note": "Уточніть"}, format="json")
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    again = api(opened.organiser).post(url + "accept/", {}, format="json")
    assert again.status_code == 409 and "accept" not in again.json()["allowed"]


def test_create_campaign_permissions_and_summary(world, api, draft_contest, staff):
    body = {
        "owner": world.body.pk,
        "title": "Новий звіт",
        "due_at": "2031-03-20T16:00:00Z",
        "audience_regions": ["lviv"],
    }
    assert api(world.alice).post("/api/v1/campaigns/", body, format="json").status_code == 403
    made = api(world.organiser).post("/api/v1/campaigns/", body, format="json")
    assert made.status_code == 201 and made.json()["state"] == "draft"
    pk = made.json()["id"]
    preview = api(world.organiser).get(f"/api/v1/campaigns/{pk}/audience-preview/").json()
    assert preview == {"count": 1, "organisations": ["Бібліотека Бета"]}
    refused = api(world.organiser).post(f"/api/v1/campaigns/{pk}/open/", {}, format="json")
    assert refused.status_code == 409  # no question yet
    question = {"key": "q", "label": "Питання", "field_type": "short_text", "required": True}
    assert (
        api(world.organiser).post(f"/api/v1/campaigns/{pk}/questions/", question, format="json").status_code
        == 201
    )
    assert api(world.organiser).post(f"/api/v1/campaigns/{pk}/open/", {}, format="json").status_code == 200
    summary = api(world.organiser).get(f"/api/v1/campaigns/{pk}/summary/").json()
    assert summary["requested"] == 1 and summary["by_region"][0]["region"] == "lviv"
    assert api(world.bohdan).get(f"/api/v1/campaigns/{pk}/summary/").status_code == 403


def test_schedule_api(world, api):
    url = "/api/v1/campaign-schedules/"
    body = {"template": world.campaign.pk, "days": ["03-20", "10-20"]}
    assert api(world.alice).post(url, body, format="json").status_code == 400  # not a campaign of hers
    made = api(world.organiser).post(url, body, format="json")
    assert made.status_code == 201
    assert (
        api(world.organiser)
        .patch(f"{url}{made.json()['id']}/", {"days": ["99-99"]}, format="json")
        .status_code
        == 400
    )
    assert api(world.alice).get(f"{url}{made.json()['id']}/").status_code == 404


def test_report_list_query_count_is_flat(opened, api, count_queries):
    one = count_queries(lambda: api(opened.organiser).get("/api/v1/campaign-reports/"))
    for n in range(6):
        library = OrganisationFactory(name=f"Бібліотека {n}")
        member(library, f"Особа {n}")
        CampaignReport.objects.create(campaign=opened.campaign, organisation=library)
    assert count_queries(lambda: api(opened.organiser).get("/api/v1/campaign-reports/")) == one


def test_campaign_list_query_count_is_flat(opened, api, count_queries):
    one = count_queries(lambda: api(opened.organiser).get("/api/v1/campaigns/"))
    for n in range(4):
        services.create_campaign(
            by=opened.organiser, owner=opened.body, title=f"Звіт {n}", due_at=clock.now() + timedelta(days=5)
        )
    assert count_queries(lambda: api(opened.organiser).get("/api/v1/campaigns/")) == one


def test_bad_filter_values_are_refused(opened, api):
    client = api(opened.organiser)
    assert client.get(f"/api/v1/campaigns/{opened.campaign.pk}/history/?state=nonsense").status_code == 400
    assert client.get("/api/v1/campaign-reports/?state=nonsense").status_code == 400


def test_unknown_audience_codes_are_refused(world, api, draft_contest):
    body = {
        "owner": world.body.pk,
        "title": "Звіт",
        "due_at": "2031-03-20T16:00:00Z",
        "audience_regions": ["atlantis"],
    }
    refused = api(world.organiser).post("/api/v1/campaigns/", body, format="json")
    assert refused.status_code == 400 and "audience_regions" in refused.json()["errors"]
    body["audience_regions"], body["audience_kinds"] = ["lviv"], ["castle"]
    assert api(world.organiser).post("/api/v1/campaigns/", body, format="json").status_code == 400
