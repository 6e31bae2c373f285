"""Jurors read the case's files (issue 15, point 1): an assigned juror lists and downloads the
attachments of the applications assigned to them, by the API and from the review's page; only
while the review is live (not after declining or a recusal); in blind review the files of
questions marked identifying are withheld and the others are named after their question. Every
download of a private file is logged, and the organisers read the log (API and the page)."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Attachment, DownloadLog
from contests.models import Contest, FormField
from tests.factories import FormFieldFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% the plan of the invented library\n%%EOF\n"
LETTER = b"%PDF-1.4\n% a letter signed by the director of the invented library\n%%EOF\n"


def attach(application, key: str, body: bytes, name: str) -> Attachment:
    return Attachment.objects.create(
        application=application,
        field_key=key,
        file=ContentFile(body, name=name),
        original_name=name,
        kind="pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )


@pytest.fixture
def case(jury):
    """Application 1 with a plan (PDF) and an identifying letter, assigned to juror 1."""
    FormFieldFactory(
        contest=jury.contest, key="plan", label="План проєкту", field_type=FormField.Type.FILE, required=False
    )
    FormFieldFactory(
        contest=jury.contest,
        key="letter",
        label="Лист підтримки",
        field_type=FormField.Type.FILE,
        required=False,
        identifying=True,
    )
    application = jury.applications[1]
    plan = attach(application, "plan", PDF, "Бібліотека Вигадана — план.pdf")
    letter = attach(application, "letter", LETTER, "Лист директора.pdf")
    review = jury.assign(jury.jurors[1], application)
    return {"application": application, "plan": plan, "letter": letter, "review": review}


def files_url(application) -> str:
    return f"/api/v1/applications/{application.pk}/attachments/"


def download_url(application, attachment) -> str:
    return f"/api/v1/applications/{application.pk}/attachments/{attachment.pk}/download/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# --- the API ----------------------------------------------------------------------------------


def test_assigned_juror_lists_and_downloads_the_files_and_the_download_is_logged(api, case):
    juror = case["review"].juror.user
    client = api(juror)
    r = client.get(files_url(case["application"]))
    assert r.status_code == 200, r.content
    assert {row["field_key"] for row in r.json()} == {"plan", "letter"}
    plan = next(row for row in r.json() if row["field_key"] == "plan")
    assert plan["original_name"] == "Бібліотека Вигадана — план.pdf"  # not a blind contest

    r = client.get(download_url(case["application"], case["plan"]))
    assert r.status_code == 200
    assert body_of(r) == PDF
    entry = DownloadLog.objects.get()
    assert (entry.user, entry.attachment, entry.application, entry.via) == (
        juror,
        case["plan"],
        case["application"],
        DownloadLog.Via.API,
    )
    assert entry.file_name == "Бібліотека Вигадана — план.pdf"


def test_a_juror_not_assigned_gets_404_and_nothing_is_logged(api, jury, case):
    other = jury.jurors[2].user
    assert api(other).get(files_url(case["application"])).status_code == 404
    assert api(other).get(download_url(case["application"], case["plan"])).status_code == 404
    stranger = UserFactory()
    assert api(stranger).get(download_url(case["application"], case["plan"])).status_code == 404
    assert api().get(download_url(case["application"], case["plan"])).status_code == 404  # anonymous
    assert not DownloadLog.objects.exists()


@pytest.mark.parametrize("conflict", [True, False])
def test_after_declining_the_juror_reads_nothing(api, case, conflict):
    review, client = case["review"], api(case["review"].juror.user)
    assert client.get(download_url(case["application"], case["plan"])).status_code == 200
    r = client.post(
        f"/api/v1/reviews/{review.pk}/decline/", {"note": "Знаю цю бібліотеку", "conflict": conflict}
    )
    assert r.status_code == 200, r.content
    assert client.get(files_url(case["application"])).status_code == 404
    assert client.get(download_url(case["application"], case["plan"])).status_code == 404
    assert DownloadLog.objects.count() == 1  # the download before declining only


def test_after_a_recusal_the_juror_reads_nothing(api, jury, case):
    review = case["review"]
    r = api(jury.organiser).post(f"/api/v1/reviews/{review.pk}/recuse/", {"note": "Конфлікт інтересів"})
    assert r.status_code == 200, r.content
    client = api(review.juror.user)
    assert client.get(files_url(case["application"])).status_code == 404
    assert client.get(download_url(case["application"], case["plan"])).status_code == 404


def test_blind_review_withholds_identifying_files_and_their_names(api, jury, case):
    Contest.objects.filter(pk=jury.contest.pk).update(blind_review=True)
    client = api(case["review"].juror.user)
    r = client.get(files_url(case["application"]))
    assert r.status_code == 200
    assert [(row["field_key"], row["original_name"]) for row in r.json()] == [("plan", "plan.pdf")]
    assert "Вигадана" not in r.content.decode()
    assert client.get(download_url(case["application"], case["letter"])).status_code == 404
    r = client.get(download_url(case["application"], case["plan"]))
    assert r.status_code == 200
    assert "plan.pdf" in r["Content-Disposition"]
    assert "Вигадана" not in r["Content-Disposition"]
    # The organisers still see every file under its own name.
    r = api(jury.organiser).get(files_url(case["application"]))
    assert {row["original_name"] for row in r.json()} == {
        "Бібліотека Вигадана — план.pdf",
        "Лист директора.pdf",
    }


def test_a_juror_cannot_upload_or_remove_files(api, case):
    client = api(case["review"].juror.user)
    r = client.post(files_url(case["application"]), {"field_key": "plan"}, format="multipart")
    assert r.status_code == 404
    r = client.delete(f"/api/v1/applications/{case['application'].pk}/attachments/{case['plan'].pk}/")
    assert r.status_code == 404
    assert Attachment.objects.filter(pk=case["plan"].pk).exists()


def test_organisers_list_the_download_log_others_may_not(api, jury, case):
    application = case["application"]
    api(case["review"].juror.user).get(download_url(application, case["plan"]))
    api(jury.organiser).get(download_url(application, case["letter"]))
    r = api(jury.organiser).get(f"/api/v1/applications/{application.pk}/downloads/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 2
    newest, oldest = body["results"]
    assert (oldest["user_email"], oldest["file_name"], oldest["via"]) == (
        case["review"].juror.user.email,
        "Бібліотека Вигадана — план.pdf",
        "api",
    )
    assert newest["user"] == jury.organiser.pk
    # The applicant sees the application but not the log; a juror does not see the application.
    member = UserFactory()
    application.organisation.memberships.create(user=member)
    r = api(member).get(f"/api/v1/applications/{application.pk}/downloads/")
    assert r.status_code == 403
    assert "organisers" in r.json()["detail"]
    assert (
        api(case["review"].juror.user).get(f"/api/v1/applications/{application.pk}/downloads/").status_code
        == 404
    )


def test_public_depository_downloads_are_not_logged_but_applicants_are(client, jury, case):
    member = UserFactory()
    case["application"].organisation.memberships.create(user=member)
    client.force_login(member)
    r = client.get(reverse("applications:download", args=[case["application"].pk, case["plan"].pk]))
    assert r.status_code == 200
    assert DownloadLog.objects.get().via == DownloadLog.Via.WEB
    assert DownloadLog.objects.get().user == member


# --- the web: the juror's review page -------------------------------------------------------------


def test_review_page_shows_the_files_with_links_and_the_link_downloads(client, case):
    review = case["review"]
    client.force_login(review.juror.user)
    page = client.get(reverse("review:score", args=[review.pk]))
    assert page.status_code == 200
    link = reverse("review:file", args=[review.pk, case["plan"].pk])
    html = page.content.decode()
    assert "План проєкту" in html
    assert link in html
    assert "Бібліотека Вигадана — план.pdf" in html
    r = client.get(link)
    assert r.status_code == 200
    assert body_of(r) == PDF
    entry = DownloadLog.objects.get()
    assert (entry.user, entry.via) == (review.juror.user, DownloadLog.Via.WEB)


def test_review_page_in_blind_review_hides_identifying_files(client, jury, case):
    Contest.objects.filter(pk=jury.contest.pk).update(blind_review=True)
    review = case["review"]
    client.force_login(review.juror.user)
    html = client.get(reverse("review:score", args=[review.pk])).content.decode()
    assert reverse("review:file", args=[review.pk, case["plan"].pk]) in html
    assert "plan.pdf" in html
    assert "Вигадана" not in html
    assert "Лист підтримки" not in html
    assert reverse("review:file", args=[review.pk, case["letter"].pk]) not in html
    assert client.get(reverse("review:file", args=[review.pk, case["letter"].pk])).status_code == 404


def test_a_declined_juror_gets_404_for_the_page_and_the_file(client, api, case):
    review = case["review"]
    api(review.juror.user).post(
        f"/api/v1/reviews/{review.pk}/decline/", {"note": "Не встигаю", "conflict": False}
    )
    client.force_login(review.juror.user)
    assert client.get(reverse("review:score", args=[review.pk])).status_code == 404
    assert client.get(reverse("review:file", args=[review.pk, case["plan"].pk])).status_code == 404
    assert not DownloadLog.objects.exists()


def test_another_applications_file_is_not_served_through_a_review(client, jury, case):
    other = attach(jury.applications[3], "plan", PDF, "Чужий план.pdf")
    review = case["review"]
    client.force_login(review.juror.user)
    assert client.get(reverse("review:file", args=[review.pk, other.pk])).status_code == 404


def test_organisers_see_the_download_log_on_the_applications_page(client, jury, case):
    review = case["review"]
    client.force_login(review.juror.user)
    client.get(reverse("review:file", args=[review.pk, case["plan"].pk]))
    client.force_login(jury.organiser)
    html = client.get(
        reverse("applications:screening_detail", args=[case["application"].pk])
    ).content.decode()
    assert "Who downloaded the files" in html
    assert review.juror.user.email in html
    assert "Бібліотека Вигадана — план.pdf" in html
