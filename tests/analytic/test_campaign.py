"""Analytic reports on a reporting campaign: written by its managers, figures from
campaigns.selectors.campaign_summary, public once the campaign was opened and the report published."""

from decimal import Decimal

from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import Campaign
from reports import services

URL = "/api/v1/analytic-reports/"


def test_the_manager_writes_a_report_with_the_campaigns_figures(api, opened):
    campaign_services.save_report(
        opened.report, by=opened.alice, answers={"measures": "Три заняття"}, actuals={opened.indicator.pk: 5}
    )
    campaign_services.submit_report(opened.report, by=opened.alice)
    client = api(opened.organiser)
    created = client.post(
        URL, {"campaign": opened.campaign.pk, "title": "Огляд", "summary": "Так"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["campaign"] == opened.campaign.pk and created.json()["contest"] is None
    figures = client.get(f"{URL}{created.json()['id']}/figures/").json()
    overview = {line["label"]: Decimal(line["value"]) for line in figures["overview"]}
    assert overview["Organisations asked to report"] == 2
    assert overview["Reports submitted"] == 1
    totals = {(t["indicator"], t["region"]): Decimal(t["actual"]) for t in figures["indicator_totals"]}
    assert totals[("Events", "poltava")] == Decimal(5)
    regions = {row["region"]: (row["requested"], row["submitted"]) for row in figures["by_region"]}
    assert regions == {"poltava": (1, 1), "lviv": (1, 0)}
    xlsx = client.get(f"{URL}{created.json()['id']}/xlsx/")
    assert xlsx.status_code == 200


def test_only_the_managers_write_and_read_drafts(api, opened):
    body = {"campaign": opened.campaign.pk, "title": "Чужий"}
    assert api(opened.alice).post(URL, body, format="json").status_code == 403
    report = services.create_report(opened.campaign, by=opened.organiser, title="Чернетка", summary="Так")
    assert api(opened.alice).get(f"{URL}{report.pk}/").status_code == 404
    assert api(opened.organiser).get(f"{URL}{report.pk}/").status_code == 200


def test_give_either_a_contest_or_a_campaign(api, opened, analytic):
    body = {"campaign": opened.campaign.pk, "contest": analytic.contest.pk, "title": "Обидва"}
    assert api(opened.organiser).post(URL, body, format="json").status_code == 400
    assert api(opened.organiser).post(URL, {"title": "Жоден"}, format="json").status_code == 400


def test_a_published_report_is_public_once_the_campaign_is_opened(api, web, world):
    report = services.create_report(world.campaign, by=world.organiser, title="Рано", summary="Так")
    services.publish(report, by=world.organiser)
    assert api().get(f"{URL}{report.pk}/").status_code == 404  # the campaign is a draft
    campaign_services.open_campaign(world.campaign, by=world.organiser)
    assert Campaign.objects.get(pk=world.campaign.pk).state == Campaign.State.OPEN
    assert api().get(f"{URL}{report.pk}/").status_code == 200
    page = web().get(reverse("reports:analytic_detail", args=[report.pk]))
    assert page.status_code == 200 and "Рано" in page.content.decode()


def test_the_campaigns_reports_page_is_its_managers(web, opened):
    url = reverse("reports:analytic_campaign", args=[opened.campaign.pk])
    assert web(opened.alice).get(url).status_code == 404
    response = web(opened.organiser).post(url, {"title": "Огляд з вебу", "findings": "Висновки"})
    assert response.status_code == 302
    assert opened.campaign.analytic_reports.get().title == "Огляд з вебу"
