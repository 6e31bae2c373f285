"""A juror opens a review, sees the application's PDF as a link and downloads it (the download is
logged); after declining the review the same link answers 404. axe-core checks the review page
with its files, and the organiser's page with the download log. Then the organiser's progress
board names the jurors of each application (issue 15, points 1 and 6)."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Attachment, DownloadLog
from contests.models import FormField
from review.models import Review
from tests.browser.conftest import log_in
from tests.factories import FormFieldFactory
from tests.review.conftest import Jury

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% the plan of the invented library\n%%EOF\n"


@pytest.fixture
def jury(organiser) -> Jury:
    return Jury(organiser)


@pytest.fixture
def assigned(jury) -> Review:
    FormFieldFactory(
        contest=jury.contest, key="plan", label="Project plan", field_type=FormField.Type.FILE, required=False
    )
    application = jury.applications[2]
    Attachment.objects.create(
        application=application,
        field_key="plan",
        file=ContentFile(PDF, name="plan.pdf"),
        original_name="Invented library plan.pdf",
        kind="pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    return jury.assign(jury.jurors[1], application)


def test_juror_downloads_the_pdf_then_declines_and_gets_404(page, live_server, jury, assigned, axe_check):
    juror = assigned.juror.user
    log_in(page, live_server, juror)
    page.goto(reverse("review:score", args=[assigned.pk]))
    page.get_by_role("heading", name="Your scores").wait_for()
    link = page.get_by_role("link", name="Invented library plan.pdf")
    expect(link).to_be_visible()
    axe_check(page)

    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "Invented library plan.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF
    entry = DownloadLog.objects.get()
    assert (entry.user_id, entry.via) == (juror.pk, DownloadLog.Via.WEB)
    href = link.get_attribute("href")

    # Declining (a conflict of interest): the review and its files are gone for this juror.
    page.locator("summary", has_text="Decline this review").click()
    page.get_by_label("Why do you decline this review?").fill("I know this library's director.")
    page.get_by_label("I have a conflict of interest with this application").check()
    page.get_by_role("button", name="Decline the review").click()
    page.wait_for_load_state()
    assigned.refresh_from_db()
    assert assigned.state == Review.State.DECLINED
    response = page.request.get(live_server.url + href)
    assert response.status == 404
    assert DownloadLog.objects.count() == 1

    # The organiser sees the download on the application's page.
    page.context.clear_cookies()
    log_in(page, live_server, jury.organiser)
    page.goto(reverse("applications:screening_detail", args=[assigned.application_id]))
    section = page.locator("#downloads")
    expect(section).to_contain_text(juror.email)
    expect(section).to_contain_text("Invented library plan.pdf")
    axe_check(page)


def test_progress_board_names_who_reviews_what(page, live_server, jury, assigned, axe_check):
    other = jury.assign(jury.jurors[2], jury.applications[3])
    log_in(page, live_server, jury.organiser)
    page.goto(reverse("review:progress", args=[jury.round.pk]))
    page.get_by_role("heading", name="By application (6)").wait_for()
    for review in (assigned, other):
        row = page.locator("tr", has_text=review.application.title)
        expect(row).to_contain_text(review.juror.user.display_name)
        expect(row).to_contain_text("Assigned")
    axe_check(page)
