"""API tokens (issue 16, point 5): hashed, named, scoped, expiring, listed and revoked by their
owner (and staff), through the API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from accounts import otp, tokens
from accounts.authentication import ApiTokenAuthentication
from accounts.models import ApiToken, SecurityEvent
from core import clock
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def bearer(key: str, keyword: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


@pytest.fixture
def person():
    return UserFactory(email="owner@example.org")


# --- the token endpoint and storage --------------------------------------------------------------


def test_token_endpoint_issues_a_named_expiring_token_stored_hashed(person, settings):
    r = APIClient().post(
        "/api/v1/auth/token/",
        {"email": person.email, "password": PASSWORD, "name": "Звіти", "scopes": ["read"]},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    key = body["token"]
    assert key.startswith("kk_") and body["name"] == "Звіти" and body["scopes"] == ["read"]
    token = ApiToken.objects.get(user=person)
    # Only the hash is stored: the raw key is in no column of the row.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(value) for value in row.values()}
    assert token.key_prefix == key.split("_")[1] and len(token.key_hash) == 64
    assert token.expires_at - token.created_at == timedelta(days=settings.API_TOKEN_DAYS)
    assert bearer(key).get("/api/v1/me/").json()["id"] == person.pk
    assert SecurityEvent.objects.filter(kind="token_created", user=person).exists()


def test_each_request_for_a_token_makes_a_new_one_and_both_work(person):
    first = APIClient().post("/api/v1/auth/token/", {"email": person.email, "password": PASSWORD})
    second = APIClient().post("/api/v1/auth/token/", {"email": person.email, "password": PASSWORD})
    assert first.json()["token"] != second.json()["token"]
    for key in (first.json()["token"], second.json()["token"]):
        assert bearer(key, "Token").get("/api/v1/me/").status_code == 200  # the old keyword works too


def test_token_endpoint_refuses_a_longer_life_than_the_maximum(person, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    r = APIClient().post(
        "/api/v1/auth/token/",
        {"email": person.email, "password": PASSWORD, "expires_in_days": 31},
        format="json",
    )
    assert r.status_code == 400 and "expires_in_days" in r.json()["errors"]
    assert not ApiToken.objects.exists()


def test_an_unknown_or_old_style_token_is_401_with_a_challenge():
    UserFactory()
    r = bearer("0123456789abcdef0123456789abcdef01234567", "Token").get("/api/v1/me/")
    assert r.status_code == 401
    assert r["WWW-Authenticate"].startswith("Bearer")


# --- expired and revoked -------------------------------------------------------------------------


def test_an_expired_token_is_401_saying_so(person, time_machine):
    time_machine.move_to("2026-01-01 10:00Z", tick=False)
    _token, key = tokens.issue(person, days=1)
    time_machine.move_to("2026-01-02 10:00Z", tick=False)
    r = bearer(key).get("/api/v1/me/")
    assert r.status_code == 401
    assert "expired" in r.json()["detail"]


def test_a_revoked_token_is_401_saying_so(person):
    token, key = tokens.issue(person)
    assert bearer(key).get("/api/v1/me/").status_code == 200
    tokens.revoke(token, by=person)
    r = bearer(key).get("/api/v1/me/")
    assert r.status_code == 401
    assert "revoked" in r.json()["detail"]


def test_an_inactive_persons_token_is_401(person):
    _token, key = tokens.issue(person)
    person.is_active = False
    person.save()
    assert bearer(key).get("/api/v1/me/").status_code == 401


# --- last used ----------------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(person, time_machine, django_assert_num_queries):
    time_machine.move_to("2026-03-01 09:00Z", tick=False)
    token, key = tokens.issue(person)
    client = bearer(key)
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == clock.now()
    time_machine.move_to("2026-03-01 09:00:30Z", tick=False)
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at.second == 0  # not rewritten within the minute
    time_machine.move_to("2026-03-01 09:02Z", tick=False)
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == clock.now()


def test_checking_a_token_for_a_write_is_one_query(person, other_organiser):
    """The token, its owner and whether the owner must pass the second factor come in one query
    (a write by an applicant's token cost two before: the second asked for privileged roles)."""
    for owner, privileged in ((person, False), (other_organiser, True)):
        token, key = tokens.issue(owner)
        tokens.touch(token)  # last used just now: no UPDATE within the minute
        request = APIRequestFactory().patch("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
        with CaptureQueriesContext(connection) as ctx:
            found = tokens.find(key)
            assert otp.must_verify(found.user) is privileged
        assert len(ctx.captured_queries) == 1
        if not privileged:
            with CaptureQueriesContext(connection) as ctx:
                user, _auth = ApiTokenAuthentication().authenticate(Request(request))
            assert user == owner and len(ctx.captured_queries) == 1


# --- scopes -------------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_changes_nothing(person):
    _token, key = tokens.issue(person, scopes=["read"])
    client = bearer(key)
    assert client.get("/api/v1/me/").status_code == 200
    r = client.patch("/api/v1/me/", {"full_name": "Інше"}, format="json")
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    assert client.post("/api/v1/notifications/read-all/").status_code == 403
    person.refresh_from_db()
    assert person.full_name != "Інше"


def test_a_role_scoped_token_changes_only_in_its_roles_areas(person):
    _token, juror_key = tokens.issue(person, scopes=["juror"])
    _token, applicant_key = tokens.issue(person, scopes=["applicant"])
    # Registering an organisation is an applicant's (and an organiser's) act, not a juror's:
    # the juror's token is refused before the body is read; the applicant's gets to validation.
    refused = bearer(juror_key).post("/api/v1/organisations/", {}, format="json")
    assert refused.status_code == 403 and "juror" in refused.json()["detail"]
    assert bearer(applicant_key).post("/api/v1/organisations/", {}, format="json").status_code == 400
    # Messages belong to every role.
    assert bearer(juror_key).post("/api/v1/notifications/read-all/").status_code != 403


def test_tokens_are_made_only_with_a_session_or_a_full_token(person, api):
    _token, read_key = tokens.issue(person, scopes=["read"])
    _token, role_key = tokens.issue(person, scopes=["applicant"])
    _token, full_key = tokens.issue(person)
    assert bearer(read_key).post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 403
    assert bearer(role_key).post("/api/v1/tokens/", {"name": "y"}, format="json").status_code == 403
    assert bearer(full_key).post("/api/v1/tokens/", {"name": "z"}, format="json").status_code == 201
    r = api(person).post("/api/v1/tokens/", {"name": "w", "scopes": ["juror"], "expires_in_days": 7})
    assert r.status_code == 201, r.content
    assert r.json()["scopes"] == ["juror"] and r.json()["token"].startswith("kk_")
    assert set(ApiToken.objects.filter(user=person).values_list("name", flat=True)) >= {"z", "w"}


def test_a_live_name_cannot_be_taken_twice(person, api):
    assert api(person).post("/api/v1/tokens/", {"name": "CI"}).status_code == 201
    r = api(person).post("/api/v1/tokens/", {"name": "CI"})
    assert r.status_code == 400 and "name" in r.json()["errors"]


# --- listing and revoking -----------------------------------------------------------------------


def test_the_owner_lists_their_tokens_and_no_one_elses(person, api):
    mine, _key = tokens.issue(person, name="mine")
    tokens.issue(UserFactory(), name="theirs")
    r = api(person).get("/api/v1/tokens/")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [row["name"] for row in rows] == ["mine"]
    assert rows[0]["prefix"] == mine.key_prefix and "token" not in rows[0] and "key_hash" not in rows[0]


def test_another_person_cannot_see_or_revoke_a_token(person, api):
    token, key = tokens.issue(person)
    stranger = api(UserFactory())
    assert stranger.get(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert stranger.delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert stranger.post(f"/api/v1/tokens/{token.pk}/revoke/").status_code == 404
    assert stranger.get(f"/api/v1/tokens/?user={person.pk}").json()["results"] == []
    assert bearer(key).get("/api/v1/me/").status_code == 200


def test_the_owner_revokes_through_the_api(person, api):
    token, key = tokens.issue(person)
    assert api(person).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == person
    assert bearer(key).get("/api/v1/me/").status_code == 401
    assert SecurityEvent.objects.filter(kind="token_revoked", user=person).exists()


def test_staff_list_and_revoke_anyones_token(person, api, staff):
    token, key = tokens.issue(person, name="script")
    listed = api(staff).get(f"/api/v1/tokens/?user={person.pk}").json()["results"]
    assert [row["name"] for row in listed] == ["script"]
    r = api(staff).post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert r.status_code == 200 and r.json()["active"] is False
    assert bearer(key).get("/api/v1/me/").status_code == 401
    event = SecurityEvent.objects.get(kind="token_revoked")
    assert event.user == person and event.actor == staff


def test_an_id_beyond_64_bits_is_404_not_500(person, api):
    assert api(person).delete(f"/api/v1/tokens/{2**70}/").status_code == 404
    assert api(person).get(f"/api/v1/tokens/{2**70}/").status_code == 404


def test_anonymous_cannot_list_tokens():
    assert APIClient().get("/api/v1/tokens/").status_code in (401, 403)
