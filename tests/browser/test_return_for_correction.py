"""Screening after the call closed (issue 15, point 2): the organiser returns an application from
its screening page with a note and a correction deadline in the contest's time zone; the
applicant reads both on the application's page, corrects it and submits it again. axe-core
checks each page on the way."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from applications import services
from applications.models import Application
from contests import services as contest_services
from tests.applications.conftest import REQUIRED_ANSWERS, add_form, pdf_upload
from tests.factories import OrganisationFactory, UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def screening():
    """A submitted application of a call its organiser closed: screening time."""
    organiser = UserFactory(full_name="Оксана Організаторка")
    contest = ready_contest()
    grant(contest, organiser)
    add_form(contest)
    contest = contest_services.publish_contest(contest, by=organiser)
    library = OrganisationFactory()
    librarian = UserFactory(full_name="Марта Вигадана")
    library.memberships.create(user=librarian, is_admin=True)
    application = services.start_application(
        organisation=library,
        contest=contest,
        nomination=contest.nominations.get(),
        title="Клуб настільних ігор",
        by=librarian,
    )
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=librarian)
    services.add_attachment(application, field_key="plan", upload=pdf_upload(), by=librarian)
    application = services.submit_application(application, by=librarian)
    contest_services.close_contest(contest, by=organiser, force=True, note="Прийом завершено")
    return application, organiser, librarian


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


def test_organiser_returns_after_close_applicant_corrects_and_resubmits(
    browser, live_server, screening, axe_check
):
    application, organiser, librarian = screening
    kyiv_deadline = (timezone.now() + timedelta(days=4)).astimezone(ZoneInfo("Europe/Kyiv"))
    typed = kyiv_deadline.strftime("%Y-%m-%dT%H:%M")
    shown = f"{kyiv_deadline.day} {kyiv_deadline.strftime('%B %Y, %H:%M')}"  # the viewer's own zone: unnamed

    context, page = open_as(browser, live_server, organiser, f"/applications/{application.pk}/screening/")
    try:
        page.get_by_role("heading", name="Return for correction").wait_for()
        assert "Europe/Kyiv" in page.locator("#screen-heading").locator("xpath=..").inner_text()
        deadline_input = page.locator("#id_return_for_correction-correct_by")
        assert deadline_input.get_attribute("type") == "datetime-local"
        axe_check(page)

        # Without a correction deadline the return is refused with the reason; nothing changes.
        page.locator("#id_return_for_correction-note").fill("Додайте кошторис до плану.")
        page.get_by_role("button", name="Return for correction").click()
        page.get_by_role("alert").first.wait_for()
        assert "set a correction deadline" in page.get_by_role("alert").first.inner_text()
        application.refresh_from_db()
        assert application.state == Application.State.SUBMITTED
        axe_check(page)

        page.locator("#id_return_for_correction-note").fill("Додайте кошторис до плану.")
        page.locator("#id_return_for_correction-correct_by").fill(typed)
        page.get_by_role("button", name="Return for correction").click()
        page.locator("#correction-deadline").wait_for()
        assert "Done: Return for correction. Now: Returned for correction." in page.content()
        assert shown in page.locator("#correction-deadline").inner_text()
        application.refresh_from_db()
        assert application.state == Application.State.RETURNED
        assert application.correct_by == kyiv_deadline.replace(second=0, microsecond=0)
        axe_check(page)
    finally:
        context.close()

    context, page = open_as(browser, live_server, librarian, f"/applications/{application.pk}/")
    try:
        notice = page.locator("#returned-for-correction")
        notice.wait_for()
        assert "Додайте кошторис до плану." in notice.inner_text()
        assert shown in notice.inner_text()
        axe_check(page)

        page.get_by_role("link", name="Continue editing").click()
        page.locator("#correction-deadline").wait_for()
        assert shown in page.locator("#correction-deadline").inner_text()
        axe_check(page)
        page.locator("#id_answer_long").fill("Кошторис додано: 12 000 грн на ігри та меблі.")
        page.get_by_role("button", name="Submit the application").click()
        page.get_by_text("Your application was submitted.").wait_for()
        axe_check(page)
    finally:
        context.close()

    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert application.revisions.count() == 2
    assert application.answers["long"].startswith("Кошторис додано")
