"""Two staff of one library with the same application open in two browsers (issue 18, point 1):
the second one's autosave does not overwrite the first one's answer; the page shows who changed
it and when, both values, and lets them choose; axe-core checks the page with the conflict."""

import pytest
from django.test import Client

from applications import services
from contests import services as contest_services
from tests.applications.conftest import add_form
from tests.factories import OrganisationFactory, UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_staff():
    organiser = UserFactory()
    contest = ready_contest()
    grant(contest, organiser)
    add_form(contest)
    contest = contest_services.publish_contest(contest, by=organiser)
    library = OrganisationFactory()
    anna, bohdan = UserFactory(full_name="Анна Перша"), UserFactory(full_name="Богдан Другий")
    for user in (anna, bohdan):
        library.memberships.create(user=user)
    application = services.start_application(
        organisation=library, contest=contest, nomination=contest.nominations.get(), title="Е-черга", by=anna
    )
    return application, anna, bohdan


def open_as(browser, live_server, user, url):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(url)
    return context, page


def autosave(page, selector: str, value: str) -> None:
    page.locator(selector).fill(value)
    page.locator("#id_title").click()  # leaving the field fires its change: the form autosaves


def test_two_pages_one_application_nothing_typed_is_lost(browser, live_server, two_staff, axe_check):
    application, anna, bohdan = two_staff
    url = f"/applications/{application.pk}/edit/"
    first_context, first = open_as(browser, live_server, anna, url)
    second_context, second = open_as(browser, live_server, bohdan, url)
    try:
        autosave(first, "#id_answer_short", "Відповідь Анни")
        first.locator("#save-status").filter(has_text="Saved at").wait_for()

        # Bohdan's page was loaded before Anna saved: his answer is kept back, not saved over hers.
        autosave(second, "#id_answer_short", "Відповідь Богдана")
        conflict = second.locator("#conflict-short")
        conflict.wait_for()
        assert "Changed by Анна Перша at" in conflict.inner_text()
        assert conflict.locator(".conflict__stored").inner_text() == "Відповідь Анни"
        assert conflict.locator(".conflict__mine").inner_text() == "Відповідь Богдана"
        assert second.locator("#id_answer_short").input_value() == "Відповідь Богдана"  # kept
        application.refresh_from_db()
        assert application.answers["short"] == "Відповідь Анни"
        axe_check(second)

        # He keeps his: saved, the conflict goes away.
        conflict.get_by_label("Keep my answer").check()  # a change: the form autosaves
        second.locator("#conflict-short").wait_for(state="detached")
        second.locator("#save-status").filter(has_text="Saved at").wait_for()
        application.refresh_from_db()
        assert application.answers["short"] == "Відповідь Богдана"

        # Anna's page is now behind: her next answer to the same question meets his; she takes his.
        autosave(first, "#id_answer_short", "Ще одна відповідь Анни")
        theirs = first.locator("#conflict-short")
        theirs.wait_for()
        assert "Changed by Богдан Другий at" in theirs.inner_text()
        theirs.get_by_label("Take the saved answer").check()
        assert first.locator("#id_answer_short").input_value() == "Відповідь Богдана"
        first.locator("#conflict-short").wait_for(state="detached")
        application.refresh_from_db()
        assert application.answers["short"] == "Відповідь Богдана"
    finally:
        first_context.close()
        second_context.close()
