"""Friendly error pages (issue 12, point 5): 400, 403 (and the CSRF check), 404, 429 and 500 in the
site's look and the person's language, with a way back; the API keeps answering JSON."""

from unittest import mock

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.failing_urls")]


def html(response) -> str:
    return response.content.decode()


def in_site_look(page: str) -> bool:
    return 'class="site-header"' in page and '<main id="main"' in page and 'class="site-footer"' in page


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def test_404_in_the_site_look_with_a_way_back(client):
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/practices/")
    assert response.status_code == 404
    page = html(response)
    assert in_site_look(page)
    assert "Page not found" in page
    assert 'href="http://testserver/practices/"' in page  # back where they came from
    assert 'href="/"' in page


def test_a_way_back_never_leads_to_another_site(client):
    page = html(client.get("/no-such-page/", HTTP_REFERER="https://evil.example.com/phish"))
    assert "evil.example.com" not in page
    assert "Back to the page you were on" not in page


def test_404_in_the_persons_language(client):
    client.cookies["django_language"] = "uk"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="uk">' in html(response)
    assert "Page not found" not in html(response)  # translated


def test_403_in_the_site_look(client):
    response = client.get("/h15/denied/")
    assert response.status_code == 403
    page = html(response)
    assert in_site_look(page)
    assert "Not allowed" in page
    assert "/accounts/login/?next=/h15/denied/" in page  # a visitor may just need to log in


def test_400_in_the_site_look(client):
    response = client.get("/h15/unreadable/")
    assert response.status_code == 400
    assert in_site_look(html(response))
    assert "The request could not be read" in html(response)


def test_429_says_how_long_to_wait(client):
    response = client.get("/h15/throttled/")
    assert response.status_code == 429
    assert response["Retry-After"] == "90"
    page = html(response)
    assert in_site_look(page)
    assert "Please wait 2 minutes and try again." in page


def test_csrf_failure_says_what_to_do(client):
    """Django's stock page (English, DEBUG advice, no way back) is replaced by ours."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get("/")  # the form's page: the CSRF cookie is set
    response = csrf_client.post(
        "/i18n/setlang/",
        {"language": "ru", "next": "/", "csrfmiddlewaretoken": "x" * 64},
        HTTP_REFERER="http://testserver/practices/",
    )
    assert response.status_code == 403
    page = html(response)
    assert in_site_look(page)
    assert "The page was open too long" in page
    assert "Your answers are kept" in page
    assert "DEBUG" not in page and "CSRF verification failed" not in page
    assert 'href="http://testserver/practices/"' in page
    assert "blocking cookies" not in page
    assert "django_language" not in response.cookies  # nothing changed


def test_csrf_failure_without_a_cookie_mentions_cookies():
    response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "ru"})
    assert response.status_code == 403
    assert "blocking cookies" in html(response)


def test_csrf_failure_in_the_persons_language():
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "ru"
    response = client.post("/i18n/setlang/", {"language": "uk"})
    assert response.status_code == 403
    assert '<html lang="ru">' in html(response)


def test_500_from_a_view_that_raises(client):
    response = client.get("/h15/boom/")
    assert response.status_code == 500
    page = html(response)
    assert in_site_look(page)
    assert "Something went wrong" in page
    assert "an invented failure" not in page


def test_500_when_the_database_and_context_processors_fail(client):
    """The page renders without the user, the unread count or anything else that needs the DB."""
    with mock.patch(
        "notifications.context_processors.unread_messages", side_effect=RuntimeError("no database")
    ):
        response = client.get("/h15/database-down/")
    assert response.status_code == 500
    assert in_site_look(html(response))


def test_500_when_the_site_settings_cannot_be_read(client, settings):
    settings.SITE_NAME = "Вигаданий портал"
    with mock.patch("core.site.current", side_effect=RuntimeError("cache down")):
        response = client.get("/h15/boom/")
    assert response.status_code == 500
    assert in_site_look(html(response))
    assert "Вигаданий портал" in html(response)


def test_500_in_the_persons_language(client):
    client.cookies["django_language"] = "uk"
    response = client.get("/h15/boom/")
    assert response.status_code == 500
    assert '<html lang="uk">' in html(response)


def test_500_falls_back_to_a_fixed_page_when_even_that_fails(client):
    with mock.patch("core.errors.loader.get_template", side_effect=RuntimeError("templates gone")):
        response = client.get("/h15/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in html(response)
    assert "<main>" in html(response)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/no-such-thing/", 404),
        ("/api/h15/boom/", 500),
        ("/api/h15/denied/", 403),
        ("/api/h15/throttled/", 429),
    ],
)
def test_the_api_keeps_answering_json(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"  # RFC 9457 (core.problems)
    body = response.json()
    assert body["detail"] and body["title"] and body["status"] == status
    assert body["type"].endswith(
        "/problems/"
        + {404: "not-found", 500: "server-error", 403: "forbidden", 429: "too-many-requests"}[status]
    )
