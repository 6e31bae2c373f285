"""Who sees and does what through the applications API; list query counts stay flat."""

import pytest

from applications.models import Application, LateSubmissionCode
from tests.applications.conftest import REQUIRED_ANSWERS, pdf_upload

pytestmark = pytest.mark.django_db
S = Application.State


def url(app_id: int, tail: str = "") -> str:
    return f"/api/v1/applications/{app_id}/{tail}"


@pytest.fixture
def strangers(outsider, other_organiser):
    return {"other organisation": outsider, "other contest's organiser": other_organiser, "anonymous": None}


def test_strangers_get_404(api, strangers, ready_application):
    attachment = ready_application.attachments.get()
    paths = [
        url(ready_application.pk),
        url(ready_application.pk, "attachments/"),
        url(ready_application.pk, f"attachments/{attachment.pk}/download/"),
        url(ready_application.pk, "revisions/"),
        url(ready_application.pk, "diff/?from=1&to=1"),
        url(ready_application.pk, "history/"),
    ]
    for who, user in strangers.items():
        client = api(user)
        for path in paths:
            assert client.get(path).status_code == 404, (who, path)


def test_strangers_change_nothing(api, outsider, other_organiser, ready_application):
    attachment = ready_application.attachments.get()
    for user in (outsider, other_organiser):
        client = api(user)
        pk = ready_application.pk
        assert client.patch(url(pk), {"answers": {"short": "Зламано"}}, format="json").status_code == 404
        assert client.post(url(pk, "submit/"), {}, format="json").status_code == 404
        assert client.post(url(pk, "mark-eligible/"), {}, format="json").status_code == 404
        r = client.post(
            url(pk, "attachments/"), {"field_key": "plan", "file": pdf_upload()}, format="multipart"
        )
        assert r.status_code == 404
        assert client.delete(url(pk, f"attachments/{attachment.pk}/")).status_code == 404
    ready_application.refresh_from_db()
    assert ready_application.state == S.DRAFT
    assert ready_application.answers == REQUIRED_ANSWERS
    assert ready_application.attachments.get() == attachment


def test_anonymous_list_is_refused(api, application):
    assert api().get("/api/v1/applications/").status_code in (401, 403)
    assert api().post(url(application.pk, "submit/"), {}, format="json").status_code in (401, 403)


def test_strangers_do_not_see_it_in_lists(api, outsider, other_organiser, application):
    for user in (outsider, other_organiser):
        assert api(user).get("/api/v1/applications/").json()["count"] == 0


def test_colleague_sees_and_edits(api, colleague, application):
    client = api(colleague)
    assert client.get(url(application.pk)).status_code == 200
    r = client.patch(url(application.pk), {"answers": {"short": "Від колеги"}}, format="json")
    assert r.status_code == 200


def test_applicant_cannot_screen(api, applicant, submitted_application):
    client = api(applicant)
    for action, payload in (
        ("mark-eligible/", {}),
        ("mark-ineligible/", {"reason": "late"}),
        ("return/", {"note": "Сам собі"}),
    ):
        assert client.post(url(submitted_application.pk, action), payload, format="json").status_code == 403
    submitted_application.refresh_from_db()
    assert submitted_application.state == S.SUBMITTED
    assert client.get(url(submitted_application.pk)).json()["allowed_transitions"] == ["withdraw"]


def test_organiser_cannot_edit_or_submit(api, organiser, ready_application):
    client = api(organiser)
    pk = ready_application.pk
    assert client.get(url(pk)).status_code == 200
    assert client.patch(url(pk), {"answers": {"short": "Організатор"}}, format="json").status_code == 403
    assert client.patch(url(pk), {"title": "Інша назва"}, format="json").status_code == 403
    r = client.post(url(pk, "attachments/"), {"field_key": "photo", "file": pdf_upload()}, format="multipart")
    assert r.status_code == 403
    attachment = ready_application.attachments.get()
    assert client.delete(url(pk, f"attachments/{attachment.pk}/")).status_code == 403
    assert client.post(url(pk, "submit/"), {}, format="json").status_code == 403
    assert client.post(url(pk, "withdraw/"), {}, format="json").status_code == 403
    # A draft's files are the applicant's alone until submitted (issue 16).
    assert client.get(url(pk, f"attachments/{attachment.pk}/download/")).status_code == 404
    ready_application.refresh_from_db()
    assert ready_application.answers == REQUIRED_ANSWERS
    assert ready_application.title != "Інша назва"
    assert ready_application.state == S.DRAFT


def test_download_of_another_applications_attachment_is_404(
    api, applicant, ready_application, make_applications
):
    """An attachment id is looked up within the application in the URL only."""
    other = make_applications(1)[0]
    attachment = ready_application.attachments.get()
    path = url(other.pk, f"attachments/{attachment.pk}/download/")
    assert api(applicant).get(path).status_code == 404


# --- late-submission codes ------------------------------------------------------------------------


def test_only_the_contests_organiser_issues_late_codes(
    api, organiser, other_organiser, applicant, form_contest
):
    payload = {"contest": form_contest.pk, "max_uses": 2, "note": "Для бібліотеки у Вигаданому"}
    assert api(other_organiser).post("/api/v1/late-codes/", payload, format="json").status_code == 403
    assert api(applicant).post("/api/v1/late-codes/", payload, format="json").status_code == 403
    assert api().post("/api/v1/late-codes/", payload, format="json").status_code in (401, 403)
    assert not LateSubmissionCode.objects.exists()

    r = api(organiser).post("/api/v1/late-codes/", payload, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["max_uses"] == 2
    assert r.json()["uses"] == 0
    assert len(r.json()["code"]) == 8
    rows = api(organiser).get("/api/v1/late-codes/").json()["results"]
    assert [row["code"] for row in rows] == [r.json()["code"]]
    assert api(other_organiser).get("/api/v1/late-codes/").json()["count"] == 0
    assert api(applicant).get("/api/v1/late-codes/").json()["count"] == 0


def test_late_code_input_is_checked(api, organiser, form_contest):
    client = api(organiser)
    r = client.post("/api/v1/late-codes/", {"contest": form_contest.pk, "max_uses": 0}, format="json")
    assert r.status_code == 400
    assert "max_uses" in r.json()["errors"]
    r = client.post(
        "/api/v1/late-codes/",
        {"contest": form_contest.pk, "expires_at": "2000-01-01T00:00:00Z"},
        format="json",
    )
    assert r.status_code == 400
    assert "expires_at" in r.json()["errors"]
    assert not LateSubmissionCode.objects.exists()


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["applicant", "organiser"])
def test_list_query_count_is_flat(api, count_queries, who, request, make_applications):
    client = api(request.getfixturevalue(who))
    make_applications(1)
    one = count_queries(lambda: client.get("/api/v1/applications/"))
    make_applications(49)
    response = None

    def fetch():
        nonlocal response
        response = client.get("/api/v1/applications/")

    assert count_queries(fetch) == one
    assert response.json()["count"] == 50
    assert len(response.json()["results"]) == 50
