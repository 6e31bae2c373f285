"""Brute-force protection of logging in (issue 16, point 1): django-axes with our limits per
account and per client address, a 429 saying when to try again (page and API), staff unlocking,
and the security log of it all."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IP_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_MINUTES = 15


def web_login(client, email, password, address="198.51.100.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def api_login(api, email, password, address="198.51.100.7"):
    return api().post(TOKEN, {"email": email, "password": password}, format="json", REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_web_login_with_a_message(client, password):
    user = UserFactory()
    codes = [web_login(client, user.email, "wrong").status_code for _ in range(2)]
    assert codes == [200, 200]  # the form again, "wrong password"
    locked = web_login(client, user.email, "wrong")
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    html = locked.content.decode()
    assert "Too many attempts" in html and "in 15 minutes" in html
    # The right password changes nothing while locked, and is not logged in.
    again = web_login(client, user.email, password)
    assert again.status_code == 429 and "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT, user=user).count() == 1
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED, user=user).count() == 4
    event = SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT).get()
    assert event.ip_address == "198.51.100.7" and event.details["account_failures"] == 3


def test_the_lock_holds_in_another_case_of_the_address(client, password):
    user = UserFactory(email="olena@example.org")
    for spelling in ["Olena@example.org", "OLENA@EXAMPLE.ORG", " olena@example.org"]:
        web_login(client, spelling, "wrong")
    assert web_login(client, "olena@example.org", password).status_code == 429
    assert user.last_login is None


def test_a_login_resets_the_accounts_failures(client, password):
    user = UserFactory()
    web_login(client, user.email, "wrong")
    web_login(client, user.email, "wrong")
    assert web_login(client, user.email, password).status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN_SUCCEEDED, user=user).exists()
    assert not AccessAttempt.objects.filter(username=user.email).exists()


def test_one_account_sprayed_from_many_addresses_locks(client, password):
    user = UserFactory()
    for n in range(3):
        web_login(client, user.email, "wrong", address=f"203.0.113.{n + 1}")
    assert web_login(client, user.email, password, address="192.0.2.99").status_code == 429


def test_one_address_trying_many_accounts_locks_that_address(client, password):
    victims = UserFactory.create_batch(5)
    for victim in victims:  # one failure each: no account reaches its limit
        web_login(client, victim.email, "wrong", address="203.0.113.50")
    someone = UserFactory()
    assert web_login(client, someone.email, password, address="203.0.113.50").status_code == 429
    # The same person from another address is fine.
    assert web_login(client, someone.email, password, address="192.0.2.1").status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.LOCKED_OUT)
    assert event.details["address_failures"] == 5


def test_a_forged_forwarded_for_does_not_escape_the_address_lock(client, password):
    for victim in UserFactory.create_batch(5):
        web_login(client, victim.email, "wrong", address="203.0.113.50")
    someone = UserFactory()
    response = client.post(
        LOGIN,
        {"username": someone.email, "password": password},
        REMOTE_ADDR="203.0.113.50",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429


def test_the_lock_ends_after_the_cool_off(client, password):
    user = UserFactory()
    for _ in range(3):
        web_login(client, user.email, "wrong")
    assert web_login(client, user.email, password).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert web_login(client, user.email, password).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert web_login(client, user.email, password).status_code == 302


def test_the_token_endpoint_counts_failures_and_answers_429(api, password):
    user = UserFactory()
    assert [api_login(api, user.email, "wrong").status_code for _ in range(2)] == [400, 400]
    locked = api_login(api, user.email, "wrong")
    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 15 * 60
    assert "Too many attempts" in locked.json()["detail"]
    right = api_login(api, user.email, password)
    assert right.status_code == 429 and "token" not in right.json()
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT, user=user).count() == 1


def test_the_web_and_the_api_share_one_count(client, api, password):
    user = UserFactory()
    web_login(client, user.email, "wrong")
    api_login(api, user.email, "wrong")
    assert web_login(client, user.email, "wrong").status_code == 429
    assert api_login(api, user.email, password).status_code == 429


def test_token_login_is_logged_and_resets_failures(api, password):
    user = UserFactory()
    api_login(api, user.email, "wrong")
    response = api_login(api, user.email, password)
    assert response.status_code == 200, response.content
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN_SUCCEEDED, user=user).exists()
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED, user=user).count() == 1
    assert not AccessAttempt.objects.filter(username=user.email).exists()


def test_an_unknown_address_is_logged_without_an_account(client):
    web_login(client, "nobody@example.org", "wrong")
    event = SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED)
    assert event.user is None and event.email == "nobody@example.org"


def test_the_admin_login_is_protected_too(client, password):
    user = UserFactory(is_staff=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": user.email, "password": "wrong"})
    response = client.post("/admin/login/", {"username": user.email, "password": password})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


# --- staff unlock -------------------------------------------------------------------------------


def _lock(client, user):
    for _ in range(3):
        web_login(client, user.email, "wrong")


def test_staff_see_and_lift_a_lock_on_the_page(client, web, staff, password):
    user = UserFactory()
    _lock(client, user)
    page = web(staff).get(reverse("accounts:lockouts"))
    assert page.status_code == 200
    html = page.content.decode()
    assert user.email in html and "Unlock" in html
    response = web(staff).post(reverse("accounts:lockouts"), {"lock": f"account:{user.email}"})
    assert response.status_code == 302
    assert web_login(client, user.email, password).status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.UNLOCKED)
    assert event.user == user and event.actor == staff


def test_only_staff_see_lockouts(client, web, applicant):
    assert web().get(reverse("accounts:lockouts")).status_code == 302  # to the login page
    assert web(applicant).get(reverse("accounts:lockouts")).status_code == 403
    user = UserFactory()
    _lock(client, user)
    refused = web(applicant).post(reverse("accounts:lockouts"), {"lock": f"account:{user.email}"})
    assert refused.status_code == 403
    assert AccessAttempt.objects.filter(username=user.email).exists()
    assert not SecurityEvent.objects.filter(kind=Kind.UNLOCKED).exists()


def test_staff_lift_a_lock_through_the_api(client, api, staff, password):
    user = UserFactory()
    _lock(client, user)
    listed = api(staff).get("/api/v1/lockouts/")
    assert listed.status_code == 200
    [lock] = [row for row in listed.json() if row["kind"] == "account"]
    assert lock["key"] == user.email and lock["failures"] == 3 and lock["id"] == f"account:{user.email}"
    assert api(staff).delete(f"/api/v1/lockouts/{lock['id']}/").status_code == 204
    assert api(staff).delete(f"/api/v1/lockouts/{lock['id']}/").status_code == 404
    assert web_login(client, user.email, password).status_code == 302
    assert SecurityEvent.objects.get(kind=Kind.UNLOCKED).actor == staff


def test_staff_unlock_an_address(client, api, staff, password):
    for victim in UserFactory.create_batch(5):
        web_login(client, victim.email, "wrong", address="203.0.113.50")
    someone = UserFactory()
    assert api(staff).delete("/api/v1/lockouts/address:203.0.113.50/").status_code == 204
    assert web_login(client, someone.email, password, address="203.0.113.50").status_code == 302


def test_the_lockouts_api_refuses_others(client, api, applicant):
    user = UserFactory()
    _lock(client, user)
    assert api().get("/api/v1/lockouts/").status_code in (401, 403)
    assert api(applicant).get("/api/v1/lockouts/").status_code == 403
    assert api(applicant).delete(f"/api/v1/lockouts/account:{user.email}/").status_code == 403
    assert AccessAttempt.objects.filter(username=user.email).exists()
