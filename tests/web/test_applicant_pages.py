"""The applicant's pages: dashboard, start, the form with autosave and files, submit, receipt,
withdrawal and the comparison of revisions."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import Application
from contests.models import FormField
from tests.factories import FormFieldFactory, NominationFactory, OrganisationFactory, UserFactory

PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture
def contest(published_contest):
    """The published contest with questions of several kinds; `field_*` (long text) is required."""
    FormFieldFactory(
        contest=published_contest,
        key="people",
        label="People served",
        field_type=FormField.Type.NUMBER,
        required=False,
    )
    FormFieldFactory(
        contest=published_contest,
        key="groups",
        label="Target groups",
        field_type=FormField.Type.MULTIPLE_CHOICE,
        choices=["Older people", "Young people"],
        required=False,
    )
    FormFieldFactory(
        contest=published_contest,
        key="agree",
        label="Do you agree?",
        field_type=FormField.Type.YES_NO,
        required=False,
    )
    FormFieldFactory(
        contest=published_contest,
        key="plan",
        label="Work plan",
        field_type=FormField.Type.FILE,
        required=False,
        file_types=["pdf"],
        max_file_mb=2,
    )
    return published_contest


@pytest.fixture
def text_question(contest):
    return contest.form_fields.get(field_type=FormField.Type.LONG_TEXT)


@pytest.fixture
def draft(contest, applicant):
    return services.start_application(
        organisation=applicant.organisations.get(),
        contest=contest,
        nomination=contest.nominations.get(),
        title="Е-черга в бібліотеці",
        by=applicant,
    )


def _form_data(application, **answers):
    data = {"title": application.title}
    data.update({f"answer_{key}": value for key, value in answers.items()})
    return data


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_shows_only_own_organisations_applications(web, applicant, draft, contest):
    stranger = UserFactory()
    other = OrganisationFactory(name="Чужа бібліотека")
    other.memberships.create(user=stranger)
    theirs = services.start_application(
        organisation=other,
        contest=contest,
        nomination=contest.nominations.get(),
        title="Чужий проєкт",
        by=stranger,
    )
    response = web(applicant).get(reverse("applications:mine"))
    assert response.status_code == 200
    page = response.content.decode()
    assert draft.title in page
    assert theirs.title not in page
    assert contest.title in page
    assert reverse("applications:edit", args=[draft.pk]) in page
    assert f"{reverse('applications:new')}?contest={contest.pk}" in page  # the open call


def test_dashboard_query_count_is_flat(web, applicant, contest, count_queries):
    organisation = applicant.organisations.get()
    client = web(applicant)
    url = reverse("applications:mine")

    def make(n):
        for _ in range(n):
            nomination = NominationFactory(contest=contest)
            services.start_application(
                organisation=organisation, contest=contest, nomination=nomination, title="П", by=applicant
            )

    make(1)
    client.get(url)  # warm the session and the caches
    one = count_queries(lambda: client.get(url))
    make(29)
    thirty = count_queries(lambda: client.get(url))
    assert Application.objects.count() == 30
    assert one == thirty


def test_nav_link_and_apply_button(web, applicant, contest):
    response = web(applicant).get(reverse("contests:detail", args=[contest.pk]))
    page = response.content.decode()
    assert reverse("applications:mine") in page
    assert f"{reverse('applications:new')}?contest={contest.pk}" in page


def test_apply_button_shown_without_organisation(web, contest):
    # Issue 12: "Apply" shows to everyone; the start page leads through registering the library.
    response = web(UserFactory()).get(reverse("contests:detail", args=[contest.pk]))
    assert f"{reverse('applications:new')}?contest={contest.pk}" in response.content.decode()


# --- starting -----------------------------------------------------------------------------------


def test_start_preselects_the_only_organisation_and_redirects_to_the_form(web, applicant, contest):
    client = web(applicant)
    url = reverse("applications:new") + f"?contest={contest.pk}"
    page = client.get(url).content.decode()
    organisation = applicant.organisations.get()
    assert organisation.name in page
    assert f'value="{organisation.pk}"' in page and "checked" in page
    response = client.post(
        url,
        {"organisation": organisation.pk, "nomination": contest.nominations.get().pk, "title": "Проєкт"},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert application.organisation == organisation


def test_start_twice_in_a_nomination_is_a_form_error(web, applicant, contest, draft):
    response = web(applicant).post(
        reverse("applications:new") + f"?contest={contest.pk}",
        {
            "organisation": draft.organisation.pk,
            "nomination": draft.nomination.pk,
            "title": "Ще раз",
        },
    )
    assert response.status_code == 200
    assert "already has an application in this nomination" in response.content.decode()
    assert Application.objects.count() == 1


def test_start_offers_only_own_organisations(web, applicant, contest):
    other = OrganisationFactory()
    response = web(applicant).post(
        reverse("applications:new") + f"?contest={contest.pk}",
        {"organisation": other.pk, "nomination": contest.nominations.get().pk, "title": "Х"},
    )
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_start_in_a_closed_call_is_refused(web, applicant, contest_in):
    closed = contest_in("closed")
    response = web(applicant).get(reverse("applications:new") + f"?contest={closed.pk}")
    assert response.status_code == 200
    assert "not accepting applications" in response.content.decode()


# --- the form -----------------------------------------------------------------------------------


def test_form_renders_every_question_with_its_input(web, applicant, draft, text_question):
    page = web(applicant).get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert f'name="answer_{text_question.key}"' in page and "<textarea" in page
    assert 'maxlength="20000"' in page  # the default limit of long text
    assert 'inputmode="decimal"' in page
    assert 'type="checkbox"' in page and "Older people" in page
    assert 'type="radio"' in page and 'value="yes"' in page
    assert 'type="file"' in page and 'name="file_plan"' in page
    assert "up to 2 MB" in page and "PDF" in page
    assert "(required)" in page
    assert 'hx-post="' + reverse("applications:autosave", args=[draft.pk]) in page


def test_save_draft_saves_and_redirects(web, applicant, draft, text_question):
    response = web(applicant).post(
        reverse("applications:edit", args=[draft.pk]),
        _form_data(draft, **{text_question.key: "Наш план", "people": "1 607", "groups": ["Young people"]}),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {text_question.key: "Наш план", "people": "1607", "groups": ["Young people"]}


def test_autosave_saves_and_answers_a_status_fragment(web, applicant, draft, text_question):
    response = web(applicant).post(
        reverse("applications:autosave", args=[draft.pk]),
        _form_data(draft, **{text_question.key: "Збережено автоматично", "agree": "yes"}),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "Saved at" in fragment
    assert "<html" not in fragment
    draft.refresh_from_db()
    assert draft.answers[text_question.key] == "Збережено автоматично"
    assert draft.answers["agree"] is True


def test_autosave_reports_the_bad_answer_and_saves_the_rest(web, applicant, draft, text_question):
    response = web(applicant).post(
        reverse("applications:autosave", args=[draft.pk]),
        _form_data(draft, **{text_question.key: "Добре", "people": "багато"}),
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert "People served" in fragment and "Enter a number" in fragment
    assert 'id="errors-people" hx-swap-oob="true"' in fragment
    draft.refresh_from_db()
    assert draft.answers == {text_question.key: "Добре"}


def test_bad_value_is_shown_on_its_question_and_kept(web, applicant, draft, text_question):
    response = web(applicant).post(
        reverse("applications:edit", args=[draft.pk]),
        _form_data(draft, **{text_question.key: "Текст", "people": "дуже багато"}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    question_block = page.split('id="question-people"', 1)[1].split("</div>\n", 3)
    assert "Enter a number" in "".join(question_block[:2])
    assert 'value="дуже багато"' in page  # what was typed is shown again
    assert "Текст" in page
    draft.refresh_from_db()
    assert draft.answers == {text_question.key: "Текст"}  # the rest was saved


def test_too_long_text_is_refused_with_its_length(web, applicant, contest, draft):
    FormFieldFactory(
        contest=contest, key="short", label="Short", field_type=FormField.Type.SHORT_TEXT, max_length=5
    )
    response = web(applicant).post(
        reverse("applications:edit", args=[draft.pk]), _form_data(draft, short="задовгий")
    )
    page = response.content.decode()
    assert "At most 5 characters (now 8)" in page
    assert 'value="задовгий"' in page


def test_line_breaks_count_once(web, applicant, contest, draft):
    FormFieldFactory(
        contest=contest, key="story", label="Story", field_type=FormField.Type.LONG_TEXT, max_length=3
    )
    web(applicant).post(reverse("applications:edit", args=[draft.pk]), _form_data(draft, story="a\r\nb"))
    draft.refresh_from_db()
    assert draft.answers["story"] == "a\nb"


def test_other_organisation_cannot_open_the_form(web, draft):
    response = web(UserFactory()).get(reverse("applications:edit", args=[draft.pk]))
    assert response.status_code == 404


# --- files --------------------------------------------------------------------------------------


def test_upload_with_htmx_lists_the_file_and_downloads_it(web, applicant, draft):
    client = web(applicant)
    response = client.post(
        reverse("applications:upload", args=[draft.pk, "plan"]),
        {"file_plan": SimpleUploadedFile("План роботи.pdf", PDF)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    attachment = draft.attachments.get()
    assert "План роботи.pdf" in fragment
    download = reverse("applications:download", args=[draft.pk, attachment.pk])
    assert download in fragment
    assert "Remove the file" in fragment

    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"

    # Another organisation's member, and an anonymous visitor, get nothing.
    assert web(UserFactory()).get(download).status_code == 404
    stranger = UserFactory()
    OrganisationFactory().memberships.create(user=stranger)
    assert web(stranger).get(download).status_code == 404
    assert web().get(download).status_code == 302  # to the login page


def test_upload_of_a_wrong_type_shows_the_reason(web, applicant, draft):
    response = web(applicant).post(
        reverse("applications:upload", args=[draft.pk, "plan"]),
        {"file_plan": SimpleUploadedFile("plan.pdf", b"not a pdf at all")},
        headers={"HX-Request": "true"},
    )
    assert "This file type is not accepted here" in response.content.decode()
    assert not draft.attachments.exists()


def test_upload_and_remove_without_javascript(web, applicant, draft, text_question):
    client = web(applicant)
    url = reverse("applications:edit", args=[draft.pk])
    data = _form_data(draft, **{text_question.key: "Відповідь"})
    response = client.post(url, {**data, "upload": "plan", "file_plan": SimpleUploadedFile("p.pdf", PDF)})
    assert response.status_code == 302
    assert response["Location"].endswith("#question-plan")
    attachment = draft.attachments.get()
    draft.refresh_from_db()
    assert draft.answers[text_question.key] == "Відповідь"  # the typed answers came along

    response = client.post(url, {**data, "remove": attachment.pk})
    assert response.status_code == 302
    assert not draft.attachments.exists()


def test_remove_with_htmx(web, applicant, draft):
    attachment = services.add_attachment(
        draft, field_key="plan", upload=SimpleUploadedFile("p.pdf", PDF), by=applicant
    )
    response = web(applicant).post(
        reverse("applications:remove_file", args=[draft.pk, attachment.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "No file uploaded yet" in response.content.decode()
    assert not draft.attachments.exists()


# --- submission ---------------------------------------------------------------------------------


def test_submit_with_a_missing_answer_lists_it_and_stays_draft(web, applicant, draft, text_question):
    response = web(applicant).post(
        reverse("applications:edit", args=[draft.pk]), {**_form_data(draft), "submit": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The application was not submitted" in page
    assert 'role="alert"' in page
    assert text_question.label in page
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_submit_from_the_detail_page_lists_the_reasons(web, applicant, draft, text_question):
    response = web(applicant).post(reverse("applications:submit", args=[draft.pk]))
    page = response.content.decode()
    assert "The application was not submitted" in page and text_question.label in page
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_submit_shows_the_receipt(web, applicant, draft, text_question):
    client = web(applicant)
    response = client.post(
        reverse("applications:edit", args=[draft.pk]),
        {**_form_data(draft, **{text_question.key: "Повна відповідь"}), "submit": "1"},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.state == Application.State.SUBMITTED
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[draft.pk])
    page = response.content.decode()
    assert draft.number in page
    assert draft.revisions.get().checksum in page
    assert "Повна відповідь" in page
    assert text_question.label in page


def test_submitted_application_cannot_be_edited(web, applicant, draft, text_question):
    services.save_answers(draft, answers={text_question.key: "Перша"}, by=applicant)
    services.submit_application(draft, by=applicant)
    client = web(applicant)
    url = reverse("applications:edit", args=[draft.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[draft.pk])
    response = client.post(url, _form_data(draft, **{text_question.key: "Підмінена"}))
    assert response.status_code == 302
    response = client.post(
        reverse("applications:autosave", args=[draft.pk]),
        _form_data(draft, **{text_question.key: "Підмінена"}),
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("applications:detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.answers[text_question.key] == "Перша"


def test_organiser_reads_but_cannot_edit(web, organiser, applicant, draft, text_question):
    services.save_answers(draft, answers={text_question.key: "Відповідь"}, by=applicant)
    services.submit_application(draft, by=applicant)
    client = web(organiser)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "Відповідь" in page
    assert "Withdraw the application" not in page
    assert client.post(reverse("applications:withdraw", args=[draft.pk])).status_code == 403


# --- withdrawal and revisions -------------------------------------------------------------------


def test_withdraw_with_confirmation(web, applicant, draft):
    client = web(applicant)
    url = reverse("applications:withdraw", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "Yes, withdraw the application" in page
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT  # asking changes nothing
    response = client.post(url, {"note": "Передумали"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Application.State.WITHDRAWN
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert "Передумали" in page  # in the history


def test_diff_after_return_and_resubmission(web, applicant, organiser, draft, text_question):
    services.save_answers(draft, answers={text_question.key: "Старий текст"}, by=applicant)
    services.submit_application(draft, by=applicant)
    services.return_application(draft, by=organiser, note="Уточніть план")
    client = web(applicant)
    client.post(
        reverse("applications:edit", args=[draft.pk]),
        {**_form_data(draft, **{text_question.key: "Новий текст"}), "submit": "1"},
    )
    draft.refresh_from_db()
    assert draft.state == Application.State.SUBMITTED
    assert draft.revisions.count() == 2

    detail = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    diff_url = reverse("applications:diff", args=[draft.pk]) + "?from=1&amp;to=2"
    assert diff_url in detail
    assert "Уточніть план" in detail

    page = client.get(reverse("applications:diff", args=[draft.pk]), {"from": 1, "to": 2}).content.decode()
    assert text_question.label in page
    assert "Старий текст" in page and "Новий текст" in page
    assert client.get(reverse("applications:diff", args=[draft.pk]), {"from": 1, "to": 9}).status_code == 404


def test_returned_application_shows_the_organisers_note(web, applicant, organiser, draft, text_question):
    services.save_answers(draft, answers={text_question.key: "Текст"}, by=applicant)
    services.submit_application(draft, by=applicant)
    services.return_application(draft, by=organiser, note="Додайте план заходів")
    page = web(applicant).get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert "Додайте план заходів" in page
    assert "Текст" in page


def test_late_submission_with_a_code(web, applicant, organiser, draft, text_question, time_machine):
    services.save_answers(draft, answers={text_question.key: "Текст"}, by=applicant)
    time_machine.move_to(draft.contest.closes_at + timedelta(hours=1), tick=False)
    code = services.issue_late_code(draft.contest, by=organiser)
    client = web(applicant)
    page = client.get(reverse("applications:detail", args=[draft.pk])).content.decode()
    assert 'name="late_code"' in page
    response = client.post(reverse("applications:submit", args=[draft.pk]))
    assert "deadline passed" in response.content.decode()
    response = client.post(reverse("applications:submit", args=[draft.pk]), {"late_code": code.code.lower()})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Application.State.SUBMITTED
