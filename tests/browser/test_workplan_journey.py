"""The grantee fills the project card, adds two activities to the work plan and marks one done
with a note; the grant officer finds the other, late, on the contest's grants dashboard and
opens the printable plan with its months table. axe-core checks every page on the way."""

import pytest
from playwright.sync_api import expect

from grants.models import PlanActivity, ProjectCard
from tests.browser.conftest import log_in
from tests.grants.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(db) -> World:
    return World()


def test_grantee_plans_and_officer_sees_the_late_activity(page, live_server, world, axe_check):
    grant = world.active()  # runs through 2025: by now every open activity of it is late

    # The grantee: the grant's page → the project card.
    log_in(page, live_server, world.member)
    page.goto(f"/grants/{grant.pk}/")
    page.get_by_role("heading", name="Project card and work plan").wait_for()
    page.get_by_role("main").get_by_role("link", name="Project card", exact=True).click()
    page.get_by_role("heading", name="Project card", exact=True).wait_for()
    axe_check(page)
    page.get_by_label("Organiser").fill("Публічна бібліотека Вигадана")
    page.get_by_label("Project manager").fill("Оксана Вигадана")
    page.get_by_label("Funding source", exact=True).first.fill("Кошти громади")
    # No amount for the source: refused.
    page.get_by_role("button", name="Save the project card").click()
    # Bad input: a clear message, what was typed is kept.
    expect(page.locator(".error-summary").first).to_be_visible()
    expect(page.get_by_label("Organiser")).to_have_value("Публічна бібліотека Вигадана")
    axe_check(page)
    page.get_by_label("Amount", exact=True).first.fill("12000")
    page.get_by_role("button", name="Save the project card").click()
    expect(page.locator(".messages")).to_contain_text("The project card is saved")
    expect(page.locator("#funding")).to_contain_text("Кошти громади")
    axe_check(page)

    # The work plan: two activities.
    page.get_by_role("link", name="Work plan", exact=True).click()
    page.get_by_role("heading", name="Work plan", exact=True).wait_for()
    axe_check(page)
    for title, start, end, deadline in (
        ("Закупівля ноутбуків", "2025-02-01", "2025-02-01", "2025-02-28"),
        ("Навчання відвідувачів", "2025-03-01", "2025-05-01", "2025-05-31"),
    ):
        page.get_by_label("Activity (required)", exact=True).fill(title)
        page.get_by_label("Responsible").fill("Оксана Вигадана")
        page.get_by_label("From month").select_option(start)
        page.get_by_label("To month").select_option(end)
        page.get_by_label("Deadline").fill(deadline)
        page.get_by_role("button", name="Add the activity").click()
        expect(page.locator(".messages")).to_contain_text("The activity is added")
    expect(page.locator("#activities tbody tr")).to_have_count(2)
    axe_check(page)

    # The first is done: its evidence is a note.
    page.get_by_role("link", name="Mark as done — Закупівля ноутбуків").click()
    page.get_by_role("heading", name="Mark as done").wait_for()
    axe_check(page)
    page.get_by_role("button", name="Mark as done").click()  # no evidence: refused
    expect(page.locator(".error-summary").first).to_be_visible()
    axe_check(page)
    page.get_by_label("What was done").fill("Закуплено 5 ноутбуків, акт підписано.")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".messages")).to_contain_text("The activity is marked done")
    assert PlanActivity.objects.get(title="Закупівля ноутбуків").state == PlanActivity.State.DONE
    assert ProjectCard.objects.get(grant=grant).manager_name == "Оксана Вигадана"

    # The grant officer: the contest's dashboard lists the late one, not the done one.
    log_in(page, live_server, world.officer)
    page.goto(f"/grants/contests/{world.contest.pk}/")
    late = page.locator("#late-activities")
    expect(late).to_contain_text("Навчання відвідувачів")
    expect(late).not_to_contain_text("Закупівля ноутбуків")
    axe_check(page)
    late.get_by_role("link", name="Навчання відвідувачів").click()
    page.get_by_role("heading", name="Work plan", exact=True).wait_for()
    page.get_by_role("link", name="Printable plan (activities × months)").click()
    page.get_by_role("heading", name="Calendar plan of the project").wait_for()
    table = page.locator("#plan-months")
    expect(table.locator("thead th.month")).to_have_count(12)
    expect(table.locator("tbody tr").nth(1).locator("td.on")).to_have_count(3)
    axe_check(page)
