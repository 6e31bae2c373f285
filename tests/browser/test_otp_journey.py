"""Issue 16, point 2, as the person: an organiser's first login asks them to set up an
authenticator app (the key read from the page, as typed into an app); a wrong code is refused, the
right one shows ten recovery codes; after logging out, the next login asks for the app's code.
axe-core checks the pages of the second factor."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """The code an app shows for this key (`steps_ahead` 30-second steps later: the next login
    within the same step takes the following code, as an app's clock a little ahead would)."""
    text = "".join(secret.split()).upper()
    key = b32decode(text + "=" * (-len(text) % 8))
    return f"{totp(key, t0=-30 * steps_ahead):06d}"


def password_step(page, user) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_organiser_sets_up_two_step_then_logs_in_with_a_code(
    page, live_server, organiser, draft_contest, axe_check, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code, then the right one at once
    type(organiser).objects.filter(pk=organiser.pk).update(language="en")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    password_step(page, organiser)
    assert "/accounts/two-step/" in page.url  # privileged: no page before the second factor
    page.goto("/accounts/me/")
    assert "/accounts/two-step/" in page.url
    axe_check(page)
    assert page.locator(".qr svg title").text_content()  # the QR code, named for screen readers
    secret = page.locator("#otp-secret").inner_text()

    wrong = "000000" if app_code(secret) != "000000" else "111111"
    page.locator("#id_code").fill(wrong)
    page.get_by_role("button", name="Turn on two-step verification").click()
    assert page.locator("#id_code_errors").get_by_text("This code is not right").is_visible()

    page.locator("#id_code").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-step verification").click()
    page.wait_for_load_state()
    assert page.locator("#recovery-codes li").count() == 10
    axe_check(page)
    page.get_by_role("link", name="I have saved them, continue").click()
    assert page.url.endswith("/accounts/me/")  # back to the page asked for

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    password_step(page, organiser)
    assert "/accounts/two-step/verify/" in page.url
    axe_check(page)
    page.locator("#id_code").fill("123")
    page.get_by_role("button", name="Verify").click()
    assert page.locator("#id_code_errors").get_by_text("This code is not right").is_visible()
    page.locator("#id_code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    page.goto("/accounts/me/")
    assert page.url.endswith("/accounts/me/")
    assert page.get_by_role("heading", name="My profile").is_visible()
