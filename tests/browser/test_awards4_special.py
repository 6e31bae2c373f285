"""The jury chair gives a special award with a reason on the contest's special awards page; after
the announcement the organiser issues certificates of participation, and a library's member
finds theirs in "My diplomas". axe-core checks every page on the way."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from awards import special
from awards.models import Diploma, SpecialAwardChoice
from tests.awards4.conftest import announce
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def finished(organiser):
    from tests.awards.conftest import Finished

    return Finished(organiser)


def test_chair_gives_award_and_member_downloads_certificate(page, live_server, finished, axe_check):
    contest = finished.contest
    award = special.create_award(contest, title="Найкраще використання ресурсів")
    application = finished.applications[1]

    log_in(page, live_server, finished.chair)
    page.goto(f"/awards/contests/{contest.pk}/special/")
    page.get_by_role("heading", name="Special awards", exact=True).wait_for()
    axe_check(page)
    page.get_by_role("button", name="Give the award").click()  # no reason: refused, nothing kept
    expect(page.locator(".error-summary")).to_contain_text("Reason")
    assert not SpecialAwardChoice.objects.exists()
    axe_check(page)
    page.get_by_label("Application").select_option(str(application.pk))
    page.get_by_label("Reason").fill("Зробили багато з малого")
    page.get_by_role("button", name="Give the award").click()
    expect(page.locator(".messages")).to_contain_text("The award is given")
    assert SpecialAwardChoice.objects.get(award=award).reason == "Зробили багато з малого"

    announce(finished)
    connection.close()
    log_in(page, live_server, finished.organiser)
    page.goto(f"/awards/contests/{contest.pk}/special/")
    page.get_by_role("button", name="Issue participation certificates").click()
    expect(page.locator(".messages")).to_contain_text("Issuing started")
    axe_check(page)
    certificate = Diploma.objects.get(kind=Diploma.Kind.PARTICIPATION, application=application)

    log_in(page, live_server, finished.members[application.pk])
    page.goto("/awards/my-documents/")
    page.get_by_role("heading", name="My diplomas and certificates").wait_for()
    expect(page.locator("table")).to_contain_text(certificate.code)
    axe_check(page)
    page.goto(f"/diplomas/verify/{certificate.code}/")
    expect(page.locator("#found")).to_contain_text("This document is genuine.")
    axe_check(page)
