"""Organisers' pages: the contest's cases, publication, presentation list and export; and the
applicants' consent panel."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from depository import services
from depository.models import Consent, Practice
from tests.factories import grant, ready_contest

pytestmark = pytest.mark.django_db


def test_the_manage_page_lists_winners_and_consented_applications(client, cases):
    winner = cases.application(Application.State.AWARDED, title="Переможниця")
    consented = cases.application(Application.State.NOT_AWARDED, title="Зі згодою")
    cases.consent(consented)
    cases.application(Application.State.NOT_AWARDED, title="Без згоди")
    client.force_login(cases.organiser)
    page = client.get(reverse("depository:manage", args=[cases.contest.pk])).content.decode()
    assert winner.title in page and consented.title in page and "Без згоди" not in page


def test_an_organiser_selects_publishes_and_withdraws_on_the_web(client, cases):
    application = cases.application(Application.State.AWARDED)
    client.force_login(cases.organiser)
    client.post(reverse("depository:select", args=[cases.contest.pk, application.pk]))
    practice = Practice.objects.get(application=application)
    assert practice.state == Practice.State.DRAFT
    assert client.get(reverse("depository:preview", args=[practice.pk])).status_code == 200

    client.post(reverse("depository:transition", args=[practice.pk, "publish"]))
    practice.refresh_from_db()
    assert practice.state == Practice.State.PUBLISHED
    client.post(reverse("depository:transition", args=[practice.pk, "withdraw"]), {"note": "Застаріло"})
    practice.refresh_from_db()
    assert practice.state == Practice.State.WITHDRAWN


def test_a_refused_publication_is_explained(client, cases):
    application = cases.application(Application.State.NOT_AWARDED)
    cases.consent(application)
    practice = services.select_case(application, by=cases.organiser)
    cases.consent(application, granted=False)
    client.force_login(cases.organiser)
    response = client.post(reverse("depository:transition", args=[practice.pk, "publish"]), follow=True)
    assert "consented" in response.content.decode()
    practice.refresh_from_db()
    assert practice.state == Practice.State.DRAFT


@pytest.mark.parametrize("who", ["anonymous", "outsider", "applicant", "other_organiser"])
def test_organiser_actions_are_refused_to_everyone_else(client, cases, outsider, other_organiser, who):
    application = cases.application(Application.State.AWARDED)
    draft = services.select_case(application, by=cases.organiser)
    user = {
        "anonymous": None,
        "outsider": outsider,
        "applicant": cases.member,
        "other_organiser": other_organiser,
    }[who]
    if user is not None:
        client.force_login(user)
    contest = cases.contest.pk
    gets = [
        reverse("depository:manage", args=[contest]),
        reverse("depository:export", args=[contest, "csv"]),
        reverse("depository:preview", args=[draft.pk]),
    ]
    posts = [
        reverse("depository:select", args=[contest, application.pk]),
        reverse("depository:select_winners", args=[contest]),
        reverse("depository:transition", args=[draft.pk, "publish"]),
        reverse("depository:presentation", args=[draft.pk]),
        reverse("depository:remove", args=[draft.pk]),
    ]
    for url in gets:
        status = client.get(url).status_code
        assert status == 302 if user is None else status in (403, 404), url
    for url in posts:
        status = client.post(url, {"selected": "on"}).status_code
        assert status == 302 if user is None else status in (403, 404), url
        if user is not None and "/cases/" in url:
            assert status == 404, url  # a case outside one's contests is not even acknowledged
    draft.refresh_from_db()
    assert (draft.state, draft.presentation) == (Practice.State.DRAFT, False)


def test_a_non_organiser_gets_403_on_a_public_contests_case_list(client, cases, outsider):
    client.force_login(outsider)
    assert client.get(reverse("depository:manage", args=[cases.contest.pk])).status_code == 403


def test_a_draft_contest_of_someone_else_is_404(client, outsider):
    contest = ready_contest()
    grant(contest, outsider)
    other = type(outsider).objects.create_user(email="someone@example.org", password="x-long-password-1")
    client.force_login(other)
    assert client.get(reverse("depository:manage", args=[contest.pk])).status_code == 404


# --- presentation -------------------------------------------------------------------------------


def _presenting(
    cases, *, title: str = "Е-послуги для пенсіонерів", note: str = "Конгрес, секція 2"
) -> Practice:
    practice = cases.published(title=title)
    return services.mark_presentation(practice, by=cases.organiser, selected=True, note=note)


def test_presentation_marking_on_the_web(client, cases):
    practice = cases.published()
    client.force_login(cases.organiser)
    url = reverse("depository:presentation", args=[practice.pk])
    client.post(url, {"selected": "on", "note": "Пленарне засідання"})
    practice.refresh_from_db()
    assert (practice.presentation, practice.presentation_note) == (True, "Пленарне засідання")
    client.post(url, {"note": "ignored"})
    practice.refresh_from_db()
    assert (practice.presentation, practice.presentation_note) == (False, "")


def test_presentation_export_csv(client, cases):
    chosen = _presenting(cases, title='=HYPERLINK("http://evil.example")')
    cases.published(title="Не вибрана")
    client.force_login(cases.organiser)
    response = client.get(reverse("depository:export", args=[cases.contest.pk, "csv"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Case number", "Registration number", "Title"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == str(chosen.pk)
    assert row[2] == '\'=HYPERLINK("http://evil.example")'  # formula-safe
    assert row[4] == "Poltava Oblast"
    assert row[7] == "Yes"
    assert row[9].endswith(f"/practices/{chosen.pk}/")
    assert row[10] == "practice@example.org"
    assert row[11] == "Конгрес, секція 2"


def test_presentation_export_xlsx(client, cases):
    chosen = _presenting(cases, note="@SUM(A1:A2)")
    client.force_login(cases.organiser)
    response = client.get(reverse("depository:export", args=[cases.contest.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == chosen.pk
    assert rows[1][11] == "'@SUM(A1:A2)"
    assert client.get(reverse("depository:export", args=[cases.contest.pk, "pdf"])).status_code == 404


# --- consent ----------------------------------------------------------------------------------------


def test_the_applicant_sees_the_consent_panel_and_gives_consent(client, cases):
    application = cases.application(Application.State.NOT_AWARDED)
    client.force_login(cases.member)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="depository-consent"' in page
    response = client.post(reverse("depository:consent", args=[application.pk]), {"granted": "yes"})
    assert response.status_code == 302
    assert Consent.objects.get(application=application).granted is True


def test_consent_by_htmx_answers_the_panel(client, cases):
    application = cases.application(Application.State.NOT_AWARDED)
    cases.consent(application)
    cases.published(application)
    client.force_login(cases.member)
    response = client.post(
        reverse("depository:consent", args=[application.pk]), {"granted": "no"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="depository-consent"' in response.content.decode()
    assert application.practice.__class__.objects.get(pk=application.practice.pk).state == "withdrawn"


def test_organisers_do_not_get_the_consent_panel_and_cannot_consent(client, cases, outsider):
    application = cases.application(Application.State.NOT_AWARDED)
    client.force_login(cases.organiser)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="depository-consent"' not in page
    assert (
        client.post(reverse("depository:consent", args=[application.pk]), {"granted": "yes"}).status_code
        == 403
    )
    client.force_login(outsider)
    assert (
        client.post(reverse("depository:consent", args=[application.pk]), {"granted": "yes"}).status_code
        == 404
    )
    assert not Consent.objects.exists()
