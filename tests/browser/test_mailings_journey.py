"""An organiser writes a mailing for the contest's applicants, sees the preview with the count,
sends it and watches the progress and the recipients; a visitor subscribes to the depository's
news. axe-core checks every page on the way."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from mailings.models import Mailing
from tests.browser.conftest import log_in
from tests.mailings.conftest import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(organiser, other_organiser) -> World:
    return build_world(organiser, other_organiser)


def test_organiser_composes_previews_and_sends(page, live_server, world, organiser, axe_check):
    log_in(page, live_server, organiser)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mailings").click()
    page.get_by_role("heading", name="Mailings", exact=True).wait_for()
    axe_check(page)
    page.get_by_role("link", name=f"Mailings of {world.contest.title}").click()
    page.get_by_role("link", name="New mailing").click()
    page.get_by_role("heading", name="New mailing").wait_for()
    axe_check(page)
    ukrainian = page.get_by_role("group", name="Ukrainian (required)")
    ukrainian.get_by_label("Subject").fill("Запрошення на вебінар")
    ukrainian.get_by_label("Text").fill("Приходьте у четвер о 15:00.")
    page.get_by_role("group", name="English (optional: Ukrainian is sent instead)").get_by_label(
        "Subject"
    ).fill("An invitation to a webinar")
    page.get_by_label("Applicants", exact=True).check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("It would reach 2 people now.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Send the mailing").click()
    expect(page.locator(".messages")).to_contain_text("The mailing is being sent.")
    page.get_by_role("heading", name="Progress").wait_for()
    axe_check(page)
    assert Mailing.objects.get().state in (Mailing.State.SENDING, Mailing.State.SENT)
    page.get_by_role("link", name="Who it was sent to").click()
    expect(page.get_by_text(world.ann.email)).to_be_visible()
    axe_check(page)
    assert len(mail.outbox) == 2


def test_visitor_subscribes(page, live_server, db, axe_check):
    page.goto("/mailings/subscribe/")
    page.get_by_role("heading", level=1).wait_for()
    axe_check(page)
    page.get_by_role("textbox").first.fill("not an address")
    page.locator("button[type=submit]").last.click()
    axe_check(page)
    page.get_by_role("textbox").first.fill("reader@example.org")
    page.locator("button[type=submit]").last.click()
    expect(page.get_by_text("reader@example.org")).to_be_visible()
    axe_check(page)
