"""Bad input is refused with a message on the question or field, and changes nothing."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import Application, LateSubmissionCode
from tests.applications.conftest import REQUIRED_ANSWERS, VALID_ANSWERS, pdf_upload, png_upload
from tests.problems import errors_under

pytestmark = pytest.mark.django_db
S = Application.State
MB = 1024 * 1024


def url(app_id: int, tail: str = "") -> str:
    return f"/api/v1/applications/{app_id}/{tail}"


# --- answers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("short", "перший рядок\nдругий", "single line"),
        ("short", "я" * 41, "At most 40"),
        ("long", "текст\x07з дзвіночком", "control characters"),
        ("number", "abc", "Enter a number"),
        ("number", "NaN", "Enter a number"),
        ("date", "31.02.2024", "YYYY-MM-DD"),
        ("date", "2024-02-31", "YYYY-MM-DD"),
        ("single", "хутір", "offered options"),
        ("multi", ["діти", "коти"], "offered options"),
        ("multi", {"діти": True}, "offered options"),
        ("yesno", "maybe", "yes or no"),
        ("url", "javascript:alert(1)", "https://"),
        ("url", "ftp://library.example.org/", "https://"),
        ("email", "x@", "valid e-mail"),
        ("unknown_question", "щось", "no such question"),
        ("plan", "plan.pdf", "attached, not typed"),
    ],
)
def test_invalid_answer_is_400_on_its_key_and_keeps_its_stored_value(
    api, applicant, application, key, value, message
):
    """The drafts' one rule (as on the web form): the valid answers are saved, the refused one is
    reported on its key and keeps what was stored."""
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=applicant)
    r = api(applicant).patch(
        url(application.pk),
        {"title": "Нова назва", "answers": {"number": "12", "short": "Інше", key: value}},
        format="json",
    )
    assert r.status_code == 400, r.content
    errors = errors_under(r, "answers")
    assert list(errors) == [key]
    assert message in errors[key][0]
    after = Application.objects.get(pk=application.pk)
    assert after.answers.get(key) == REQUIRED_ANSWERS.get(key)
    valid = {k: v for k, v in {"number": "12", "short": "Інше"}.items() if k != key}
    assert {k: after.answers[k] for k in valid} == valid
    assert after.title == "Нова назва"


def test_the_web_form_and_the_api_keep_the_same_answers(api, applicant, application):
    """Same input through both doors: the same answers stored, the same question refused."""
    from django.test import Client

    from applications.forms import ANSWER_PREFIX

    bad = {"number": "дуже багато", "short": "Інше"}
    web = Client()
    web.force_login(applicant)
    page = web.post(
        f"/applications/{application.pk}/edit/",
        {"title": application.title, **{f"{ANSWER_PREFIX}{k}": v for k, v in bad.items()}},
    )
    assert page.status_code == 200 and "Enter a number" in page.content.decode()
    application.refresh_from_db()
    by_web = application.answers
    Application.objects.filter(pk=application.pk).update(answers={})

    r = api(applicant).patch(url(application.pk), {"answers": bad}, format="json")
    assert r.status_code == 400 and list(r.json()["errors"]) == ["answers.number"]
    application.refresh_from_db()
    assert application.answers == by_web == {"short": "Інше"}


def test_answers_must_be_an_object(api, applicant, application):
    r = api(applicant).patch(url(application.pk), {"answers": ["short", "x"]}, format="json")
    assert r.status_code == 400
    assert "answers" in r.json()["errors"]


def test_blank_title_is_400(api, applicant, application):
    r = api(applicant).patch(url(application.pk), {"title": "   "}, format="json")
    assert r.status_code == 400
    assert "title" in r.json()
    application.refresh_from_db()
    assert application.title == "Е-черга до читальної зали"


def test_valid_answers_are_stored_normalised(api, applicant, application):
    r = api(applicant).patch(
        url(application.pk), {"answers": {**VALID_ANSWERS, "number": "12,5"}}, format="json"
    )
    assert r.status_code == 200, r.content
    application.refresh_from_db()
    assert application.answers["number"] == "12.5"
    assert application.answers["multi"] == ["діти", "літні"]
    assert application.answers["yesno"] is True


# --- files ----------------------------------------------------------------------------------------


def upload(client, app_id: int, field_key: str, file) -> object:
    return client.post(
        url(app_id, "attachments/"), {"field_key": field_key, "file": file}, format="multipart"
    )


@pytest.mark.parametrize(
    ("field_key", "make_file", "message"),
    [
        ("plan", lambda: pdf_upload(size=MB + 1), "too large"),
        ("plan", lambda: SimpleUploadedFile("plan.pdf", b"just some text, not a PDF"), "not accepted"),
        ("plan", lambda: png_upload("plan.pdf"), "not accepted"),
        ("photo", lambda: pdf_upload("photo.png"), "not accepted"),
    ],
)
def test_bad_file_is_400_and_not_stored(api, applicant, application, field_key, make_file, message):
    r = upload(api(applicant), application.pk, field_key, make_file())
    assert r.status_code == 400, r.content
    assert message in r.json()["errors"]["file"][0]
    assert not application.attachments.exists()


def test_unknown_or_non_file_question_is_400(api, applicant, application):
    client = api(applicant)
    for key in ("nonexistent", "short"):
        r = upload(client, application.pk, key, pdf_upload())
        assert r.status_code == 400
        assert "no such file question" in r.json()["errors"]["field_key"][0]
    assert not application.attachments.exists()


def test_missing_file_is_400(api, applicant, application):
    r = api(applicant).post(url(application.pk, "attachments/"), {"field_key": "plan"}, format="multipart")
    assert r.status_code == 400
    assert "file" in r.json()["errors"]


def test_total_size_per_application_is_limited(api, applicant, application, form_contest):
    type(form_contest).objects.filter(pk=form_contest.pk).update(max_upload_mb=1)
    client = api(applicant)
    assert upload(client, application.pk, "plan", pdf_upload(size=600 * 1024)).status_code == 201
    r = upload(client, application.pk, "photo", png_upload(size=600 * 1024))
    assert r.status_code == 400
    assert "All files of one application" in r.json()["errors"]["file"][0]
    assert list(application.attachments.values_list("field_key", flat=True)) == ["plan"]
    # Replacing a file counts only the new one.
    assert upload(client, application.pk, "plan", pdf_upload(size=900 * 1024)).status_code == 201
    assert application.attachments.get().size == 900 * 1024


def test_file_name_is_sanitised_and_storage_name_generated(api, applicant, application, form_contest):
    r = upload(api(applicant), application.pk, "plan", pdf_upload('C:\\Users\\bib\\pl:a<n>?"\x01.pdf'))
    assert r.status_code == 201, r.content
    attachment = application.attachments.get()
    assert not re.search(r"[\x00-\x1f/\\:<>?\"]", attachment.original_name)
    assert attachment.original_name.endswith(".pdf")
    assert "Users" not in attachment.original_name
    assert re.fullmatch(rf"applications/{form_contest.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert r.json()["original_name"] == attachment.original_name


def test_file_name_with_a_path_through_the_service(applicant, application):
    """The multipart parser already drops paths; the service does not rely on it."""
    attachment = services.add_attachment(
        application, field_key="plan", upload=pdf_upload("../../etc/pas\x00swd\x1b.pdf"), by=applicant
    )
    assert attachment.original_name == "pas_swd_.pdf"
    assert "passwd" not in attachment.file.name
    assert "pas" not in attachment.file.name.rsplit("/", 1)[-1]


# --- submission -----------------------------------------------------------------------------------


def test_missing_answers_are_listed(api, applicant, application):
    r = api(applicant).post(url(application.pk, "submit/"), {}, format="json")
    assert r.status_code == 409
    reasons = r.json()["reasons"]
    for label in ("Питання short", "Питання long", "Питання plan"):
        assert any(label in reason for reason in reasons), label
    assert len(reasons) == 3
    application.refresh_from_db()
    assert application.state == S.DRAFT
    assert not application.revisions.exists()


def test_one_second_after_the_deadline_is_refused(api, applicant, ready_application, time_machine):
    time_machine.move_to(ready_application.contest.closes_at + timedelta(seconds=1), tick=False)
    r = api(applicant).post(url(ready_application.pk, "submit/"), {}, format="json")
    assert r.status_code == 409
    assert "deadline passed" in r.json()["reasons"][0]
    assert r.json()["state"] == S.DRAFT
    ready_application.refresh_from_db()
    assert ready_application.state == S.DRAFT
    assert ready_application.number == ""
    assert not ready_application.revisions.exists()


def test_one_second_before_the_deadline_is_accepted(api, applicant, ready_application, time_machine):
    closes_at = ready_application.contest.closes_at
    time_machine.move_to(closes_at - timedelta(seconds=1), tick=False)
    r = api(applicant).post(url(ready_application.pk, "submit/"), {}, format="json")
    assert r.status_code == 200, r.content
    ready_application.refresh_from_db()
    assert ready_application.submitted_at == closes_at - timedelta(seconds=1)


def test_submitting_twice(api, applicant, ready_application):
    client = api(applicant)
    assert client.post(url(ready_application.pk, "submit/"), {}, format="json").status_code == 200
    r = client.post(url(ready_application.pk, "submit/"), {}, format="json")
    assert r.status_code == 409
    assert r.json()["state"] == S.SUBMITTED
    assert r.json()["allowed"] == ["withdraw"]
    assert ready_application.revisions.count() == 1


def test_no_changes_after_submission(api, applicant, submitted_application):
    client = api(applicant)
    pk = submitted_application.pk
    before = Application.objects.get(pk=pk)
    attachment = submitted_application.attachments.get()
    r = client.patch(url(pk), {"answers": {"short": "Пізніше"}}, format="json")
    assert r.status_code == 400
    assert "can no longer be changed" in r.json()["errors"]["non_field_errors"][0]
    r = client.patch(url(pk), {"title": "Пізніше"}, format="json")
    assert r.status_code == 400
    r = upload(client, pk, "plan", pdf_upload("new.pdf"))
    assert r.status_code == 400
    assert "can no longer be changed" in r.json()["errors"]["non_field_errors"][0]
    r = upload(client, pk, "photo", png_upload())
    assert r.status_code == 400
    assert client.delete(url(pk, f"attachments/{attachment.pk}/")).status_code == 400
    after = Application.objects.get(pk=pk)
    assert (after.answers, after.title, after.updated_at) == (before.answers, before.title, before.updated_at)
    assert list(after.attachments.all()) == [attachment]
    assert attachment.file.storage.exists(attachment.file.name)


# --- late-submission codes ------------------------------------------------------------------------


@pytest.fixture
def second_ready(make_applications, applicant):
    """Another organisation's application, ready to submit."""
    app = make_applications(1)[0]
    services.save_answers(app, answers=REQUIRED_ANSWERS, by=applicant)
    services.add_attachment(app, field_key="plan", upload=pdf_upload(), by=applicant)
    return app


def issue(api, organiser, contest, **fields) -> str:
    r = api(organiser).post("/api/v1/late-codes/", {"contest": contest.pk, **fields}, format="json")
    assert r.status_code == 201, r.content
    return r.json()["code"]


def test_late_code_lets_one_in(api, organiser, applicant, ready_application, second_ready, time_machine):
    contest = ready_application.contest
    code = issue(
        api, organiser, contest, max_uses=1, expires_at=(contest.closes_at + timedelta(days=1)).isoformat()
    )
    time_machine.move_to(contest.closes_at + timedelta(hours=2), tick=False)
    client = api(applicant)

    r = client.post(url(ready_application.pk, "submit/"), {"late_code": "WRONG123"}, format="json")
    assert r.status_code == 409
    assert "not valid" in r.json()["reasons"][0]

    r = client.post(url(ready_application.pk, "submit/"), {"late_code": code.lower()}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == S.SUBMITTED
    assert LateSubmissionCode.objects.get(code=code).uses == 1

    r = client.post(url(second_ready.pk, "submit/"), {"late_code": code}, format="json")
    assert r.status_code == 409  # used up
    assert "deadline passed" in r.json()["reasons"][0]
    second_ready.refresh_from_db()
    assert second_ready.state == S.DRAFT
    assert LateSubmissionCode.objects.get(code=code).uses == 1


def test_expired_late_code_is_refused(api, organiser, applicant, ready_application, time_machine):
    contest = ready_application.contest
    code = issue(api, organiser, contest, expires_at=(contest.closes_at + timedelta(hours=1)).isoformat())
    time_machine.move_to(contest.closes_at + timedelta(hours=1), tick=False)
    r = api(applicant).post(url(ready_application.pk, "submit/"), {"late_code": code}, format="json")
    assert r.status_code == 409
    ready_application.refresh_from_db()
    assert ready_application.state == S.DRAFT
    assert not ready_application.revisions.exists()
    assert LateSubmissionCode.objects.get(code=code).uses == 0


def test_late_code_before_the_deadline_is_not_used_up(api, organiser, applicant, ready_application):
    code = issue(api, organiser, ready_application.contest)
    r = api(applicant).post(url(ready_application.pk, "submit/"), {"late_code": code}, format="json")
    assert r.status_code == 200
    assert LateSubmissionCode.objects.get(code=code).uses == 0


def test_late_code_of_another_contest_is_refused(
    api, other_organiser, applicant, ready_application, time_machine
):
    other_contest = other_organiser.contest_roles.get().contest
    code = LateSubmissionCode.objects.create(contest=other_contest, created_by=other_organiser).code
    time_machine.move_to(ready_application.contest.closes_at + timedelta(minutes=1), tick=False)
    r = api(applicant).post(url(ready_application.pk, "submit/"), {"late_code": code}, format="json")
    assert r.status_code == 409
    assert "not valid" in r.json()["reasons"][0]


def test_no_new_draft_after_the_deadline(api, applicant, organisation, form_contest, time_machine):
    time_machine.move_to(form_contest.closes_at, tick=False)
    r = api(applicant).post(
        "/api/v1/applications/",
        {
            "organisation": organisation.pk,
            "contest": form_contest.pk,
            "nomination": form_contest.nominations.get().pk,
            "title": "Запізно",
        },
        format="json",
    )
    assert r.status_code == 400
    assert "deadline passed" in r.json()["errors"]["non_field_errors"][0]
    assert not Application.objects.exists()
