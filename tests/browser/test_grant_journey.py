"""A grantee finds the grant from the menu and submits a report (narrative, indicator actuals,
spending, a file); the grant officer opens the contest's grants dashboard, accepts the report and
records the payment of the tranche it released. axe-core checks every page on the way."""

import pytest
from playwright.sync_api import expect

from grants.models import Disbursement, GrantReport
from tests.browser.conftest import log_in
from tests.grants.conftest import World
from tests.grants.test_web import Funded

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def funded(db) -> Funded:
    return Funded(World())


def test_grantee_reports_and_officer_accepts_and_pays(page, live_server, funded, axe_check):
    grant, report = funded.grant, funded.report

    # The grantee: menu → grant → the first report's form.
    log_in(page, live_server, funded.world.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grants").click()
    page.get_by_role("heading", name="Grants", exact=True).wait_for()
    axe_check(page)
    page.get_by_role("link", name=grant.application.title).click()
    page.get_by_role("heading", name="Reports").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Interim report").first.click()
    page.get_by_role("heading", name="What was done").wait_for()
    axe_check(page)

    page.get_by_label("What was done in the period").fill("Навчили 120 відвідувачів користуватися Дією.")
    page.get_by_label("Відвідувачі навчені (осіб)").fill("120")
    page.get_by_label("Заходи (подій)").fill("5")
    page.get_by_label("Ноутбуки (planned 30000.00)").fill("28000.50")
    page.get_by_label("Files (photos, acts, invoices)").set_input_files(
        [{"name": "akt.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".messages")).to_contain_text("The report is submitted")
    expect(page.locator("#report-state")).to_have_text("Submitted")
    axe_check(page)

    # The grant officer: menu → the contest's dashboard → the report → accept.
    log_in(page, live_server, funded.world.officer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grants").click()
    page.get_by_role("link", name=funded.world.contest.title).click()
    page.get_by_role("heading", name="Grants of the contest").wait_for()
    axe_check(page)
    page.goto(f"/grants/reports/{report.pk}/")
    page.get_by_role("heading", name="Check the report").wait_for()
    axe_check(page)
    page.get_by_label("Accept the report").check()
    page.get_by_role("button", name="Send the decision").click()
    expect(page.locator(".messages")).to_contain_text("The report is accepted")
    expect(page.locator("#report-state")).to_have_text("Accepted")

    # The accepted report released the second tranche: record its payment.
    page.get_by_role("link", name="Back to the grant").click()
    page.get_by_role("link", name="Record the payment").click()
    page.get_by_role("heading", name="Record the payment").wait_for()
    axe_check(page)
    page.get_by_label("Paid on").fill("2025-04-02")
    page.get_by_label("Payment reference").fill("ПД-2025-0402")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator(".messages")).to_contain_text("The payment is recorded")
    expect(page.locator("#tranches")).to_contain_text("ПД-2025-0402")
    axe_check(page)

    assert GrantReport.objects.get(pk=report.pk).state == GrantReport.State.ACCEPTED
    tranche = Disbursement.objects.get(pk=funded.second.pk)
    assert tranche.state == Disbursement.State.PAID and tranche.payment_reference == "ПД-2025-0402"
    assert report.attachments.count() == 1
