"""An application's attachment: a decompression bomb is refused within a few megabytes (service and
API); a file name too long for the form and a JSON body nested too deep answer 400 with a message for
people, in their language (core.parsing)."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications import services
from core import files, parsing
from tests.bombs import MB, docx_bomb, odt_bomb, peak_memory, upload

pytestmark = pytest.mark.django_db
BOMB_MESSAGE = "This file unpacks to far more than its size; it cannot be accepted."
LIMIT = 20 * MB


@pytest.fixture
def documents_question(form_contest):
    """The required `plan` question takes PDF, DOCX and ODT (1 MB: the 0.4 MB bombs fit)."""
    form_contest.form_fields.filter(key="plan").update(file_types=list(files.DOCUMENT_TYPES))


@pytest.mark.parametrize("bomb", [odt_bomb, docx_bomb], ids=["odt", "docx"])
def test_the_service_refuses_a_bomb_within_a_few_megabytes(documents_question, application, applicant, bomb):
    data = bomb()
    peak, outcome = peak_memory(
        lambda: services.add_attachment(
            application, field_key="plan", upload=upload(data, "plan.odt"), by=applicant
        )
    )
    assert isinstance(outcome, files.ArchiveBomb), outcome
    assert peak < LIMIT, f"{peak / MB:.1f} MB"
    assert not application.attachments.exists()


def test_the_api_refuses_a_bomb(documents_question, api, applicant, application):
    data = odt_bomb()
    client = api(applicant)
    peak, response = peak_memory(
        lambda: client.post(
            f"/api/v1/applications/{application.pk}/attachments/",
            {"field_key": "plan", "file": upload(data, "plan.odt")},
            format="multipart",
        )
    )
    assert response.status_code == 400, response.content
    assert BOMB_MESSAGE in response.content.decode()
    assert peak < LIMIT, f"{peak / MB:.1f} MB"
    assert not application.attachments.exists()


def multipart(file_name: str) -> bytes:
    """A multipart body by hand: the test client's files cut their names to 255 characters."""
    return (
        b'--XyZ\r\nContent-Disposition: form-data; name="field_key"\r\n\r\nplan\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="' + file_name.encode() + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\ndemo\r\n--XyZ--\r\n"
    )


LONG_NAME = "Кошторис проєкту " * 40 + ".pdf"  # 700 letters, over Django's 1 KB of part headers


def long_name_message() -> str:
    with translation.override("uk"):
        return parsing.multipart_message(
            parsing.MultiPartParserError("Request max total header size exceeded.")
        )


def test_an_over_long_file_name_is_refused_in_the_persons_language_by_the_api(api, applicant, application):
    response = api(applicant).generic(
        "POST",
        f"/api/v1/applications/{application.pk}/attachments/",
        multipart(LONG_NAME),
        content_type="multipart/form-data; boundary=XyZ",
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == long_name_message()
    assert "Multipart form parse error" not in response.content.decode()


def test_an_over_long_file_name_is_refused_in_the_persons_language_on_the_page(
    client, applicant, application
):
    client.force_login(applicant)
    client.cookies["django_language"] = "uk"  # pages follow the chosen language, not Accept-Language
    response = client.generic(
        "POST",
        reverse("applications:upload", args=[application.pk, "plan"]),
        multipart(LONG_NAME),
        content_type="multipart/form-data; boundary=XyZ",
    )
    assert response.status_code == 400
    assert long_name_message() in response.content.decode()
    assert not application.attachments.exists()


def test_a_shorter_long_name_is_still_accepted(api, applicant, application):
    response = api(applicant).generic(
        "POST",
        f"/api/v1/applications/{application.pk}/attachments/",
        multipart("Кошторис проєкту " * 10 + ".pdf"),
        content_type="multipart/form-data; boundary=XyZ",
    )
    assert response.status_code == 201, response.content


DEEP = "[" * 50_000 + "]" * 50_000


def test_json_nested_50000_deep_is_400_without_login(api):
    response = api().post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == parsing.json_too_deep_message()


def test_json_nested_too_deep_is_400_when_logged_in(api, applicant, application):
    client = api(applicant)
    for body in (DEEP, '{"answers": ' + "[" * 200 + "]" * 200 + "}"):
        response = client.patch(
            f"/api/v1/applications/{application.pk}/", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert response.json()["detail"] == parsing.json_too_deep_message()
    ok = client.patch(
        f"/api/v1/applications/{application.pk}/", '{"title": "Е-черга"}', content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
