"""The Content-Security-Policy in a real browser (issue 16, point 4): the public pages, the API
documentation, an applicant's journey with autosave and an organiser's e-mail preview run without a
single violation (the conftest's watcher fails any test that has one), and the watcher itself does
see a violation when inline code is slipped into a page."""

import pytest
from playwright.sync_api import expect

from applications import services
from contests import services as contest_services
from tests.applications.conftest import add_form
from tests.browser.conftest import log_in
from tests.factories import OrganisationFactory, UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contest():
    organiser = UserFactory(full_name="Олена Організаторка")
    contest = ready_contest(title="Бібліотека як хаб")
    grant(contest, organiser)
    add_form(contest)
    return contest_services.publish_contest(contest, by=organiser)


@pytest.fixture
def application(contest):
    library = OrganisationFactory(name="Публічна бібліотека с. Тестове")
    applicant = UserFactory(full_name="Ганна Вигадана")
    library.memberships.create(user=applicant, is_admin=True)
    return services.start_application(
        organisation=library,
        contest=contest,
        nomination=contest.nominations.get(),
        title="Е-черга",
        by=applicant,
    )


def test_public_pages_and_api_docs_keep_the_policy(page, contest, csp_violations):
    for url in ("/", f"/contests/{contest.pk}/", "/accounts/login/", "/accounts/signup/", "/about/"):
        response = page.goto(url)
        assert response.status == 200, url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], url
        assert "camera=()" in response.headers["permissions-policy"], url
    page.set_viewport_size({"width": 375, "height": 740})  # the menu button's script runs too
    page.goto("/")
    page.locator(".menu-button").click()
    expect(page.locator(".menu-button")).to_have_attribute("aria-expanded", "true")

    page.goto("/api/docs/")  # Swagger UI: its start-up script from a URL, its icons data: images
    page.locator(".swagger-ui .information-container").wait_for()
    page.locator(".opblock-tag").first.wait_for()
    page.goto("/admin/login/")
    page.locator("#id_username").wait_for()
    assert csp_violations == []


def test_applicant_autosaves_under_the_policy(page, live_server, application, csp_violations):
    applicant = application.organisation.memberships.get().user
    log_in(page, live_server, applicant)
    page.goto(f"/contests/{application.contest.pk}/")
    page.goto(f"/applications/{application.pk}/edit/")
    page.locator("#id_answer_short").fill("Відповідь")
    page.locator("#id_title").click()  # leaving the field: the form autosaves (no eval'd trigger filter)
    page.locator("#save-status").filter(has_text="Saved at").wait_for()
    application.refresh_from_db()
    assert application.answers["short"] == "Відповідь"
    page.locator("#id_answer_long").fill("Довга відповідь")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert csp_violations == []


def test_organiser_previews_an_html_email_without_violations(page, live_server, contest, csp_violations):
    organiser = contest.roles.get().user
    log_in(page, live_server, organiser)
    page.goto(f"/organise/contests/{contest.pk}/messages/")
    page.locator("a[href*='/messages/'][href$='/en/']").first.click()
    page.locator("#id_body_html").fill('<p style="color: rgb(0, 128, 0)">Вітаємо</p>')
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    # The e-mail's inline style applies in the preview (its hash is allowed for this answer only).
    greeting = page.frame_locator("iframe.mail-preview").locator("p", has_text="Вітаємо")
    expect(greeting).to_have_css("color", "rgb(0, 128, 0)")
    assert csp_violations == []


def test_the_watcher_sees_inline_code_and_the_policy_stops_it(page, csp_violations):
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
            document.body.setAttribute("style", "background: red");
        }"""
    )
    page.wait_for_function("() => window.__cspViolations.length >= 2")
    assert page.evaluate("() => window.injected") is None  # the inline script did not run
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    page.evaluate("() => window.__cspViolations")  # the binding's reports have arrived
    assert {v["directive"] for v in csp_violations} == {"script-src-elem", "style-src-attr"}
    assert all(v["blocked"] == "inline" for v in csp_violations)
    csp_violations.clear()  # seen on purpose: the test does not fail for them
