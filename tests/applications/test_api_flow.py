"""The API from a draft to screening: create, answer, attach, submit, screen, return, resubmit."""

import pytest
from django.core import mail

from applications.models import Application, IneligibilityReason
from tests.applications.conftest import REQUIRED_ANSWERS, VALID_ANSWERS, pdf_upload

pytestmark = pytest.mark.django_db
S = Application.State


def url(app_id: int, tail: str = "") -> str:
    return f"/api/v1/applications/{app_id}/{tail}"


def test_create_patch_upload_submit(
    api, applicant, organisation, form_contest, django_capture_on_commit_callbacks
):
    client = api(applicant)
    r = client.post(
        "/api/v1/applications/",
        {
            "organisation": organisation.pk,
            "contest": form_contest.pk,
            "nomination": form_contest.nominations.get().pk,
            "title": "Е-черга",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == S.DRAFT
    assert body["number"] == ""
    assert body["allowed_transitions"] == ["submit", "withdraw"]
    app_id = body["id"]

    r = client.patch(url(app_id), {"title": "Е-черга 2.0", "answers": VALID_ANSWERS}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "Е-черга 2.0"
    assert r.json()["answers"]["yesno"] is True
    assert r.json()["answers"]["number"] == "1607"

    # A partial patch keeps the other answers and clears the one given empty.
    r = client.patch(url(app_id), {"answers": {"url": "", "short": "Черга онлайн"}}, format="json")
    assert r.status_code == 200, r.content
    answers = r.json()["answers"]
    assert "url" not in answers
    assert answers["short"] == "Черга онлайн"
    assert answers["long"] == VALID_ANSWERS["long"]

    r = client.post(
        url(app_id, "attachments/"), {"field_key": "plan", "file": pdf_upload()}, format="multipart"
    )
    assert r.status_code == 201, r.content
    attachment = r.json()
    assert attachment["kind"] == "pdf"
    assert attachment["original_name"] == "plan.pdf"
    download = client.get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url(app_id, "submit/"), {}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == S.SUBMITTED
    assert body["number"] == f"K{form_contest.pk}-{app_id:05d}"
    assert body["submitted_at"]
    assert body["attachments"][0]["field_key"] == "plan"
    revisions = client.get(url(app_id, "revisions/")).json()
    assert [r["number"] for r in revisions] == [1]
    assert revisions[0]["answers"]["short"] == "Черга онлайн"
    assert revisions[0]["attachments"][0]["name"] == "plan.pdf"
    assert len(revisions[0]["checksum"]) == 64
    assert [m.to for m in mail.outbox] == [[applicant.email]]
    assert body["number"] in mail.outbox[0].subject


def test_organiser_marks_eligible(api, organiser, applicant, submitted_application):
    client = api(organiser)
    detail = client.get(url(submitted_application.pk)).json()
    assert set(detail["allowed_transitions"]) == {"return_for_correction", "mark_eligible", "mark_ineligible"}
    r = client.post(url(submitted_application.pk, "mark-eligible/"), {"note": "Усе гаразд"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == S.ELIGIBLE
    assert r.json()["screening_note"] == "Усе гаразд"
    history = client.get(url(submitted_application.pk, "history/")).json()
    assert [h["transition"] for h in history] == ["submit", "mark_eligible"]


def test_organiser_marks_ineligible_with_reason(api, organiser, submitted_application):
    client = api(organiser)
    path = url(submitted_application.pk, "mark-ineligible/")
    r = client.post(path, {"note": "Немає плану"}, format="json")
    assert r.status_code == 400
    assert "reason" in r.json()["errors"]
    r = client.post(path, {"reason": "bogus"}, format="json")
    assert r.status_code == 400
    submitted_application.refresh_from_db()
    assert submitted_application.state == S.SUBMITTED

    r = client.post(path, {"reason": IneligibilityReason.INCOMPLETE, "note": "Немає плану"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == S.INELIGIBLE
    assert body["ineligibility_reason"] == IneligibilityReason.INCOMPLETE
    assert body["ineligibility_reason_display"] == "Incomplete application"
    assert body["allowed_transitions"] == []


def test_return_resubmit_diff(api, organiser, applicant, submitted_application):
    app_id = submitted_application.pk
    organiser_client, applicant_client = api(organiser), api(applicant)

    r = organiser_client.post(url(app_id, "return/"), {}, format="json")
    assert r.status_code == 400  # the note says what to correct
    r = organiser_client.post(url(app_id, "return/"), {"note": "Уточніть опис"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == S.RETURNED

    r = applicant_client.patch(url(app_id), {"answers": {"long": "Новий опис"}}, format="json")
    assert r.status_code == 200, r.content
    r = applicant_client.post(url(app_id, "submit/"), {"note": "Виправлено"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == S.SUBMITTED

    revisions = applicant_client.get(url(app_id, "revisions/")).json()
    assert [rev["number"] for rev in revisions] == [1, 2]
    assert revisions[0]["answers"]["long"] == REQUIRED_ANSWERS["long"]  # revision 1 is unchanged
    assert revisions[0]["checksum"] != revisions[1]["checksum"]

    r = organiser_client.get(url(app_id, "diff/"), {"from": 1, "to": 2})
    assert r.status_code == 200, r.content
    assert r.json()["changes"] == [
        {"key": "long", "label": "Питання long", "before": REQUIRED_ANSWERS["long"], "after": "Новий опис"}
    ]
    for params in ({"from": 1, "to": 3}, {"from": "x", "to": 2}, {"to": 2}):
        r = organiser_client.get(url(app_id, "diff/"), params)
        assert r.status_code == 400, params


def test_return_after_the_deadline_needs_a_correction_deadline(
    api, organiser, submitted_application, time_machine
):
    """Screening comes after the deadline: a return then needs a correction deadline of its own
    (issue 15; tests/applications/test_return_after_close.py has the whole path)."""
    from datetime import timedelta

    time_machine.move_to(submitted_application.contest.closes_at + timedelta(seconds=1), tick=False)
    r = api(organiser).post(url(submitted_application.pk, "return/"), {"note": "Виправте"}, format="json")
    assert r.status_code == 400
    assert "correction deadline" in r.json()["errors"]["correct_by"][0]
    submitted_application.refresh_from_db()
    assert submitted_application.state == S.SUBMITTED


def test_withdraw(api, applicant, application):
    r = api(applicant).post(url(application.pk, "withdraw/"), {"note": "Передумали"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == S.WITHDRAWN
    r = api(applicant).post(url(application.pk, "withdraw/"), {}, format="json")
    assert r.status_code == 409
    assert r.json()["allowed"] == []


def test_no_delete_and_no_put(api, applicant, application):
    client = api(applicant)
    assert client.delete(url(application.pk)).status_code == 405
    assert client.put(url(application.pk), {"title": "X"}, format="json").status_code == 405
    assert Application.objects.filter(pk=application.pk).exists()


def test_remove_attachment(api, applicant, ready_application):
    client = api(applicant)
    attachment = ready_application.attachments.get()
    r = client.delete(url(ready_application.pk, f"attachments/{attachment.pk}/"))
    assert r.status_code == 204
    assert not ready_application.attachments.exists()
    assert client.delete(url(ready_application.pk, f"attachments/{attachment.pk}/")).status_code == 404


def test_list_filters_and_search(api, organiser, applicant, application, make_applications, form_contest):
    other = make_applications(1)[0]
    client = api(organiser)
    rows = client.get("/api/v1/applications/").json()["results"]
    assert {row["id"] for row in rows} == {application.pk, other.pk}
    assert rows[0]["organisation_name"]
    rows = client.get("/api/v1/applications/", {"search": application.organisation.name}).json()["results"]
    assert [row["id"] for row in rows] == [application.pk]
    rows = client.get("/api/v1/applications/", {"contest": form_contest.pk, "state": "draft"}).json()[
        "results"
    ]
    assert len(rows) == 2
    assert client.get("/api/v1/applications/", {"state": "submitted"}).json()["count"] == 0
    assert client.get("/api/v1/applications/", {"region": "poltava"}).json()["count"] == 2
    assert client.get("/api/v1/applications/", {"region": "kyiv"}).json()["count"] == 0


def test_create_for_a_foreign_organisation_is_400(api, applicant, outsider, form_contest):
    foreign = outsider.organisations.get()
    r = api(applicant).post(
        "/api/v1/applications/",
        {
            "organisation": foreign.pk,
            "contest": form_contest.pk,
            "nomination": form_contest.nominations.get().pk,
            "title": "Чуже",
        },
        format="json",
    )
    assert r.status_code == 400
    assert "organisation" in r.json()["errors"]
    assert not Application.objects.exists()


def test_create_twice_in_one_nomination_is_400(api, applicant, application, form_contest):
    r = api(applicant).post(
        "/api/v1/applications/",
        {
            "organisation": application.organisation_id,
            "contest": form_contest.pk,
            "nomination": form_contest.nominations.get().pk,
            "title": "Ще одна",
        },
        format="json",
    )
    assert r.status_code == 400
    assert "nomination" in r.json()["errors"]
    assert Application.objects.count() == 1


def test_contest_api_shows_file_settings(api, form_contest):
    body = api().get(f"/api/v1/contests/{form_contest.pk}/").json()
    assert body["max_upload_mb"] == 50
    plan = next(f for f in body["form_fields"] if f["key"] == "plan")
    assert plan["file_types"] == ["pdf"]
    assert plan["max_file_mb"] == 1


def test_categories_are_chosen_from_the_contests_classifiers(api, application, applicant):
    from tests.factories import CategoryFactory, ClassifierFactory

    classifier = ClassifierFactory()
    application.contest.classifiers.add(classifier)
    mine, foreign = CategoryFactory(classifier=classifier), CategoryFactory()
    path = f"/api/v1/applications/{application.pk}/"
    r = api(applicant).patch(path, {"categories": [mine.pk, foreign.pk]}, format="json")
    assert r.status_code == 400
    assert "categories" in r.json()["errors"]
    assert not application.categories.exists()
    r = api(applicant).patch(path, {"categories": [mine.pk]}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["categories"] == [mine.pk]
