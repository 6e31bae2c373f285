"""Private files never by bare URL (issue 16, point 14): even with DEBUG on (the embedded
default of `make run`), `/media/<name>` serves nothing; uploads are read only through the
permission-checked download views."""

import importlib

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse

import config.urls
from applications import services
from contests import services as contest_services
from tests.applications.conftest import REQUIRED_ANSWERS, add_form, pdf_upload
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug_urls():
    """The URLconf as `DEBUG=True` builds it (config.urls reads DEBUG at import)."""
    with override_settings(DEBUG=True):
        clear_url_caches()
        importlib.reload(config.urls)
        yield
    clear_url_caches()
    importlib.reload(config.urls)


@pytest.fixture
def stored(tmp_path, settings, draft_contest, organiser, applicant):
    settings.MEDIA_ROOT = str(tmp_path)
    add_form(draft_contest)
    contest = contest_services.publish_contest(draft_contest, by=organiser)
    application = services.start_application(
        organisation=applicant.organisations.get(),
        contest=contest,
        nomination=contest.nominations.get(),
        title="Файли лише через перевірку",
        by=applicant,
    )
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=applicant)
    services.add_attachment(
        application, field_key="plan", upload=pdf_upload(body=b"secret plan"), by=applicant
    )
    return application.attachments.get()


def _as(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_no_media_url_even_with_debug(debug_urls, stored, applicant):
    assert settings.DEBUG and (settings.MEDIA_ROOT and stored.file.storage.exists(stored.file.name))
    bare = settings.MEDIA_URL + stored.file.name
    for user in (None, applicant):
        response = _as(user).get(bare)
        assert response.status_code == 404
        assert b"secret plan" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_checked_download_serves_the_owner_and_refuses_others(debug_urls, stored, applicant):
    url = reverse("applications:download", args=[stored.application_id, stored.pk])
    own = _as(applicant).get(url)
    assert own.status_code == 200 and b"".join(own.streaming_content).startswith(b"%PDF")
    stranger = UserFactory()
    OrganisationFactory().memberships.create(user=stranger)
    assert _as(stranger).get(url).status_code == 404
    assert _as(None).get(url).status_code in (302, 404)  # anonymous: to the login page
