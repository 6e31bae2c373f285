"""Issue 12, points 4 and 5 in a real browser: a Russian-set phone opens in Ukrainian; the CSRF,
404 and 500 pages are in the site's look, say what to do, and pass axe."""

import os
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("H15_SHOTS", "/tmp/h15"))
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.core.failing_urls")]


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)


def test_a_russian_set_phone_opens_in_ukrainian_and_keeps_a_chosen_language(browser, live_server, settings):
    settings.LANGUAGE_CODE = "uk"
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator("html").get_attribute("lang") == "uk"
        if page.locator(".menu-button").is_visible():  # on a phone the menu folds behind a button
            page.locator(".menu-button").click()
        page.locator("#language-select").select_option("ru")
        page.locator(".language-form button").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "ru"
        page.goto("/practices/")
        assert page.locator("html").get_attribute("lang") == "ru"
    finally:
        context.close()


def test_a_form_sent_from_a_stale_page_explains_what_to_do(page, axe_check):
    page.goto("/practices/")
    # The page was open too long: its form carries a token the server no longer accepts.
    page.evaluate(
        "() => document.querySelectorAll('input[name=csrfmiddlewaretoken]')"
        ".forEach(i => { i.value = 'x'.repeat(64); })"
    )
    page.locator("#language-select").select_option("en")
    page.locator(".language-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "uk"  # the choice was not applied
    heading = page.get_by_role("heading", level=1)
    assert heading.is_visible()
    assert page.locator("main").count() == 1
    back = page.locator("main .error-back a").first
    assert back.get_attribute("href").endswith("/practices/")
    axe_check(page)
    shoot(page, "csrf")
    back.click()
    page.wait_for_load_state()
    assert page.url.endswith("/practices/")


def test_the_404_page(page, axe_check):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator("main h1").is_visible()
    assert page.locator("main .error-back a[href='/']").count() == 1
    axe_check(page)
    shoot(page, "404")


def test_the_500_page(page, axe_check):
    response = page.goto("/h15/boom/")
    assert response.status == 500
    assert page.locator("main h1").is_visible()
    axe_check(page)
    shoot(page, "500")
