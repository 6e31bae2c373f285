"""Fast on slow lines (issue 12, point 12): pages go compressed to people not logged in (never to
logged-in people: BREACH, core/compression.py), and public pages stay under 50 KB transferred."""

import gzip
import io
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory

from awards.selectors import announced_contests
from contests.models import Contest
from core.compression import SafeGZipMiddleware
from depository.models import Practice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 50 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def test_anonymous_pages_are_compressed():
    response = Client().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<main" in gzip.decompress(response.content)


def test_without_accept_encoding_nothing_is_compressed():
    assert not Client().get("/").has_header("Content-Encoding")


def test_pages_of_logged_in_people_are_not_compressed():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"Log out" in response.content


def test_api_answers_to_a_token_are_not_compressed(published_contest):
    from accounts import tokens

    _token, key = tokens.issue(UserFactory())
    anonymous = Client().get("/api/v1/contests/", HTTP_ACCEPT_ENCODING="gzip")
    assert anonymous["Content-Encoding"] == "gzip"
    response = Client().get(
        "/api/v1/contests/", HTTP_ACCEPT_ENCODING="gzip", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_files_that_are_not_text_are_not_compressed():
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    pdf = HttpResponse(b"%PDF-1.4 " + b"0" * 5000, content_type="application/pdf")
    assert not SafeGZipMiddleware(lambda r: pdf)(request).has_header("Content-Encoding")
    page = HttpResponse(b"<p>" + b"a" * 5000, content_type="text/html; charset=utf-8")
    assert SafeGZipMiddleware(lambda r: page)(request)["Content-Encoding"] == "gzip"


def _asset_bytes(url: str) -> int:
    """What the asset weighs as WhiteNoise sends it: gzip-compressed ahead of time."""
    path = urlsplit(url).path
    assert path.startswith(settings.STATIC_URL), url
    found = finders.find(path[len(settings.STATIC_URL) :])
    assert found, f"{url} is not a static file"
    with open(found, "rb") as source:
        return len(gzip.compress(source.read(), compresslevel=9))


def test_public_pages_stay_under_50_kb_transferred(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", "--force", stdout=io.StringIO())
    open_call = Contest.objects.filter(state=Contest.State.PUBLISHED).first()
    announced = announced_contests().first()
    case = Practice.objects.filter(state=Practice.State.PUBLISHED).first()
    assert open_call and announced and case, "the demo has an open call, results and a published case"
    pages = {
        "home": "/",
        "open call": f"/contests/{open_call.pk}/",
        "results": f"/results/{announced.pk}/",
        "depository": "/practices/",
        "case": f"/practices/{case.pk}/",
    }
    weights = {}
    client = Client()
    for name, url in pages.items():
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, name
        assert response["Content-Encoding"] == "gzip", name
        html = gzip.decompress(response.content).decode()
        assets = set(ASSET.findall(html))
        weights[name] = len(response.content) + sum(_asset_bytes(a) for a in assets)
    print({name: f"{weight / 1024:.1f} KB" for name, weight in weights.items()})
    heavy = {name: weight for name, weight in weights.items() if weight >= BUDGET}
    assert not heavy, f"over 50 KB transferred: {heavy}"
