"""Ukrainian by default (issue 12, point 4): pages open in LANGUAGE_CODE whatever the browser says,
unless the person chose a language: the cookie, and for logged-in people their profile."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ukrainian_site(settings):
    """The product's default (tests/conftest.py switches tests to English)."""
    settings.LANGUAGE_CODE = "uk"


def language_of(response) -> str:
    return response["Content-Language"]


def test_a_russian_set_browser_opens_in_ukrainian(ukrainian_site):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert response.status_code == 200
    assert language_of(response) == "uk"
    assert '<html lang="uk">' in response.content.decode()
    # The page no longer depends on Accept-Language, so a cache must not split on it.
    assert "Accept-Language" not in response.get("Vary", "")


def test_the_deployment_default_is_the_language_code(settings):
    settings.LANGUAGE_CODE = "en"
    assert language_of(Client().get("/", HTTP_ACCEPT_LANGUAGE="uk,ru;q=0.8")) == "en"


def test_choosing_russian_is_remembered(ukrainian_site):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/practices/"})
    assert response.status_code == 302
    assert response["Location"] == "/practices/"
    assert response.cookies["django_language"].value == "ru"
    assert response.cookies["django_language"]["max-age"]  # kept, not a session cookie
    later = client.get("/", HTTP_ACCEPT_LANGUAGE="uk")
    assert language_of(later) == "ru"
    assert '<html lang="ru">' in later.content.decode()


def test_a_language_we_do_not_have_changes_nothing(ukrainian_site):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert "django_language" not in response.cookies
    assert language_of(client.get("/")) == "uk"


def test_an_unknown_cookie_opens_in_ukrainian(ukrainian_site):
    client = Client()
    client.cookies["django_language"] = "de"
    assert language_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "uk"


def test_the_profile_language_wins_after_login(ukrainian_site):
    user = UserFactory(language="en")
    client = Client()
    client.cookies["django_language"] = "ru"  # chosen before logging in, on this device
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    page = client.get("/accounts/me/", HTTP_ACCEPT_LANGUAGE="ru")
    assert language_of(page) == "en"
    assert "My profile" in page.content.decode()


def test_a_wrong_password_does_not_change_the_language(ukrainian_site):
    user = UserFactory(language="en")
    client = Client()
    response = client.post("/accounts/login/", {"username": user.email, "password": "wrong-one"})
    assert response.status_code == 200
    assert "django_language" not in response.cookies
    assert language_of(response) == "uk"


def test_a_logged_in_choice_is_saved_in_the_profile(ukrainian_site):
    user = UserFactory(language="uk")
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ru"
    assert language_of(client.get("/")) == "ru"


def test_a_get_to_setlang_changes_nothing(ukrainian_site):
    user = UserFactory(language="uk")
    client = Client()
    client.force_login(user)
    response = client.get("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
    user.refresh_from_db()
    assert user.language == "uk"


def test_the_api_follows_accept_language(ukrainian_site, api):
    """A program asks for its language explicitly; the API answers in it."""
    response = api().get("/api/v1/contests/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert language_of(response) == "ru"
    assert language_of(api().get("/api/v1/contests/")) == "uk"
