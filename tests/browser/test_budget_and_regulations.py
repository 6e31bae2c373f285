"""Issue 15, points 9 and 12 in the browser, with axe-core on every page:
the organiser uploads the regulations on the contest's edit page and sees the download link;
the grant officer raises the grant budget after the announcement, and lowering it below the
committed grants shows the field error."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from contests.models import Contest
from tests.browser.conftest import log_in
from tests.factories import UserFactory, grant, ready_contest
from tests.grants.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FLOOR = "The grant budget cannot be lower than the grants already committed."


def test_organiser_uploads_the_regulations_and_sees_them(page, live_server, axe_check, tmp_path):
    organiser = UserFactory(full_name="Організаторка Вигадана")
    contest = ready_contest(title="Конкурс з положенням")
    grant(contest, organiser)
    log_in(page, live_server, organiser)

    page.goto(f"/organise/contests/{contest.pk}/edit/")
    axe_check(page)
    fake = tmp_path / "regulations.pdf"
    fake.write_bytes(b"MZ not a pdf")
    page.get_by_label("Regulations document").set_input_files(str(fake))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_regulations_document_errors")).to_contain_text("not accepted")
    axe_check(page)
    assert not Contest.objects.get(pk=contest.pk).regulations_document

    real = tmp_path / "положення.pdf"
    real.write_bytes(PDF)
    page.get_by_label("Regulations document").set_input_files(str(real))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The contest was saved.")).to_be_visible()
    assert Contest.objects.get(pk=contest.pk).regulations_document

    page.goto(f"/contests/{contest.pk}/")
    axe_check(page)
    link = page.locator(f'a[href="/contests/{contest.pk}/regulations/"]').first
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body() == PDF


def test_grant_officer_raises_the_budget_after_the_announcement(page, live_server, axe_check):
    world = World()
    world.offer("40000.00")
    log_in(page, live_server, world.officer)

    page.goto(f"/grants/contests/{world.contest.pk}/")
    axe_check(page)
    form = page.locator("#grant-budget")
    form.get_by_label("Grant budget").fill("30000.00")
    form.get_by_role("button", name="Save the grant budget").click()
    expect(page.locator("#id_grant_budget_errors")).to_contain_text(FLOOR)
    expect(page.get_by_label("Grant budget")).to_have_value("30000.00")
    axe_check(page)
    assert Contest.objects.get(pk=world.contest.pk).grant_budget == Decimal("100000.00")

    page.get_by_label("Grant budget").fill("150000.00")
    page.get_by_role("button", name="Save the grant budget").click()
    expect(page.get_by_text("The grant budget was saved.")).to_be_visible()
    expect(page.locator('[data-figure="budget"]')).to_contain_text("150")
    axe_check(page)
    assert Contest.objects.get(pk=world.contest.pk).grant_budget == Decimal("150000.00")
