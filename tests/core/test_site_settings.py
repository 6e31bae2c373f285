"""Issue 12, point 8: the site's name, operator, contacts, logo and own pages come from settings
and a staff page (and PATCH /api/v1/site/); "Konkurs" is only the default."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core import site
from core.models import SiteSettings
from core.templatetags.konkurs import in_zone
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (8, 58, 115)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def person(db):
    return UserFactory()


def test_defaults_come_from_settings(client, settings):
    html = client.get(reverse("home")).content.decode()
    assert '<a class="site-name" href="/"><span>Konkurs</span></a>' in html
    assert "— Konkurs</title>" in html
    for name in ("site:about", "site:contacts", "site:accessibility", "site:privacy", "api-docs"):
        assert f'href="{reverse(name)}"' in html
    settings.SITE_NAME = "Конкурси для бібліотек"
    settings.SITE_OPERATOR = "Обласна бібліотека Вигаданої області"
    settings.SITE_CONTACT_EMAIL = "konkurs@vyhadana.example.org"
    html = client.get(reverse("home")).content.decode()
    assert "<span>Конкурси для бібліотек</span>" in html and "Konkurs" not in html
    assert "Обласна бібліотека Вигаданої області" in html
    assert "mailto:konkurs@vyhadana.example.org" in html


def test_staff_page_changes_name_texts_and_logo(client, staff):
    client.force_login(staff)
    page = client.get(reverse("site:settings"))
    assert page.status_code == 200
    response = client.post(
        reverse("site:settings"),
        {
            "site_name": "Конкурси Вигаданого міністерства",
            "operator": "Міністерство вигаданих справ",
            "contact_email": "pytannia@ministry.example.org",
            "privacy_text": "Наш власний текст про персональні дані.",
            "logo_file": SimpleUploadedFile("my logo.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    row = SiteSettings.objects.get()
    assert row.logo_type == "png" and row.logo.name.startswith("site/") and "my logo" not in row.logo.name
    html = client.get(reverse("home")).content.decode()
    assert "Конкурси Вигаданого міністерства" in html and "Міністерство вигаданих справ" in html
    assert f'src="{reverse("site:logo")}?v=' in html
    logo = client.get(reverse("site:logo"))
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == png_bytes()
    privacy = client.get(reverse("site:privacy")).content.decode()
    assert "Наш власний текст про персональні дані." in privacy
    # An emptied text shows the standard one again.
    client.post(reverse("site:settings"), {"site_name": "Конкурси Вигаданого міністерства"})
    privacy = client.get(reverse("site:privacy")).content.decode()
    assert "Наш власний текст" not in privacy and "On Personal Data Protection" in privacy


def test_a_logo_that_is_not_an_image_is_refused_and_changes_nothing(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("site:settings"),
        {
            "site_name": "Інша назва",
            "logo_file": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert "This file type is not accepted here. Allowed: PNG, JPEG." in response.content.decode()
    assert not SiteSettings.objects.exists()
    assert client.get(reverse("site:logo")).status_code == 404
    assert "Інша назва" not in client.get(reverse("home")).content.decode()


def test_only_staff_see_and_change_the_settings(client, person):
    assert client.get(reverse("site:settings")).status_code == 302  # to the login page
    client.force_login(person)
    assert client.get(reverse("site:settings")).status_code == 403
    assert client.post(reverse("site:settings"), {"site_name": "Захоплено"}).status_code == 403
    assert not SiteSettings.objects.exists()
    assert reverse("site:settings") not in client.get(reverse("home")).content.decode()


def test_public_pages_show_default_texts(client):
    for name, words in [
        ("site:about", "About this site"),
        ("site:contacts", "Contacts"),
        ("site:accessibility", "WCAG"),
        ("site:privacy", "cookies"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert words in response.content.decode()


def test_settings_are_cached_between_pages(client, staff, django_assert_num_queries):
    site.save_site_settings(by=staff, values={"site_name": "Кешована назва"})
    client.get(reverse("site:about"))
    with django_assert_num_queries(0):
        assert site.current().name == "Кешована назва"


def test_api_reads_for_everyone_and_changes_for_staff(person, staff):
    from rest_framework.test import APIClient

    api = APIClient()
    data = api.get("/api/v1/site/").json()
    assert data["site_name"] == "Konkurs" and data["logo_url"] is None
    assert api.patch("/api/v1/site/", {"site_name": "X"}, format="json").status_code == 403
    api.force_authenticate(person)
    refused = api.patch("/api/v1/site/", {"site_name": "X"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only staff may change the site settings."
    api.force_authenticate(staff)
    bad = api.patch("/api/v1/site/", {"logo": SimpleUploadedFile("a.png", b"GIF89a....")}, format="multipart")
    assert bad.status_code == 400 and "logo" in bad.json()["errors"]
    bad = api.patch("/api/v1/site/", {"contact_email": "not an address"}, format="json")
    assert bad.status_code == 400 and "contact_email" in bad.json()["errors"]
    assert not SiteSettings.objects.exists()
    ok = api.patch(
        "/api/v1/site/",
        {"operator": "Вигадана обласна бібліотека", "logo": SimpleUploadedFile("l.png", png_bytes())},
        format="multipart",
    )
    assert ok.status_code == 200
    assert ok.json()["operator"] == "Вигадана обласна бібліотека"
    assert "/site/logo/?v=" in ok.json()["logo_url"]
    assert APIClient().get("/api/v1/site/").json()["operator"] == "Вигадана обласна бібліотека"


def test_time_zone_named_only_when_it_differs_from_the_viewers(settings):
    from datetime import UTC, datetime

    from django.utils import timezone

    moment = datetime(2027, 3, 20, 16, 0, tzinfo=UTC)
    with timezone.override("Europe/Kyiv"):
        assert "(Europe/Kyiv)" not in in_zone(moment, "Europe/Kyiv")
        assert "18:00" in in_zone(moment, "Europe/Kyiv")
        assert "(Europe/Warsaw)" in in_zone(moment, "Europe/Warsaw")


def test_results_page_explains_verification_without_a_command(client):
    page = client.get(reverse("awards:how_to_verify")).content.decode()
    assert "python manage.py verify_results results.json" in page
    assert "sha256sum" in page
