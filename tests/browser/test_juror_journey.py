"""A juror logs in, opens the queue, scores an application (autosave says "Saved"), submits and
sees the confirmation; axe-core checks the queue and the review page, and at 375 px the review
page does not scroll sideways."""

import pytest
from playwright.sync_api import expect

from review.models import Review
from tests.browser.conftest import log_in
from tests.review.conftest import Jury

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def jury(organiser) -> Jury:
    return Jury(organiser)


@pytest.fixture
def assigned(jury) -> Review:
    application = jury.applications[2]
    application.answers = {}
    application.save(update_fields=["answers"])
    return jury.assign(jury.jurors[1], application)


def test_juror_scores_and_submits(page, live_server, jury, assigned, axe_check):
    juror = assigned.juror.user
    log_in(page, live_server, juror)

    page.get_by_role("link", name="Reviews").first.click()
    page.get_by_role("heading", name="My reviews").wait_for()
    axe_check(page)

    page.get_by_role("link", name=assigned.application.title).click()
    page.get_by_role("heading", name="Your scores").wait_for()
    axe_check(page)

    impact = page.get_by_role("group", name="Impact").get_by_label("Score from 0 to 10")
    impact.fill("7")
    impact.blur()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    assert assigned.scores.get(criterion=jury.impact).value == 7

    # A score out of the scale is refused by criterion, and nothing of it is saved.
    method = page.get_by_role("group", name="Method").get_by_label("Score from 0 to 10")
    method.fill("12")
    method.blur()
    expect(page.locator("#save-status")).to_contain_text("Enter a score from 0 to 10.")
    expect(page.locator(f"#id_score_{jury.method.pk}_errors")).to_contain_text("Enter a score from 0 to 10.")
    method.fill("6")
    method.blur()
    expect(page.locator("#save-status")).to_contain_text("Saved")
    expect(page.locator(f"#id_score_{jury.method.pk}_errors")).to_be_empty()

    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the review page scrolls sideways at 375 px"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Submit the review").click()
    expect(page.locator(".messages")).to_contain_text("Your review was submitted")
    expect(page.locator("#submitted")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the submitted review scrolls sideways at 375 px"

    assigned.refresh_from_db()
    assert assigned.state == Review.State.SUBMITTED
    assert dict(assigned.scores.values_list("criterion_id", "value")) == {
        jury.impact.pk: 7,
        jury.method.pk: 6,
    }
