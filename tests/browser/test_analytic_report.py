"""An organiser writes an analytic report from the contest's page, cites a case, publishes it;
a visitor finds it from the footer and reads it. axe-core checks every page on the way."""

import pytest
from playwright.sync_api import expect

from reports.models import AnalyticReport
from tests.analytic.conftest import Analytic
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_writes_and_publishes_and_the_public_reads(page, live_server, axe_check):
    world = Analytic()
    log_in(page, live_server, world.organiser)
    page.goto(f"/reports/contests/{world.contest.pk}/analytic/")
    page.get_by_role("heading", name="Analytic reports").wait_for()
    axe_check(page)
    page.get_by_label("Title").fill("Підсумки для громад")
    page.get_by_label("Findings").fill("Бібліотеки стали центрами е-послуг.\n\nНайбільше — у Львові.")
    page.get_by_label(world.cases[0].title, exact=False).check()
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("heading", name="Підсумки для громад").wait_for()
    axe_check(page)
    report = AnalyticReport.objects.get(title="Підсумки для громад")
    page.locator("summary", has_text="Publish the report").click()  # the step's form, with a note
    page.get_by_role("button", name="Publish the report").click()
    expect(page.locator(".messages")).to_contain_text("Published")
    report.refresh_from_db()
    assert report.is_published

    page.context.clear_cookies()
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Analytic reports").click()
    page.get_by_role("link", name="Підсумки для громад").click()
    page.get_by_role("heading", name="Findings").wait_for()
    expect(page.get_by_role("link", name="Download as PDF")).to_be_visible()
    axe_check(page)
