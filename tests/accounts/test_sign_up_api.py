"""Sign-up through the API: an inactive account until its e-mail address is confirmed (by the
API with the link's token, or on the link's page), weak passwords refused, rate-limited."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import User
from core import clock

pytestmark = pytest.mark.django_db

GOOD = {"email": "Nova@Example.org", "full_name": "Ганна Вигадана", "password": "Kalyna-vesna-2031"}


@pytest.fixture
def sign_up(api, django_capture_on_commit_callbacks):
    def post(payload=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return api().post("/api/v1/auth/sign-up/", payload or GOOD, format="json", **extra)

    return post


def _token() -> str:
    return re.search(r"/accounts/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)


def test_sign_up_then_confirm_by_api_then_log_in(api, sign_up):
    response = sign_up()
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "nova@example.org"
    user = User.objects.get(email="nova@example.org")
    assert not user.is_active and user.email_confirmed_at is None
    assert mail.outbox[-1].to == ["nova@example.org"]
    # Not yet: logging in says what to do.
    login = api().post(
        "/api/v1/auth/token/", {"email": GOOD["email"], "password": GOOD["password"]}, format="json"
    )
    assert login.status_code == 400
    assert "Confirm your e-mail address first" in str(login.json())

    response = api().post("/api/v1/auth/confirm-email/", {"token": _token()}, format="json")
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/me/").json()["email"] == "nova@example.org"
    login = api().post(
        "/api/v1/auth/token/", {"email": GOOD["email"], "password": GOOD["password"]}, format="json"
    )
    assert login.status_code == 200


def test_confirmation_twice_answers_410_and_a_bad_token_400(api, sign_up):
    sign_up()
    token = _token()
    assert api().post("/api/v1/auth/confirm-email/", {"token": token}, format="json").status_code == 200
    again = api().post("/api/v1/auth/confirm-email/", {"token": token}, format="json")
    assert again.status_code == 410 and "already confirmed" in again.json()["detail"]
    bad = api().post("/api/v1/auth/confirm-email/", {"token": token[:-3] + "xyz"}, format="json")
    assert bad.status_code == 400 and "token" in bad.json()["errors"]


def test_expired_confirmation_answers_410_and_the_address_may_sign_up_again(api, sign_up):
    sign_up()
    token = _token()
    with time_machine.travel(clock.now() + timedelta(days=4)):
        response = api().post("/api/v1/auth/confirm-email/", {"token": token}, format="json")
        assert response.status_code == 410 and "expired" in response.json()["detail"]
        assert not User.objects.get(email="nova@example.org").is_active
        # Signing up again replaces the unconfirmed account.
        assert sign_up().status_code == 201
    assert User.objects.filter(email="nova@example.org").count() == 1


def test_sign_up_refusals_change_nothing(sign_up):
    assert "password" in sign_up({**GOOD, "password": "12345678"}).json()["errors"]
    assert "password" in sign_up({**GOOD, "password": "nova@example.org"}).json()["errors"]
    assert "email" in sign_up({**GOOD, "email": "not an address"}).json()["errors"]
    assert "full_name" in sign_up({**GOOD, "full_name": ""}).json()["errors"]
    assert not User.objects.exists() and not mail.outbox
    # An address with an account, or waiting for its confirmation, answers as a new one would
    # (tests/accounts/test_axes_sign_up.py): never signed up twice.
    assert sign_up().status_code == 201
    assert sign_up().status_code == 201
    assert User.objects.filter(email="nova@example.org").count() == 1


def test_sign_up_is_rate_limited_per_client_address(settings, sign_up):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "sign_up": "2/hour"}
    codes = [sign_up({**GOOD, "email": f"p{i}@example.org"}).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    response = sign_up({**GOOD, "email": "p9@example.org"})
    assert response.status_code == 429 and "Retry-After" in response
    assert not User.objects.filter(email="p9@example.org").exists()
    # A forged X-Forwarded-For from an untrusted peer does not buy a new allowance.
    assert sign_up({**GOOD, "email": "p8@example.org"}, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert sign_up({**GOOD, "email": "p7@example.org"}, REMOTE_ADDR="10.1.2.3").status_code == 201


def test_confirmation_page_confirms_and_logs_in(client, sign_up):
    sign_up()
    link = reverse("accounts:confirm_email", args=[_token()])
    assert "Confirm the address" in client.get(link).content.decode()
    assert not User.objects.get(email="nova@example.org").is_active  # opening the link is not enough
    response = client.post(link)
    assert response.status_code == 302
    user = User.objects.get(email="nova@example.org")
    assert user.is_active and int(client.session["_auth_user_id"]) == user.pk
    client.logout()
    response = client.post(link)
    assert response.status_code == 400
    assert "already confirmed" in response.content.decode()


def test_schema_documents_the_new_statuses(api):
    schema = api().get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert set(paths["/api/v1/auth/sign-up/"]["post"]["responses"]) >= {"201", "400", "429"}
    assert set(paths["/api/v1/auth/confirm-email/"]["post"]["responses"]) >= {"200", "400", "410", "429"}
    assert set(paths["/api/v1/invitations/accept/"]["post"]["responses"]) >= {"200", "400", "410", "429"}
    assert set(paths["/api/v1/invitations/"]["post"]["responses"]) >= {"201", "400", "403"}
    assert set(paths["/api/v1/organisers/"]["post"]["responses"]) >= {"200", "201", "400", "403"}
