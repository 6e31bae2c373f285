"""The second factor in the API (issue 16, point 2): no changes by an unverified privileged
person (session or token), the code at the token endpoint, and staff resetting someone's."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import ApiToken, SecurityEvent
from tests.factories import PASSWORD, UserFactory
from tests.two_step import code_now, confirmed_device, unverified_force_login, verified_force_login

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ORGANISATION = {
    "name": "Бібліотека для тесту",
    "kind": "public_library",
    "region": "poltava",
    "settlement": "Вигадане",
    "email": "lib@example.org",
}


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def session(user, *, verified: bool) -> APIClient:
    client = APIClient()
    (verified_force_login if verified else unverified_force_login)(client, user)
    return client


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_an_unverified_organisers_session_reads_but_changes_nothing(organiser, draft_contest):
    client = session(organiser, verified=False)
    assert client.get("/api/v1/me/").status_code == 200
    r = client.post("/api/v1/organisations/", ORGANISATION, format="json")
    assert r.status_code == 403
    assert "Two-step verification is required" in r.json()["detail"]
    assert client.patch("/api/v1/me/", {"full_name": "Інше"}, format="json").status_code == 403


def test_a_verified_organisers_session_changes_things(organiser, draft_contest):
    client = session(organiser, verified=True)
    assert client.post("/api/v1/organisations/", ORGANISATION, format="json").status_code == 201


def test_an_applicants_session_needs_no_second_factor(applicant):
    client = session(applicant, verified=False)
    assert client.post("/api/v1/organisations/", ORGANISATION, format="json").status_code == 201


# --- the token endpoint ---------------------------------------------------------------------------


def test_the_token_endpoint_wants_the_code_of_a_person_with_an_app(organiser, draft_contest):
    device = confirmed_device(organiser)
    missing = APIClient().post(TOKEN, {"email": organiser.email, "password": PASSWORD}, format="json")
    assert missing.status_code == 400 and "otp_code" in str(missing.json())
    right = code_now(device)
    wrong = APIClient().post(
        TOKEN,
        {"email": organiser.email, "password": PASSWORD, "otp_code": "000000" if right != "000000" else "1"},
        format="json",
    )
    assert wrong.status_code == 400 and "otp_code" in str(wrong.json())
    assert not ApiToken.objects.filter(user=organiser).exists()
    assert SecurityEvent.objects.filter(user=organiser, kind=SecurityEvent.Kind.OTP_FAILED).exists()

    ok = APIClient().post(
        TOKEN, {"email": organiser.email, "password": PASSWORD, "otp_code": right}, format="json"
    )
    assert ok.status_code == 200
    assert ApiToken.objects.get(user=organiser).verified
    client = bearer(ok.json()["token"])
    assert client.post("/api/v1/organisations/", ORGANISATION, format="json").status_code == 201


def test_a_token_without_the_code_changes_nothing_for_an_organiser(organiser, draft_contest):
    r = APIClient().post(TOKEN, {"email": organiser.email, "password": PASSWORD}, format="json")
    assert r.status_code == 200 and not ApiToken.objects.get(user=organiser).verified
    client = bearer(r.json()["token"])
    assert client.get("/api/v1/me/").status_code == 200
    refused = client.post("/api/v1/organisations/", ORGANISATION, format="json")
    assert refused.status_code == 403 and "Two-step verification" in refused.json()["detail"]


def test_a_code_is_refused_from_a_person_without_an_app(applicant):
    r = APIClient().post(
        TOKEN, {"email": applicant.email, "password": PASSWORD, "otp_code": "123456"}, format="json"
    )
    assert r.status_code == 400 and "otp_code" in str(r.json())


# --- staff reset ----------------------------------------------------------------------------------


def test_staff_reset_a_second_factor_through_the_api(api, staff, applicant):
    confirmed_device(applicant)
    assert api(staff).post(f"/api/v1/people/{applicant.pk}/two-step/reset/").status_code == 204
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    event = SecurityEvent.objects.get(user=applicant, kind=SecurityEvent.Kind.OTP_RESET)
    assert event.actor == staff


def test_only_staff_reset_through_the_api(api, organiser, draft_contest, applicant, staff):
    confirmed_device(applicant)
    url = f"/api/v1/people/{applicant.pk}/two-step/reset/"
    assert api().post(url).status_code in (401, 403)
    assert api(organiser).post(url).status_code == 403
    assert api(UserFactory()).post(url).status_code == 403
    assert api(staff).post("/api/v1/people/999999/two-step/reset/").status_code == 404
    assert api(staff).post(f"/api/v1/people/{2**70}/two-step/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=applicant).exists()
