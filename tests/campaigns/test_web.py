import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from campaigns import services
from campaigns.models import Campaign, CampaignReport
from core import clock


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_organiser_creates_a_campaign_and_bad_input_keeps_what_was_typed(world, organiser, draft_contest):
    # organising a contest puts the organiser among those who may create campaigns
    web = client_for(organiser)
    bad = web.post("/campaigns/new/", {"title": "Звіт за рік", "owner": world.body.pk, "due_at": "не дата"})
    assert bad.status_code == 400
    assert "Звіт за рік" in bad.content.decode()
    assert Campaign.objects.count() == 1
    good = web.post(
        "/campaigns/new/",
        {
            "title": "Звіт за рік",
            "owner": world.body.pk,
            "due_at": "2031-03-20T18:00",
            "audience_regions": ["lviv"],
        },
    )
    assert good.status_code == 302
    made = Campaign.objects.get(title="Звіт за рік")
    assert made.due_at.isoformat() == "2031-03-20T16:00:00+00:00"  # 18:00 in Kyiv
    page = web.get(f"/campaigns/{made.pk}/")
    assert "1 organisation." in page.content.decode()  # the audience count preview


def test_librarian_may_not_create_campaigns(world):
    assert client_for(world.alice).get("/campaigns/new/").status_code == 403


def test_question_and_open_from_the_page(world, organiser):
    web = client_for(organiser)
    bad = web.post(
        f"/campaigns/{world.campaign.pk}/questions/",
        {"label": "Тип", "key": "t", "field_type": "single_choice"},
    )
    assert bad.status_code == 400 and "at least two choices" in bad.content.decode()
    ok = web.post(
        f"/campaigns/{world.campaign.pk}/questions/",
        {"label": "Тип", "key": "kind", "field_type": "single_choice", "choices": "А\nБ"},
    )
    assert ok.status_code == 302
    web.post(f"/campaigns/{world.campaign.pk}/step/open/")
    assert Campaign.objects.get(pk=world.campaign.pk).state == Campaign.State.OPEN
    assert CampaignReport.objects.filter(campaign=world.campaign).count() == 2


def test_librarian_fills_in_submits_and_sees_the_return_note(opened):
    web = client_for(opened.alice)
    home = web.get("/campaigns/")
    assert opened.campaign.title in home.content.decode()
    url = f"/campaigns/reports/{opened.report.pk}/"
    refused = web.post(url, {"submit": "1", "answer_measures": "", f"indicator_{opened.indicator.pk}": "5"})
    assert refused.status_code == 400
    assert CampaignReport.objects.get(pk=opened.report.pk).state == CampaignReport.State.DUE
    web.post(
        url, {"submit": "1", "answer_measures": "Курси для старших", f"indicator_{opened.indicator.pk}": "5"}
    )
    assert CampaignReport.objects.get(pk=opened.report.pk).state == CampaignReport.State.SUBMITTED
    organiser = client_for(opened.organiser)
    organiser.post(
        f"/campaigns/reports/{opened.report.pk}/step/return_for_correction/",
        {"return_for_correction-note": "Додайте кількість учасників"},
    )
    assert CampaignReport.objects.get(pk=opened.report.pk).state == CampaignReport.State.RETURNED
    page = web.get(url).content.decode()
    assert "Додайте кількість учасників" in page


def test_other_organisations_and_the_public_see_nothing(opened):
    url = f"/campaigns/reports/{opened.report.pk}/"
    assert client_for(opened.bohdan).get(url).status_code == 404
    assert client_for(opened.hanna).get(f"/campaigns/{opened.campaign.pk}/").status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    assert client_for(opened.alice).get(f"/campaigns/{opened.campaign.pk}/dashboard/").status_code == 403


def test_stale_save_is_refused_and_keeps_the_text(opened):
    web = client_for(opened.alice)
    url = f"/campaigns/reports/{opened.report.pk}/"
    services.save_report(opened.report, by=opened.bohdan, answers={"measures": "Чужий текст"})
    response = web.post(url, {"save": "1", "version": "1", "answer_measures": "Мій текст"})
    assert response.status_code == 400
    assert "Мій текст" in response.content.decode()
    assert CampaignReport.objects.get(pk=opened.report.pk).answers == {"measures": "Чужий текст"}


def test_dashboard_and_exports(opened):
    report = services.save_report(
        opened.report,
        by=opened.alice,
        answers={"measures": "=HYPERLINK(1)"},
        actuals={opened.indicator.pk: "4"},
    )
    services.submit_report(report, by=opened.alice)
    web = client_for(opened.organiser)
    with time_machine.travel(clock.now() + timedelta(days=11)):
        page = web.get(f"/campaigns/{opened.campaign.pk}/dashboard/").content.decode()
    assert 'id="total-submitted">1<' in page and 'id="total-late">1<' in page
    assert "<svg" in page
    csv = b"".join(web.get(f"/campaigns/{opened.campaign.pk}/export.csv").streaming_content).decode()
    assert "Бібліотека Альфа" in csv and "'=HYPERLINK(1)" in csv
    xlsx = web.get(f"/campaigns/{opened.campaign.pk}/export.xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert client_for(opened.alice).get(f"/campaigns/{opened.campaign.pk}/export.csv").status_code == 403


def test_organisation_page_lists_its_reports(opened):
    page = client_for(opened.alice).get(f"/accounts/organisations/{opened.poltava.pk}/")
    if page.status_code == 404:
        pytest.skip("no organisation page at this address")
    assert opened.campaign.title in page.content.decode()


def test_file_answer_is_checked_by_content(opened):
    from campaigns.models import CampaignQuestion

    CampaignQuestion.objects.create(  # the service adds questions to drafts only
        campaign=opened.campaign, key="act", label="Акт", field_type="file"
    )
    web = client_for(opened.alice)
    fake = io.BytesIO(b"not a pdf at all")
    fake.name = "act.pdf"
    response = web.post(
        f"/campaigns/reports/{opened.report.pk}/", {"save": "1", "answer_measures": "Курси", "file_act": fake}
    )
    assert response.status_code == 400
    assert not opened.report.attachments.exists()
    pdf = io.BytesIO(b"%PDF-1.4\n% invented\n%%EOF\n")
    pdf.name = "../../etc/act.pdf"
    web.post(
        f"/campaigns/reports/{opened.report.pk}/", {"save": "1", "answer_measures": "Курси", "file_act": pdf}
    )
    attachment = opened.report.attachments.get()
    assert "etc" not in attachment.file.name
    download = web.get(f"/campaigns/reports/{opened.report.pk}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert (
        client_for(opened.bohdan)
        .get(f"/campaigns/reports/{opened.report.pk}/files/{attachment.pk}/")
        .status_code
        == 404
    )


def test_repeat_every_year_from_the_page(world):
    web = client_for(world.organiser)
    bad = web.post(
        f"/campaigns/{world.campaign.pk}/schedules/", {"days": "31-99", "lead_days": 30, "due_hour": 18}
    )
    assert bad.status_code == 400 and "31-99" in bad.content.decode()
    assert not world.campaign.schedules.exists()
    ok = web.post(
        f"/campaigns/{world.campaign.pk}/schedules/",
        {"days": "03-20, 10-20", "lead_days": 30, "due_hour": 18},
    )
    assert ok.status_code == 302
    assert world.campaign.schedules.get().days == ["03-20", "10-20"]
    assert client_for(world.alice).post(f"/campaigns/{world.campaign.pk}/schedules/", {}).status_code == 404


def test_return_with_the_date_left_empty(opened):
    report = services.save_report(opened.report, by=opened.alice, answers={"measures": "Курси"})
    services.submit_report(report, by=opened.alice)
    client_for(opened.organiser).post(
        f"/campaigns/reports/{report.pk}/step/return_for_correction/",
        {"return_for_correction-note": "Уточніть", "return_for_correction-correct_by": ""},
    )
    assert CampaignReport.objects.get(pk=report.pk).state == CampaignReport.State.RETURNED
