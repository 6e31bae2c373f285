"""Sign-up and password reset never tell who has an account, and are limited like logins
(issue 16, point 1); argon2 and translated password rules (point 3)."""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import UserFactory
from tests.sign_up import confirmation_link

pytestmark = pytest.mark.django_db

PASSWORD = "Kalyna-vesna-2031"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IP_FAILURE_LIMIT = 5


@pytest.fixture
def web_sign_up(client, django_capture_on_commit_callbacks):
    def post(email, **extra):
        data = {"email": email, "full_name": "Ганна Вигадана", "password1": PASSWORD, "password2": PASSWORD}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:signup"), data, **extra)

    return post


@pytest.fixture
def api_sign_up(api, django_capture_on_commit_callbacks):
    def post(email, **extra):
        payload = {"email": email, "full_name": "Ганна Вигадана", "password": PASSWORD}
        with django_capture_on_commit_callbacks(execute=True):
            return api().post("/api/v1/auth/sign-up/", payload, format="json", **extra)

    return post


def _page(response) -> str:
    """The page without what differs per request anyway (CSRF tokens, nonces)."""
    html = response.content.decode()
    return re.sub(r'[A-Za-z0-9]{64}|nonce="[^"]*"', "", html)


def test_web_sign_up_answers_the_same_for_a_taken_address(web_sign_up):
    owner = UserFactory(email="taken@example.org", full_name="Власниця Адреси")
    taken = web_sign_up("Taken@Example.org")
    new = web_sign_up("new@example.org")
    assert taken.status_code == new.status_code == 200
    assert _page(taken).replace("taken@example.org", "X") == _page(new).replace("new@example.org", "X")
    assert "already exists" not in _page(taken)
    # The owner is told by e-mail; nothing of theirs changed, and no second account.
    [to_owner] = [m for m in mail.outbox if m.to == ["taken@example.org"]]
    assert "already has an account" in to_owner.body and "/accounts/password-reset/" in to_owner.body
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    owner.refresh_from_db()
    assert owner.full_name == "Власниця Адреси" and owner.check_password(FACTORY_PASSWORD)


def test_api_sign_up_answers_the_same_for_a_taken_address(api_sign_up):
    UserFactory(email="taken@example.org")
    taken = api_sign_up("TAKEN@example.org")
    new = api_sign_up("new@example.org")
    assert taken.status_code == new.status_code == 201
    assert taken.json()["detail"].replace("taken", "new") == new.json()["detail"]
    assert mail.outbox[0].to == ["taken@example.org"]
    assert "already has an account" in mail.outbox[0].body
    assert User.objects.count() == 2


def test_a_sign_up_waiting_for_confirmation_gets_a_new_link(api_sign_up, client):
    assert api_sign_up("nova@example.org").status_code == 201
    assert api_sign_up("nova@example.org").status_code == 201
    assert len(mail.outbox) == 2 and all("/accounts/confirm/" in m.body for m in mail.outbox)
    assert client.post(confirmation_link()).status_code == 302
    assert User.objects.get(email="nova@example.org").is_active


def test_sign_up_is_limited_per_address(web_sign_up, api_sign_up):
    codes = [web_sign_up("target@example.org", REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 200]
    refused = web_sign_up("target@example.org", REMOTE_ADDR="192.0.2.77")
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    api_refused = api_sign_up("Target@example.org", REMOTE_ADDR="192.0.2.78")
    assert api_refused.status_code == 429 and int(api_refused["Retry-After"]) > 0


def test_sign_up_is_limited_per_client_address(web_sign_up):
    codes = [web_sign_up(f"p{n}@example.org").status_code for n in range(6)]
    assert codes == [200] * 5 + [429]
    assert not User.objects.filter(email="p5@example.org").exists()


def test_password_reset_is_limited(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    codes = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            codes.append(client.post(reverse("accounts:password_reset"), {"email": user.email}).status_code)
    assert codes == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    refused = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert "Too many attempts" in refused.content.decode() and int(refused["Retry-After"]) > 0


# --- argon2 and Django's password rules ----------------------------------------------------------

REAL_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]


def test_argon2_comes_first_in_the_settings():
    from config import settings as project

    assert project.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_pbkdf2_hash_becomes_argon2_at_login(settings, client):
    settings.PASSWORD_HASHERS = REAL_HASHERS
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_new_passwords_are_argon2(settings):
    settings.PASSWORD_HASHERS = REAL_HASHERS
    assert UserFactory().password.startswith("argon2$")


def test_a_short_password_is_refused_in_ukrainian(client, settings):
    settings.LANGUAGE_CODE = "uk"
    data = {"email": "nova@example.org", "full_name": "Нова", "password1": "Kv-1", "password2": "Kv-1"}
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert "Пароль занадто короткий" in response.content.decode()
    assert not User.objects.exists()
