"""An organiser invites a library's published case to a congress; the library finds the invitation
in the menu and confirms; the organiser publishes the programme, which the public reads with the
case linked. axe-core checks every page on the way."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from congress import services
from congress.models import Invitation
from core import clock
from tests.browser.conftest import log_in
from tests.congress.builders import announced_contest, published_case
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invite_confirm_publish(page, live_server, axe_check):
    organiser = UserFactory(full_name="Організаторка З'їзду")
    contest = announced_contest(organiser)
    case = published_case(contest, organiser, 1, "Бібліотека як центр е-послуг")
    starts = clock.now() + timedelta(days=30)
    event = services.create_event(
        by=organiser,
        title="Форум бібліотечних практик",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        place="Київ",
        contest=contest,
    )

    # The organiser: the event's page → pick the case → invite with a deadline.
    log_in(page, live_server, organiser)
    page.goto(f"/congress/manage/{event.pk}/")
    page.get_by_role("heading", name=event.title).wait_for()
    axe_check(page)
    page.get_by_role("link", name="Invite cases from the depository").click()
    page.get_by_role("heading", name="Invite cases from the depository").wait_for()
    axe_check(page)
    page.get_by_label(f"№{case.practice.pk} Бібліотека як центр е-послуг", exact=False).check()
    deadline = clock.local(clock.now() + timedelta(days=7), "Europe/Kyiv").strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Answer by").fill(deadline)
    page.get_by_role("button", name="Invite the chosen cases").click()
    expect(page.locator(".messages")).to_contain_text("libraries are invited")
    axe_check(page)

    # The library: the menu → its invitations → confirm.
    log_in(page, live_server, case.member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations to present").click()
    page.get_by_role("heading", name="Invitations to present", exact=True).wait_for()
    axe_check(page)
    page.get_by_role("button", name="Confirm: we will present").click()
    expect(page.locator(".messages")).to_contain_text("Confirm")
    assert Invitation.objects.get().state == Invitation.State.CONFIRMED

    # The organiser publishes; the public reads the programme.
    log_in(page, live_server, organiser)
    page.goto(f"/congress/manage/{event.pk}/")
    page.get_by_role("button", name="Publish the programme").click()
    expect(page.locator(".messages")).to_contain_text("Publish the programme")
    axe_check(page)
    page.context.clear_cookies()
    page.goto(f"/congress/{event.pk}/")
    page.get_by_role("heading", name="Programme").wait_for()
    axe_check(page)
    expect(page.get_by_role("link", name="Бібліотека як центр е-послуг")).to_have_attribute(
        "href", f"/practices/{case.practice.pk}/"
    )
