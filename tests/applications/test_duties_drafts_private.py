"""Drafts stay the applicant's until submitted (issue 16, point 13): the organiser sees that a
draft exists (organisation, nomination, last saved), never its answers or files — on the API,
the application's page, the screening page and the export. Once submitted they are readable."""

import pytest
from django.test import Client
from django.urls import reverse

from applications import services
from tests.applications.conftest import VALID_ANSWERS

pytestmark = pytest.mark.django_db

SECRET = VALID_ANSWERS["long"]


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file_url(application) -> str:
    attachment = application.attachments.get()
    return f"/api/v1/applications/{application.pk}/attachments/{attachment.pk}/download/"


def test_the_organiser_sees_a_draft_exists_but_not_its_answers(api, organiser, ready_application):
    draft = ready_application
    body = api(organiser).get(f"/api/v1/applications/{draft.pk}/").json()
    assert body["state"] == "draft" and body["organisation"] == draft.organisation_id
    assert body["nomination"] == draft.nomination_id and body["updated_at"]
    assert body["answers"] == {} and body["attachments"] == []
    listed = api(organiser).get("/api/v1/applications/").content.decode()
    assert SECRET not in listed
    assert api(organiser).get(f"/api/v1/applications/{draft.pk}/attachments/").json() == []
    assert api(organiser).get(_file_url(draft)).status_code == 404
    attachment = draft.attachments.get()
    web_file = reverse("applications:download", args=[draft.pk, attachment.pk])
    assert _web(organiser).get(web_file).status_code == 404
    page = _web(organiser).get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert SECRET not in page and draft.title in page


def test_the_applicant_still_sees_everything(api, applicant, ready_application):
    draft = ready_application
    body = api(applicant).get(f"/api/v1/applications/{draft.pk}/").json()
    assert body["answers"]["long"] == SECRET and len(body["attachments"]) == 1
    assert api(applicant).get(_file_url(draft)).status_code == 200
    page = _web(applicant).get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert SECRET in page


def test_once_submitted_the_organiser_reads_it(api, organiser, submitted_application):
    done = submitted_application
    body = api(organiser).get(f"/api/v1/applications/{done.pk}/").json()
    assert body["answers"]["long"] == SECRET and len(body["attachments"]) == 1
    assert api(organiser).get(_file_url(done)).status_code == 200
    page = _web(organiser).get(reverse("applications:screening_detail", args=[done.pk])).content.decode()
    assert SECRET in page


def test_a_draft_withdrawn_before_submission_stays_private(api, organiser, applicant, ready_application):
    draft = services.withdraw_application(ready_application, by=applicant)
    body = api(organiser).get(f"/api/v1/applications/{draft.pk}/").json()
    assert body["state"] == "withdrawn" and body["answers"] == {}
    screening = _web(organiser).get(reverse("applications:screening_detail", args=[draft.pk]))
    assert SECRET not in screening.content.decode()
    export = _web(organiser).get(reverse("applications:export", args=[draft.contest_id, "csv"]))
    content = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert SECRET not in content and draft.title not in content
