"""An organiser creates a reporting campaign with a question and opens it to the libraries of a
region; a librarian finds it from the menu, fills it in and submits; the organiser returns it
for correction, the librarian corrects and submits again; the dashboard counts it as reported.
axe-core checks every page on the way."""

import pytest
from playwright.sync_api import expect

from accounts.regions import Region
from campaigns.models import Campaign, CampaignReport
from tests.browser.conftest import log_in
from tests.campaigns.conftest import member
from tests.factories import OrganisationFactory, UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db(transaction=True)


def test_campaign_journey(page, live_server, axe_check):
    organiser = UserFactory(full_name="Оксана Вигадана")
    grant(ready_contest(), organiser)  # organising a contest: may create campaigns
    body = OrganisationFactory(name="Обласна бібліотека Вигадана", region=Region.POLTAVA)
    library = OrganisationFactory(name="Бібліотека Альфа", region=Region.POLTAVA)
    OrganisationFactory(name="Бібліотека Бета", region=Region.LVIV)
    librarian = member(library, "Аліса Тестова")

    # The organiser: menu → new campaign → a question → open.
    log_in(page, live_server, organiser)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reporting").click()
    page.get_by_role("heading", name="Reporting", exact=True).wait_for()
    axe_check(page)
    page.get_by_role("link", name="New campaign").click()
    axe_check(page)
    page.get_by_label("Title").fill("Заходи з цифрової грамотності")
    page.get_by_label("Organising body").select_option(label=str(body))
    page.get_by_label("Due (Kyiv time)").fill("2031-03-20T18:00")
    page.get_by_label("Poltava Oblast").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#audience-count")).to_contain_text("2 organisations")  # the body and Alpha
    axe_check(page)
    page.locator("#id_label").fill("Які заходи проведено?")
    page.locator("#id_key").fill("measures")
    page.locator("#id_field_type").select_option(label="Long text")
    page.locator("#id_required").check()
    page.get_by_role("button", name="Add the question").click()
    expect(page.locator(".messages")).to_contain_text("The question is added")
    page.get_by_role("button", name="Open the campaign").click()
    expect(page.locator("#campaign-state")).to_have_text("Open")
    axe_check(page)
    campaign = Campaign.objects.get()
    report = CampaignReport.objects.get(campaign=campaign, organisation=library)

    # The librarian: menu → the report → fill in → submit.
    log_in(page, live_server, librarian)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reporting").click()
    axe_check(page)
    page.get_by_role("link", name=str(campaign)).click()
    page.get_by_label("Які заходи проведено?").fill("Курси для людей старшого віку.")
    axe_check(page)
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator("#report-state")).to_have_text("Submitted")

    # The organiser returns it with a note.
    log_in(page, live_server, organiser)
    page.goto(f"/campaigns/reports/{report.pk}/")
    axe_check(page)
    page.get_by_label("What to correct").fill("Додайте кількість учасників.")
    page.get_by_role("button", name="Return for correction").click()
    expect(page.locator("#report-state")).to_have_text("Returned for correction")

    # The librarian reads the note, corrects and submits again.
    log_in(page, live_server, librarian)
    page.goto(f"/campaigns/reports/{report.pk}/")
    expect(page.locator("#return-note")).to_contain_text("Додайте кількість учасників.")
    axe_check(page)
    page.get_by_label("Які заходи проведено?").fill("Курси для людей старшого віку: 40 учасників.")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator("#report-state")).to_have_text("Submitted")

    # The dashboard counts it.
    log_in(page, live_server, organiser)
    page.goto(f"/campaigns/{campaign.pk}/dashboard/")
    expect(page.locator("#total-submitted")).to_have_text("1")
    axe_check(page)
    assert CampaignReport.objects.get(pk=report.pk).state == CampaignReport.State.SUBMITTED
