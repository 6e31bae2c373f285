"""Sessions (issue 16, point 6): privileged people time out when idle; a password change ends
the person's other sessions and tokens. And the web page for API tokens (point 5)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts import tokens
from accounts.models import ORGANISERS_GROUP, ApiToken, SecurityEvent
from accounts.sessions import LAST_ACTIVITY, end_other_sessions_and_tokens, is_privileged
from contests.models import ContestRole
from core import clock
from tests.factories import PASSWORD, UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def logged_in_now(user) -> Client:
    """Logged in with the session's activity clock started, as the login page leaves it."""
    client = logged_in(user)
    session = client.session
    session[LAST_ACTIVITY] = clock.now().timestamp()
    session.save()
    return client


def is_logged_in(client: Client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


# --- who is privileged ----------------------------------------------------------------------------


def test_privileged_are_staff_organisers_and_grant_officers(staff, applicant):
    organiser, officer, juror, in_group = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    contest = ready_contest()
    grant(contest, organiser)
    grant(contest, officer, ContestRole.Role.GRANT_OFFICER)
    grant(contest, juror, ContestRole.Role.JUROR)
    Group.objects.get_or_create(name=ORGANISERS_GROUP)[0].user_set.add(in_group)
    assert [is_privileged(u) for u in (staff, organiser, officer, in_group)] == [True] * 4
    assert not is_privileged(juror) and not is_privileged(applicant)


# --- idle timeout -------------------------------------------------------------------------------


def test_an_idle_privileged_session_is_logged_out_with_a_message(staff, time_machine, settings):
    settings.PRIVILEGED_IDLE_MINUTES = 30
    time_machine.move_to("2026-02-01 09:00Z", tick=False)
    client = logged_in_now(staff)
    assert is_logged_in(client)
    time_machine.move_to("2026-02-01 09:29Z", tick=False)
    assert is_logged_in(client)  # active: the last request counts, not the login
    time_machine.move_to("2026-02-01 09:58Z", tick=False)
    assert is_logged_in(client)
    time_machine.move_to("2026-02-01 10:29Z", tick=False)
    r = client.get("/accounts/me/", follow=True)
    assert r.redirect_chain and "/accounts/login/" in r.redirect_chain[-1][0]
    assert "logged out after 30 minutes without activity" in r.content.decode()
    assert SecurityEvent.objects.filter(kind="logged_out", user=staff, details__reason="idle").exists()
    assert not is_logged_in(client)


def test_logging_in_starts_the_activity_clock_without_extra_writes_later(applicant, count_queries):
    client = Client()
    r = client.post("/accounts/login/", {"username": applicant.email, "password": PASSWORD})
    assert r.status_code == 302
    assert LAST_ACTIVITY in client.session
    first = count_queries(lambda: client.get("/accounts/me/"))
    assert count_queries(lambda: client.get("/accounts/me/")) == first  # no write within the minute


def test_an_idle_applicant_stays_logged_in(applicant, time_machine):
    time_machine.move_to("2026-02-01 09:00Z", tick=False)
    client = logged_in_now(applicant)
    assert is_logged_in(client)
    time_machine.move_to("2026-02-01 15:00Z", tick=False)
    assert is_logged_in(client)


def test_the_idle_limit_is_configurable(staff, time_machine, settings):
    settings.PRIVILEGED_IDLE_MINUTES = 90
    time_machine.move_to("2026-02-01 09:00Z", tick=False)
    client = logged_in_now(staff)
    assert is_logged_in(client)
    time_machine.move_to("2026-02-01 10:20Z", tick=False)
    assert is_logged_in(client)


# --- ending other sessions and tokens -----------------------------------------------------------


def test_changing_the_password_ends_other_sessions_and_tokens_but_keeps_this_one(applicant):
    here, elsewhere = logged_in(applicant), logged_in(applicant)
    _token, key = tokens.issue(applicant)
    assert is_logged_in(elsewhere) and bearer(key).get("/api/v1/me/").status_code == 200
    new = "another-long-passphrase-42"
    r = here.post(
        "/accounts/me/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert r.status_code == 302, r.content
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert bearer(key).get("/api/v1/me/").status_code == 401
    assert SecurityEvent.objects.filter(kind="sessions_ended", user=applicant).exists()
    assert SecurityEvent.objects.filter(kind="password_changed", user=applicant).exists()


def test_a_wrong_old_password_changes_nothing(applicant):
    here, elsewhere = logged_in(applicant), logged_in(applicant)
    _token, key = tokens.issue(applicant)
    r = here.post(
        "/accounts/me/password/",
        {"old_password": "wrong", "new_password1": "x-long-pass-9", "new_password2": "x-long-pass-9"},
    )
    assert r.status_code == 200
    assert is_logged_in(elsewhere) and bearer(key).get("/api/v1/me/").status_code == 200


def test_resetting_the_password_ends_every_session_and_token(applicant):
    elsewhere = logged_in(applicant)
    _token, key = tokens.issue(applicant)
    Client().post("/accounts/password-reset/", {"email": applicant.email})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    browser = Client()
    form = browser.get(link, follow=True)
    new = "another-long-passphrase-42"
    r = browser.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert r.status_code == 302, r.content
    assert not is_logged_in(elsewhere)
    assert bearer(key).get("/api/v1/me/").status_code == 401


def test_end_other_sessions_keeps_the_named_token_and_session(applicant, rf):
    kept_client, ended_client = logged_in(applicant), logged_in(applicant)
    kept, kept_key = tokens.issue(applicant, name="kept")
    _ended, ended_key = tokens.issue(applicant, name="ended")
    revoked = end_other_sessions_and_tokens(
        applicant, keep_token=kept, keep_session_key=kept_client.session.session_key
    )
    assert revoked == 1
    assert is_logged_in(kept_client) and not is_logged_in(ended_client)
    assert bearer(kept_key).get("/api/v1/me/").status_code == 200
    assert bearer(ended_key).get("/api/v1/me/").status_code == 401


# --- the web page -------------------------------------------------------------------------------


def test_the_tokens_page_creates_a_token_and_shows_the_key_once(applicant):
    client = logged_in(applicant)
    assert "/accounts/me/tokens/" in client.get("/accounts/me/").content.decode()
    r = client.post("/accounts/me/tokens/", {"name": "Звітність", "scope": "read", "days": 30})
    assert r.status_code == 200
    key = re.search(r'value="(kk_[^"]+)"', r.content.decode()).group(1)
    assert "no-store" in r["Cache-Control"] or "no-cache" in r["Cache-Control"]
    assert bearer(key).get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(user=applicant)
    assert token.scopes == ["read"] and (token.expires_at - token.created_at).days == 30
    again = client.get("/accounts/me/tokens/").content.decode()
    assert "Звітність" in again and key not in again


def test_the_tokens_page_refuses_too_many_days(applicant, settings):
    settings.API_TOKEN_MAX_DAYS = 10
    r = logged_in(applicant).post("/accounts/me/tokens/", {"name": "x", "scope": "read", "days": 11})
    assert r.status_code == 200 and not ApiToken.objects.exists()


def test_the_owner_revokes_on_the_page_and_a_stranger_gets_404(applicant):
    token, key = tokens.issue(applicant)
    assert logged_in(UserFactory()).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert bearer(key).get("/api/v1/me/").status_code == 200
    r = logged_in(applicant).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert r.status_code == 302
    assert bearer(key).get("/api/v1/me/").status_code == 401


def test_staff_see_and_revoke_a_persons_tokens_on_their_page(applicant, staff):
    token, key = tokens.issue(applicant, name="robot")
    assert logged_in(UserFactory()).get(f"/accounts/people/{applicant.pk}/tokens/").status_code == 403
    page = logged_in(staff).get(f"/accounts/people/{applicant.pk}/tokens/")
    assert page.status_code == 200 and "robot" in page.content.decode()
    r = logged_in(staff).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert r.status_code == 302 and r["Location"].endswith(f"/accounts/people/{applicant.pk}/tokens/")
    token.refresh_from_db()
    assert token.revoked_by == staff
    assert bearer(key).get("/api/v1/me/").status_code == 401


def test_a_superuser_revokes_tokens_in_the_admin(applicant):
    token, key = tokens.issue(applicant, name="robot")
    admin = UserFactory(is_staff=True, is_superuser=True)
    r = logged_in(admin).post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert r.status_code == 200
    assert bearer(key).get("/api/v1/me/").status_code == 401
