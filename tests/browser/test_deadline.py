"""Issue 15, point 11 in the browser, with axe-core: the organiser moves a published deadline
earlier on the contest's edit page; without a reason and inside the notice period the page says
why, forced with a reason it is saved and shows in the contest's history."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from contests import services
from contests.models import Contest
from core import clock
from tests.browser.conftest import log_in
from tests.factories import UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db(transaction=True)


def test_organiser_moves_a_published_deadline_with_a_reason(page, live_server, axe_check):
    organiser = UserFactory(full_name="Організаторка Вигадана")
    contest = ready_contest(title="Конкурс із дедлайном")
    grant(contest, organiser)
    services.publish_contest(contest, by=organiser)
    stored = Contest.objects.get(pk=contest.pk).closes_at
    log_in(page, live_server, organiser)

    page.goto(f"/organise/contests/{contest.pk}/edit/")
    axe_check(page)
    soon = contest.local(clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#id_closes_at").fill(soon)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_deadline_change_reason_errors")).to_contain_text("Give the reason")
    expect(page.locator("#id_closes_at_errors")).to_contain_text("at least 7 days")
    axe_check(page)
    assert Contest.objects.get(pk=contest.pk).closes_at == stored

    page.locator("#id_closes_at").fill(soon)
    page.get_by_label("Reason for moving the deadline").fill("Скорочено фінансування програми")
    page.get_by_label("Force: bring the deadline closer than the notice period").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The contest was saved.")).to_be_visible()
    expect(page.get_by_text("Скорочено фінансування програми")).to_be_visible()
    axe_check(page)
    assert Contest.objects.get(pk=contest.pk).closes_at < stored
