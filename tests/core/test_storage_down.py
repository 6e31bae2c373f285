"""The file storage down (S3 refusing connections): uploads and downloads answer 503 with a message
in the person's language and a Retry-After, by the API and the web; everything else stays saved,
and the outage is logged. Files are stored on a real (moto) S3 first, then the storage's endpoint
moves to a port where nothing listens. No PostgreSQL needed."""

import logging
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from applications import services as application_services
from applications.models import Application, Attachment
from core.files import STORAGE_UNAVAILABLE_MESSAGE, StorageUnavailable, check_stored, storage_outage
from grants import services as grant_services
from grants.models import GrantReport
from tests.applications import s3
from tests.applications.conftest import add_form
from tests.grants.conftest import IBAN, World, pdf
from tests.grants.test_web import Funded
from tests.notifications.live import free_port

pytestmark = pytest.mark.django_db
moto_s3, s3_bucket, s3_storage = s3.moto_s3, s3.s3_bucket, s3.s3_storage  # fixtures

PDF = b"%PDF-1.4\n% invented plan\n%%EOF\n"
MESSAGE_EN = "Files cannot be stored right now; your answers are saved"


def in_ukrainian() -> str:
    """The message as a Ukrainian reader gets it (English until the catalogue has it)."""
    with translation.override("uk"):
        return str(STORAGE_UNAVAILABLE_MESSAGE)[:40]


@pytest.fixture
def storage_down(settings, s3_storage):
    """Call it to point the storage (the same bucket) at a port that refuses connections."""

    def down() -> None:
        dead = s3.s3_storage_settings(s3_storage)
        dead["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{free_port()}"
        settings.STORAGES = {**settings.STORAGES, "default": dead}

    return down


@pytest.fixture
def application(draft_contest, organiser, applicant) -> Application:
    from contests import services as contest_services

    add_form(draft_contest)
    contest = contest_services.publish_contest(draft_contest, by=organiser)
    return application_services.start_application(
        organisation=applicant.organisations.get(),
        contest=contest,
        nomination=contest.nominations.get(),
        title="Е-черга до читальної зали",
        by=applicant,
    )


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def assert_storage_503(response, message: str = MESSAGE_EN) -> None:
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert message in response.content.decode()


def assert_logged(caplog) -> None:
    warnings = [r for r in caplog.records if r.name == "core.files" and r.levelno == logging.WARNING]
    assert warnings, "the outage is logged"
    assert "EndpointConnectionError" in warnings[-1].getMessage()


# --- the helper --------------------------------------------------------------------------------


def test_the_storage_errors_are_told_apart(storage_down, application, applicant):
    from botocore.exceptions import ClientError, EndpointConnectionError

    assert storage_outage(EndpointConnectionError(endpoint_url="http://x")) is not None
    missing = ClientError(
        {"ResponseMetadata": {"HTTPStatusCode": 404}, "Error": {"Code": "404"}}, "HeadObject"
    )
    denied = ClientError(
        {"ResponseMetadata": {"HTTPStatusCode": 403}, "Error": {"Code": "403"}}, "HeadObject"
    )
    assert storage_outage(missing) is None and storage_outage(denied) is not None
    assert storage_outage(ValueError("a bug")) is None
    attachment = application_services.add_attachment(
        application, field_key="plan", upload=upload(), by=applicant
    )
    assert check_stored(attachment.file) is True
    storage_down()
    attachment.refresh_from_db()
    with pytest.raises(StorageUnavailable):
        check_stored(attachment.file)


# --- the API -----------------------------------------------------------------------------------


def test_api_upload_answers_503_with_the_message_and_saves_the_answers(
    storage_down, application, applicant, api, caplog
):
    client = api(applicant)
    url = f"/api/v1/applications/{application.pk}/"
    assert client.patch(url, {"answers": {"short": "Наш план"}}, format="json").status_code == 200
    storage_down()

    response = client.post(f"{url}attachments/", {"field_key": "plan", "file": upload()}, format="multipart")

    assert_storage_503(response)
    assert response.json()["detail"] == str(STORAGE_UNAVAILABLE_MESSAGE)
    assert_logged(caplog)
    application.refresh_from_db()
    assert application.answers["short"] == "Наш план"
    assert not application.attachments.exists()
    # In Ukrainian for a person who reads Ukrainian.
    uk = client.post(
        f"{url}attachments/",
        {"field_key": "plan", "file": upload()},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert_storage_503(uk, in_ukrainian())


def test_api_download_answers_503_not_a_redirect_to_the_dead_bucket(
    storage_down, application, applicant, api
):
    attachment = application_services.add_attachment(
        application, field_key="plan", upload=upload(), by=applicant
    )
    url = f"/api/v1/applications/{application.pk}/attachments/{attachment.pk}/download/"
    client = api(applicant)
    assert client.get(url).status_code == 302  # the storage up: a presigned URL
    storage_down()
    response = client.get(url)
    assert_storage_503(response)
    assert "Location" not in response


# --- the web -----------------------------------------------------------------------------------


def test_web_form_saves_the_answers_and_shows_the_503_page(storage_down, application, applicant, caplog):
    storage_down()
    response = web(applicant).post(
        reverse("applications:edit", args=[application.pk]),
        {
            "title": application.title,
            "answer_short": "Збережена відповідь",
            "file_plan": upload(),
            "upload": "plan",
        },
    )
    assert_storage_503(response)
    page = response.content.decode()
    assert "<h1>" in page and 'class="site-header"' in page  # the site's own page, not a bare error
    assert_logged(caplog)
    application.refresh_from_db()
    assert application.answers["short"] == "Збережена відповідь"
    assert not application.attachments.exists()


def test_web_htmx_upload_puts_the_message_in_the_messages_region(storage_down, application, applicant):
    storage_down()
    client = web(applicant)
    client.cookies["django_language"] = "uk"  # pages follow the chosen language, not Accept-Language
    response = client.post(
        reverse("applications:upload", args=[application.pk, "plan"]),
        {"file_plan": upload()},
        headers={"HX-Request": "true"},
    )
    assert_storage_503(response, in_ukrainian())
    assert response["HX-Retarget"] == "#messages"
    assert 'role="alert"' in response.content.decode()


def test_web_download_answers_503(storage_down, application, applicant):
    attachment = application_services.add_attachment(
        application, field_key="plan", upload=upload(), by=applicant
    )
    url = reverse("applications:download", args=[application.pk, attachment.pk])
    assert web(applicant).get(url).status_code == 302
    storage_down()
    assert_storage_503(web(applicant).get(url))


def test_a_file_missing_from_a_working_storage_is_404(s3_storage, application, applicant):
    attachment = application_services.add_attachment(
        application, field_key="plan", upload=upload(), by=applicant
    )
    s3_storage.client.delete_object(Bucket=s3_storage.name, Key=attachment.file.name)
    url = reverse("applications:download", args=[application.pk, attachment.pk])
    assert web(applicant).get(url).status_code == 404


# --- grants and the depository -------------------------------------------------------------------


def test_grant_report_keeps_the_draft_when_its_files_cannot_be_stored(storage_down):
    funded = Funded(World())
    storage_down()
    url = reverse("grants:report", args=[funded.report.pk])
    response = web(funded.world.member).post(
        url, {**funded.report_data(save="1"), "attachments": [upload("акт.pdf")]}
    )
    assert_storage_503(response)
    report = GrantReport.objects.get(pk=funded.report.pk)
    assert report.narrative.startswith("Навчили 120")  # the draft is saved without the file
    assert report.state == GrantReport.State.DUE and not report.attachments.exists()


def test_grant_report_file_and_agreement_downloads_answer_503(storage_down):
    funded = Funded(World())
    world = funded.world
    attachment = grant_services.add_report_attachment(
        funded.report, by=world.member, upload=upload("акт.pdf")
    )
    grant = world.offer(application=world.awarded(), agreement_draft=pdf("proekt.pdf"))
    urls = [
        reverse("grants:report_file", args=[funded.report.pk, attachment.pk]),
        reverse("grants:agreement_file", args=[grant.pk, "draft"]),
    ]
    officer = web(world.officer)
    assert [officer.get(u).status_code for u in urls] == [302, 302]
    storage_down()
    for url in urls:
        assert_storage_503(officer.get(url))


def test_grant_signed_agreement_upload_answers_503(storage_down):
    world = World()
    grant = world.offer()
    grant_services.update_bank_details(
        grant, by=world.member, payee_name="ПБ Вигадана", payee_bank="Тестбанк", payee_iban=IBAN
    )
    storage_down()
    response = web(world.officer).post(
        reverse("grants:sign", args=[grant.pk]),
        {"signed_copy": pdf(), "signed_on": date(2025, 1, 9).isoformat()},
    )
    assert_storage_503(response)


def test_depository_download_answers_503(storage_down, organiser, client):
    from tests.depository.conftest import Cases

    cases = Cases(organiser)
    application = cases.application(Application.State.AWARDED)
    public = cases.attach(application, "case_presentation", public=True, name="slides.pdf")
    practice = cases.published(application)
    url = reverse("depository:download", args=[practice.pk, public.pk])
    assert client.get(url).status_code == 302
    storage_down()
    assert_storage_503(client.get(url))
    assert Attachment.objects.filter(pk=public.pk).exists()
