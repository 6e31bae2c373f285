"""An applicant's PATCH of a draft never drops a field (issue 15, point 9): each writable field
stored or refused with 400; a GET representation sent back unchanged is accepted; unknown fields
and changed read-only ones answer 400 and save nothing; the same for uploads and steps."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.api.serializers import ApplicationUpdateSerializer
from applications.models import Application
from tests.api.test_every_field import walk_fields

pytestmark = pytest.mark.django_db


def url(application: Application, rest: str = "") -> str:
    return f"/api/v1/applications/{application.pk}/{rest}"


def test_every_field_of_a_draft_is_stored_or_refused(api, applicant, application):
    samples = {
        "title": ("Обхід полів заявки", "Обхід полів заявки"),
        "answers": ({"short": "Вигадана відповідь"}, "Вигадана відповідь"),
        "categories": ([], []),
    }

    def read_back(name: str) -> object:
        stored = Application.objects.get(pk=application.pk)
        if name == "answers":
            return stored.answers.get("short")
        if name == "categories":
            return list(stored.categories.values_list("pk", flat=True))
        return getattr(stored, name)

    outcomes = walk_fields(api(applicant), url(application), ApplicationUpdateSerializer, samples, read_back)
    assert outcomes["title"] == outcomes["answers"] == 200


def test_unknown_and_changed_read_only_fields_are_refused_and_nothing_is_saved(api, applicant, application):
    body = {"title": "Не збережеться", "budget": 1000, "state": "submitted"}
    response = api(applicant).patch(url(application), body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"budget", "state"}, response.json()
    assert "Unknown field" in response.json()["errors"]["budget"][0]
    stored = Application.objects.get(pk=application.pk)
    assert (stored.title, stored.state) == (application.title, Application.State.DRAFT)


def test_the_representation_read_by_get_can_be_sent_back(api, applicant, application):
    client = api(applicant)
    body = client.get(url(application)).json()
    body["title"] = "Повернена ціла заявка"
    response = client.patch(url(application), body, format="json")
    assert response.status_code == 200, response.json()
    assert Application.objects.get(pk=application.pk).title == "Повернена ціла заявка"


def test_an_upload_with_an_unknown_field_is_refused(api, applicant, application):
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n% invented\n", content_type="application/pdf")
    body = {"field_key": "plan", "file": pdf, "question": "plan"}
    response = api(applicant).post(url(application, "attachments/"), body, format="multipart")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["question"], response.json()
    assert not application.attachments.exists()


def test_a_step_of_the_applicant_refuses_an_unknown_field(api, applicant, application):
    body = {"note": "Передумали", "notify": False}
    response = api(applicant).post(url(application, "withdraw/"), body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["notify"]
    assert Application.objects.get(pk=application.pk).state == Application.State.DRAFT
