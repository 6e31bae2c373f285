"""A juror declares a conflict of interest with an organisation from their page (a mistake is
refused on the form), the organiser finds it on the contest's jury page and rejects it with a
reason; axe-core checks both pages."""

import pytest
from playwright.sync_api import expect

from review.models import OrganisationConflict
from tests.browser.conftest import log_in
from tests.review.conftest import Jury

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def jury(organiser) -> Jury:
    return Jury(organiser)


def test_juror_declares_and_organiser_rejects(page, live_server, jury, axe_check):
    juror = jury.jurors[1]
    organisation = jury.applications[1].organisation

    log_in(page, live_server, juror.user)
    page.goto("/jury/")
    page.get_by_role("link", name="Declare a conflict of interest with an organisation").click()
    page.get_by_role("heading", name="My conflicts of interest").wait_for()
    axe_check(page)

    # Without a note: refused on the form, nothing recorded.
    page.locator("#id_organisation").select_option(str(organisation.pk))
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.locator("#id_note_errors, .errorlist").first).to_be_visible()
    assert not OrganisationConflict.objects.exists()
    axe_check(page)

    page.locator("#id_organisation").select_option(str(organisation.pk))
    page.locator("#id_note").fill("Я консультувала цю бібліотеку торік.")
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.locator(".messages")).to_contain_text("is recorded")
    expect(page.get_by_role("table")).to_contain_text(organisation.name)
    axe_check(page)
    declaration = OrganisationConflict.objects.get()
    assert declaration.juror == juror and declaration.state == OrganisationConflict.State.PENDING

    log_in(page, live_server, jury.organiser)
    page.goto(f"/jury/contests/{jury.contest.pk}/")
    section = page.locator("#declarations")
    expect(section).to_contain_text(organisation.name)
    expect(section).to_contain_text("Я консультувала цю бібліотеку торік.")
    axe_check(page)

    section.locator("summary", has_text="Reject the declaration").click()
    section.get_by_label("Why the declaration is rejected").fill("Консультація була разовою.")
    section.get_by_role("button", name="Reject the declaration").click()
    expect(page.locator(".messages")).to_contain_text("The declaration was rejected")
    expect(page.locator("#declarations")).to_contain_text("Консультація була разовою.")
    axe_check(page)
    declaration.refresh_from_db()
    assert declaration.state == OrganisationConflict.State.REJECTED
