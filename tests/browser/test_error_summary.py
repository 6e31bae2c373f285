"""Issue 12, point 2 (h13), as the person sees it: an applicant submits with missing answers and
lands on an error summary that has focus, whose links move to the questions, each marked; a juror
enters an invalid score and sees that score marked (not the comment) and what was saved."""

import pytest
from playwright.sync_api import expect

from applications import services as application_services
from contests.models import FormField
from review.models import Review
from tests.browser.conftest import log_in
from tests.factories import FormFieldFactory
from tests.review.conftest import Jury

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "/tmp/h13"
FOCUSED_SUMMARY = "() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')"


def _shots(page, name: str) -> None:
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=False)
    page.set_viewport_size({"width": 1366, "height": 768})


@pytest.fixture
def draft(published_contest, applicant):
    FormFieldFactory(
        contest=published_contest,
        key="groups",
        label="Target groups",
        field_type=FormField.Type.MULTIPLE_CHOICE,
        choices=["Older people", "Young people"],
        required=True,
        order=50,
    )
    return application_services.start_application(
        organisation=applicant.organisations.get(),
        contest=published_contest,
        nomination=published_contest.nominations.get(),
        title="Вигадана ініціатива читання",
        by=applicant,
    )


def test_applicant_submits_with_missing_answers(page, live_server, applicant, draft, axe_check):
    text = draft.contest.form_fields.get(field_type=FormField.Type.LONG_TEXT)
    log_in(page, live_server, applicant)
    page.goto(f"/applications/{draft.pk}/edit/")
    page.get_by_role("button", name="Submit the application").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The application was not submitted")
    page.wait_for_function(FOCUSED_SUMMARY)
    assert page.get_by_role("alert").filter(has_text="The application was not submitted").count() == 1

    # Each missing answer is a link; following it moves focus to the question's input.
    link = summary.get_by_role("link", name=f"{text.label}: Answer this question.")
    expect(link).to_have_attribute("href", f"#id_answer_{text.key}")
    link.click()
    answer = page.locator(f"#id_answer_{text.key}")
    expect(answer).to_be_focused()
    expect(answer).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#errors-{text.key}")).to_contain_text("Answer this question.")
    expect(page.get_by_label(text.label)).to_have_accessible_description("Answer this question.")

    summary.get_by_role("link", name="Target groups: Answer this question.").click()
    expect(page.locator("#id_answer_groups_0")).to_be_focused()
    expect(page.locator("#question-groups")).to_have_class("field question field--error")

    axe_check(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    _shots(page, "applicant-summary")


@pytest.fixture
def assigned(organiser) -> Review:
    jury = Jury(organiser)
    application = jury.applications[2]
    application.answers = {}
    application.save(update_fields=["answers"])
    review = jury.assign(jury.jurors[1], application)
    review.jury = jury
    return review


def test_juror_enters_an_invalid_score(page, live_server, assigned, axe_check):
    jury = assigned.jury
    log_in(page, live_server, assigned.juror.user)
    page.get_by_role("link", name="Reviews").first.click()
    page.get_by_role("link", name=assigned.application.title).click()
    page.get_by_role("heading", name="Your scores").wait_for()

    impact = page.get_by_role("group", name="Impact").get_by_label("Score from 0 to 10")
    impact.fill("7")
    impact.blur()
    expect(page.locator("#save-status")).to_contain_text("Saved")

    method = page.get_by_role("group", name="Method").get_by_label("Score from 0 to 10")
    method.fill("12")
    method.blur()
    status = page.locator("#save-status")
    expect(status).to_contain_text("Enter a score from 0 to 10.")
    expect(status).to_contain_text("Already saved: «Impact» — 7.")
    expect(method).to_have_attribute("aria-invalid", "true")  # marked by the autosave too

    page.get_by_role("button", name="Submit the review").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Not all your scores were saved")
    expect(summary).to_contain_text("Already saved: «Impact» — 7.")
    expect(summary).not_to_contain_text("Nothing was saved")
    page.wait_for_function(FOCUSED_SUMMARY)

    method = page.locator(f"#id_score_{jury.method.pk}")
    comment = page.locator(f"#id_comment_{jury.method.pk}")
    expect(method).to_have_attribute("aria-invalid", "true")
    assert comment.get_attribute("aria-invalid") is None
    red = "rgb(164, 22, 26)"
    assert method.evaluate("e => getComputedStyle(e).borderTopColor") == red
    assert comment.evaluate("e => getComputedStyle(e).borderTopColor") != red

    summary.get_by_role("link", name="Method: Enter a score from 0 to 10.").click()
    expect(method).to_be_focused()
    axe_check(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    _shots(page, "juror-summary")
    method.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/juror-field-1366.png")

    assigned.refresh_from_db()
    assert assigned.state != Review.State.SUBMITTED
    assert dict(assigned.scores.values_list("criterion_id", "value")) == {jury.impact.pk: 7}
