"""Issue 12, point 8 in a browser: a compact header on a phone (a menu button that works, and a
menu that stays open without JavaScript), the site's name, logo and footer pages from the staff
page, all checked with axe at 1366×768 and 390×844."""

import io
import os

import pytest
from PIL import Image

from tests.browser.conftest import log_in
from tests.factories import OrganisationFactory, UserFactory

SHOTS = os.environ.get("H17_SHOTS", "")  # a folder: save screenshots there to look at them
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=False)


@pytest.fixture
def librarian(db):
    user = UserFactory(full_name="Ганна Вигадана")
    OrganisationFactory().memberships.create(user=user, is_admin=True)
    return user


def header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def test_phone_header_is_compact_and_its_menu_opens(page, live_server, librarian, axe_check):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, librarian)
    page.goto("/")
    assert header_height(page) <= 0.15 * PHONE["height"]
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible()
    assert not page.get_by_role("link", name="My applications").is_visible()
    axe_check(page)
    shot(page, "phone-home-menu-closed")
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    page.get_by_role("link", name="My applications").wait_for(state="visible")
    axe_check(page)
    shot(page, "phone-home-menu-open")
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("link", name="My applications").is_visible()


def test_without_javascript_the_phone_menu_stays_open(browser, live_server, librarian):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/")
        assert not page.locator(".menu-button").is_visible()
        assert page.locator('.site-nav a[href="/accounts/login/"]').is_visible()
    finally:
        context.close()


def test_desktop_header_shows_the_menu_without_a_button(page, live_server, librarian, axe_check):
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, librarian)
    page.goto("/")
    assert page.get_by_role("link", name="My applications").is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()
    shot(page, "desktop-home")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_set_name_operator_and_logo_on_their_page(page, live_server, axe_check, viewport, tmp_path):
    staff = UserFactory(is_staff=True, full_name="Оксана Вигадана")
    page.set_viewport_size(viewport)
    log_in(page, live_server, staff)
    page.goto("/site/settings/")
    axe_check(page)
    logo = tmp_path / "logo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (96, 96), (255, 191, 71)).save(buffer, format="PNG")
    logo.write_bytes(buffer.getvalue())
    bad = tmp_path / "logo-fake.png"
    bad.write_bytes(b"not an image at all")
    page.get_by_label("Site name").fill("Конкурси Вигаданої області")
    page.get_by_label("New logo").set_input_files(str(bad))
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text(
        "This file type is not accepted here. Allowed: PNG, JPEG.", exact=True
    ).is_visible()
    assert "Конкурси Вигаданої області" not in page.locator(".site-header").inner_text()
    axe_check(page)
    page.get_by_label("Operator", exact=True).fill("Обласна бібліотека для дітей Вигаданої області")
    page.get_by_label("Contact e-mail").fill("konkurs@library.example.org")
    page.get_by_label("New logo").set_input_files(str(logo))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The site settings are saved.").wait_for()
    header = page.locator(".site-header")
    assert "Конкурси Вигаданої області" in header.inner_text()
    # The notice shows before the new logo has arrived: wait until the image has loaded or failed.
    page.wait_for_function("() => document.querySelector('.site-logo')?.complete")
    assert page.locator(".site-logo").evaluate("img => img.naturalWidth") == 96
    assert header_height(page) <= 0.15 * viewport["height"] or viewport is DESKTOP
    assert page.title().endswith("— Конкурси Вигаданої області")
    axe_check(page)
    shot(page, f"{'phone' if viewport is PHONE else 'desktop'}-site-settings")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    assert "Обласна бібліотека для дітей Вигаданої області" in page.locator("main").inner_text()
    axe_check(page)
    shot(page, f"{'phone' if viewport is PHONE else 'desktop'}-privacy")
    page.get_by_role("contentinfo").get_by_role("link", name="Contacts").click()
    assert page.get_by_role("link", name="konkurs@library.example.org").first.is_visible()
    axe_check(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    axe_check(page)
    page.goto("/results/how-to-verify/")
    axe_check(page)
    shot(page, f"{'phone' if viewport is PHONE else 'desktop'}-how-to-verify")
