"""Staff make an organiser on a fresh install without /admin/: the organisers' page (axe-core),
an unknown address refused with a message, an invitation that the invitee accepts by setting a
password on the link's page (axe-core), and then may create contests."""

import re

import pytest
from django.core import mail

from accounts.models import ORGANISERS_GROUP, User
from tests.browser.conftest import pass_second_factor
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _log_in(page, live_server, user):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("#id_username")).locator("button[type=submit]").click()
    page.wait_for_load_state()
    pass_second_factor(page, user)  # staff and organisers: the code after the password


def test_staff_invite_an_organiser_who_sets_a_password(page, axe_check, live_server):
    staff = UserFactory(email="staff-h5@example.org", is_staff=True)
    UserFactory(email="has-account@example.org", full_name="Оксана Вигадана")
    _log_in(page, live_server, staff)

    page.goto("/accounts/me/")
    page.get_by_role("link", name="Organisers: who may create contests").click()
    page.get_by_role("heading", name="Organisers", exact=True).wait_for()
    axe_check(page)

    page.locator("#id_add-email").fill("nobody@example.org")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator("#id_add-email_errors").get_by_text(
        "No account uses the e-mail address nobody@example.org"
    ).wait_for()

    page.locator("#id_add-email").fill("has-account@example.org")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text("Оксана Вигадана is now an organiser.").wait_for()

    page.locator("#id_invite-email").fill("new-organiser@example.org")
    page.locator("#id_invite-full_name").fill("Богдана Вигадана")
    page.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("An invitation was sent to new-organiser@example.org.").wait_for()
    axe_check(page)

    link = re.search(r"/accounts/invitations/[^/\s]+/", mail.outbox[-1].body).group(0)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(link)
    page.get_by_role("heading", name="Set a password and accept").wait_for()
    axe_check(page)
    page.locator("#id_password1").fill("Kalyna-vesna-2031")
    page.locator("#id_password2").fill("Kalyna-vesna-2031")
    page.get_by_role("button", name="Create the account and accept").click()
    page.get_by_text("You may now create and organise contests.").wait_for()
    user = User.objects.get(email="new-organiser@example.org")
    assert user.full_name == "Богдана Вигадана"
    assert user.groups.filter(name=ORGANISERS_GROUP).exists()
