"""Issue 12, points 6 and 7 in a browser. The juror's queue on a phone: cards, no sideways
scroll, the unfinished first, state and "criteria scored" in words; on a desktop a table.
The organiser's guard rails: the awards page lists what is unfinished before the decision, a
decision without confirmation is refused with the list, one with a confirmation and a reason
runs. axe-core checks each page at both sizes; screenshots go to /tmp/h16/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from applications.models import Application
from contests.models import Contest
from review import services as review_services
from review.models import Review
from tests.awards.conftest import Finished
from tests.browser.conftest import log_in
from tests.review.conftest import Jury
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/h16")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def juror_with_queue(organiser):
    jury = Jury(organiser)
    juror = jury.jurors[1]
    done = jury.assign(juror, jury.applications[2])
    review_services.save_scores(
        done,
        by=juror.user,
        scores={jury.impact.pk: {"value": 7, "comment": ""}, jury.method.pk: {"value": 5, "comment": ""}},
    )
    review_services.submit_review(Review.objects.get(pk=done.pk), by=juror.user)
    review_services.decline_review(
        jury.assign(juror, jury.applications[4]), by=juror.user, note="Немає часу."
    )
    todo = jury.assign(juror, jury.applications[3])
    return juror.user, todo


@pytest.mark.parametrize(("size", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_jurors_queue(page, live_server, juror_with_queue, axe_check, size, name):
    user, todo = juror_with_queue
    page.set_viewport_size(size)
    log_in(page, live_server, user)
    page.goto("/jury/")
    page.get_by_role("heading", name="My reviews").wait_for()
    rows = page.locator("tr.queue-row")
    expect(rows).to_have_count(3)
    # The unfinished first, then the submitted, then the declined.
    expect(rows.nth(0)).to_contain_text(todo.application.title)
    expect(rows.nth(0)).to_contain_text("Assigned")
    expect(rows.nth(1)).to_contain_text("Submitted")
    expect(rows.nth(2)).to_contain_text("Declined")
    # The state and the progress are visible on both sizes, in words.
    expect(rows.nth(0).locator(".badge")).to_be_visible()
    if name == "phone":
        expect(rows.nth(1)).to_contain_text("Criteria scored: 2 of 2")
        box = rows.nth(0).bounding_box()
        assert box["width"] <= PHONE["width"]  # a card, not a row running off the screen
    else:
        expect(page.get_by_role("columnheader", name="Criteria scored")).to_be_visible()
        expect(rows.nth(0).locator(".card-label").first).to_be_hidden()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the queue scrolls sideways"
    shot(page, f"queue-{name}")
    axe_check(page)


@pytest.fixture
def unfinished(organiser) -> Finished:
    finished = Finished(organiser)
    finished.assign(finished.jurors[0], finished.applications[1])
    ApplicationFactory(contest=finished.contest, nomination=finished.a, state=Application.State.SUBMITTED)
    return finished


@pytest.mark.parametrize(("size", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_decision_asks_for_a_confirmation_with_a_reason(
    page, live_server, unfinished, axe_check, size, name
):
    page.set_viewport_size(size)
    log_in(page, live_server, unfinished.organiser)
    page.goto(f"/awards/contests/{unfinished.contest.pk}/")
    panel = page.locator("section.unfinished")
    expect(panel).to_contain_text("1 review is not submitted")
    expect(panel).to_contain_text("1 application is not screened yet")
    shot(page, f"awards-unfinished-{name}")
    axe_check(page)

    steps = page.locator("#steps").locator("xpath=..")
    steps.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("“Record the decision” was refused:")
    expect(page.locator(".messages")).to_contain_text("1 review is not submitted")
    assert Contest.objects.get(pk=unfinished.contest.pk).state == Contest.State.IN_REVIEW
    axe_check(page)

    steps = page.locator("#steps").locator("xpath=..")
    steps.get_by_label("I know some work is unfinished and want to go ahead").check()
    steps.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Give the reason for going ahead with unfinished work.")
    assert Contest.objects.get(pk=unfinished.contest.pk).state == Contest.State.IN_REVIEW

    steps = page.locator("#steps").locator("xpath=..")
    steps.get_by_label("I know some work is unfinished and want to go ahead").check()
    steps.get_by_label("Reason for going ahead with unfinished work").fill("Член журі захворів.")
    steps.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Done: Record the decision.")
    assert Contest.objects.get(pk=unfinished.contest.pk).state == Contest.State.DECIDED
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, f"awards-decided-{name}")
    axe_check(page)
