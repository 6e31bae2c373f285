"""Issue 12, point 1, as the person: a visitor opens the open call, presses "Apply" in a
nomination, signs up, registers the library and lands on the new application's form with that
nomination chosen; the same for a person logged in without a library and for a returning user who
logs in. axe-core checks every page on the way; screenshots at 1366×768 and 390×844 go to
/tmp/h12-*.png."""

import re

import pytest

from accounts.models import User
from applications.models import Application
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, NominationFactory, OrganisationFactory, UserFactory
from tests.sign_up import confirmation_link

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


@pytest.fixture
def call(published_contest):
    NominationFactory(contest=published_contest, title="Вигадана друга номінація", order=2)
    return published_contest


@pytest.fixture
def second(call):
    return call.nominations.get(title="Вигадана друга номінація")


def _english(page, live_server) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _shoot(page, name: str, at=None) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        if at is not None:
            at.scroll_into_view_if_needed()
        page.screenshot(path=f"/tmp/h12-{name}-{size}.png", full_page=False)
    page.set_viewport_size({"width": 1366, "height": 768})


def _apply_in(page, call, nomination, axe_check, shoot: str = "") -> None:
    page.goto(f"/contests/{call.pk}/")
    page.get_by_role("link", name="Apply", exact=True).wait_for()  # the call's own button
    axe_check(page)
    apply = page.get_by_role(
        "link", name=re.compile(rf"Apply in this nomination.*{re.escape(nomination.title)}")
    )
    if shoot:
        _shoot(page, shoot)
        _shoot(page, f"{shoot}-nominations", at=apply)
    apply.click()
    page.wait_for_load_state()


def _register_library(page, axe_check, name: str) -> None:
    page.get_by_role("heading", name="Register your organisation").wait_for()
    assert "Register your library first" in page.content()
    axe_check(page)
    page.locator("#id_name").fill(name)
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_region").select_option(index=1)
    page.locator("#id_settlement").fill("Вигадане")
    page.locator("#id_email").fill("vygadane@example.org")
    page.get_by_role("button", name="Register the organisation").click()
    page.wait_for_load_state()


def _on_start_with(page, call, nomination, axe_check) -> None:
    page.get_by_role("heading", name="Start an application").wait_for()
    assert f"/applications/new/?contest={call.pk}&nomination={nomination.pk}" in page.url
    assert page.locator(f"input[name='nomination'][value='{nomination.pk}']").is_checked()
    others = page.locator(f"input[name='nomination']:not([value='{nomination.pk}'])")
    assert others.count() == 1 and not others.first.is_checked()
    axe_check(page)


def test_visitor_signs_up_registers_the_library_and_starts(page, live_server, call, second, axe_check):
    _english(page, live_server)
    _apply_in(page, call, second, axe_check, shoot="call")

    page.get_by_role("heading", name="Sign up").wait_for()
    assert "To apply, create your account, or log in if you have one." in page.content()
    axe_check(page)
    _shoot(page, "signup")
    page.locator("#id_email").fill("vygadana.bibliotekarka@example.org")
    page.locator("#id_full_name").fill("Вигадана Бібліотекарка")
    page.locator("#id_password1").fill("a-long-enough-pass-2027")
    page.locator("#id_password2").fill("a-long-enough-pass-2027")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    # The account works once the e-mailed link is followed (issue 16).
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    page.goto(confirmation_link())
    page.get_by_role("button", name="Confirm the address").click()
    page.wait_for_load_state()

    _shoot(page, "register")
    _register_library(page, axe_check, "Вигадана бібліотека с. Перше")
    _on_start_with(page, call, second, axe_check)
    _shoot(page, "start")
    page.locator("#id_title").fill("Вигаданий цифровий помічник")
    page.get_by_role("button", name="Start the application").click()
    page.wait_for_load_state()

    application = Application.objects.get(title="Вигаданий цифровий помічник")
    assert page.url.endswith(f"/applications/{application.pk}/edit/")
    assert application.nomination == second
    assert application.organisation.name == "Вигадана бібліотека с. Перше"
    assert application.created_by == User.objects.get(email="vygadana.bibliotekarka@example.org")


def test_logged_in_without_library_registers_it_and_starts(page, live_server, call, second, axe_check):
    user = UserFactory()
    log_in(page, live_server, user)
    _apply_in(page, call, second, axe_check)
    _register_library(page, axe_check, "Вигадана бібліотека с. Друге")
    _on_start_with(page, call, second, axe_check)


def test_returning_user_logs_in_and_starts(page, live_server, call, second, axe_check):
    user = UserFactory(language="en")  # logging in applies the profile's language
    OrganisationFactory(name="Вигадана бібліотека с. Третє").memberships.create(user=user, is_admin=True)
    _english(page, live_server)
    _apply_in(page, call, second, axe_check)

    page.get_by_role("heading", name="Sign up").wait_for()
    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_role("heading", name="Log in").wait_for()
    axe_check(page)
    _shoot(page, "login")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD + "-wrong")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    # A wrong password says so and keeps the way back to the application.
    assert page.locator(".errorlist, [role=alert], .alert--error").count() >= 1
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()

    _on_start_with(page, call, second, axe_check)
    assert page.locator("input[name='organisation']").first.is_checked()  # the only one, chosen
