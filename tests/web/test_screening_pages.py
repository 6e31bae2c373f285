"""The organiser's screening pages: the list with bulk screening, one application, late codes."""

from datetime import UTC, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.regions import Region
from applications import services
from applications.models import Application, IneligibilityReason, LateSubmissionCode
from contests import services as contest_services
from contests.models import FormField
from core import clock
from tests.applications.screening_data import draft, submitted
from tests.factories import ContestFactory, FormFieldFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def list_url(contest):
    return reverse("applications:screening", args=[contest.pk])


def detail_url(application):
    return reverse("applications:screening_detail", args=[application.pk])


# --- the list ---------------------------------------------------------------------------------


def test_list_shows_submitted_applications_not_drafts(web, organiser, published_contest):
    one = submitted(published_contest, name="Бібліотека села Вишневе", region=Region.MYKOLAIV)
    hidden = draft(published_contest)
    html = web(organiser).get(list_url(published_contest)).content.decode()
    assert one.number in html
    assert "Бібліотека села Вишневе" in html
    assert "Mykolaiv Oblast" in html
    assert "Submitted" in html
    assert "<time datetime=" in html and "(Europe/Kyiv)" not in html  # the viewer's own zone: unnamed
    assert hidden.title not in html
    assert f'value="{one.pk}"' in html  # a checkbox to select it


def test_list_permissions(web, organiser, other_organiser, published_contest, applicant):
    url = list_url(published_contest)
    assert web(other_organiser).get(url).status_code == 403
    assert web(applicant).get(url).status_code == 403
    assert web().get(url).status_code == 302  # to the login page
    hidden = ContestFactory()  # a draft of someone else: not visible at all
    grant(hidden, UserFactory())
    assert web(organiser).get(list_url(hidden)).status_code == 404


def test_list_query_count_does_not_grow_with_rows(web, organiser, published_contest, count_queries):
    client = web(organiser)
    submitted(published_contest)
    client.get(list_url(published_contest))  # warm up (session, content types)
    one = count_queries(lambda: client.get(list_url(published_contest)))
    for _ in range(49):
        submitted(published_contest)
    fifty = count_queries(lambda: client.get(list_url(published_contest)))
    html = client.get(list_url(published_contest)).content.decode()
    assert html.count('name="applications"') == 50
    assert one == fifty


def test_filters_by_state_region_nomination_and_search(web, organiser, published_contest):
    a = submitted(published_contest, name="Бібліотека Ольвія", region=Region.MYKOLAIV)
    b = submitted(published_contest, name="Бібліотека Поділля", region=Region.KHMELNYTSKYI)
    services.mark_eligible(b, by=organiser)
    client = web(organiser)

    def numbers(**params):
        html = client.get(list_url(published_contest), params).content.decode()
        return {n for n in (a.number, b.number) if n in html}

    assert numbers() == {a.number, b.number}
    assert numbers(state="eligible") == {b.number}
    assert numbers(region=Region.MYKOLAIV) == {a.number}
    assert numbers(q="Ольвія") == {a.number}  # SQLite folds only ASCII case; PostgreSQL all
    assert numbers(q=b.number) == {b.number}
    assert numbers(nomination=published_contest.nominations.get().pk) == {a.number, b.number}


def test_bulk_mark_eligible(web, organiser, published_contest):
    apps = [submitted(published_contest) for _ in range(3)]
    response = web(organiser).post(
        list_url(published_contest),
        {"applications": [apps[0].pk, apps[1].pk], "outcome": "eligible", "eligible-outcome": "eligible"},
        follow=True,
    )
    html = response.content.decode()
    assert "2 applications done" in html
    states = {a.pk: a.state for a in Application.objects.filter(pk__in=[a.pk for a in apps])}
    assert states == {apps[0].pk: "eligible", apps[1].pk: "eligible", apps[2].pk: "submitted"}


def test_bulk_ineligible_needs_a_reason_and_changes_nothing_without(web, organiser, published_contest):
    app = submitted(published_contest)
    client = web(organiser)
    data = {"applications": [app.pk], "outcome": "ineligible", "ineligible-outcome": "ineligible"}
    html = client.post(list_url(published_contest), data, follow=True).content.decode()
    assert "Choose the reason why the application is ineligible." in html
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED

    data |= {"ineligible-reason": IneligibilityReason.INCOMPLETE, "ineligible-note": "Немає кошторису"}
    html = client.post(list_url(published_contest), data, follow=True).content.decode()
    assert "1 application done" in html
    app.refresh_from_db()
    assert app.state == Application.State.INELIGIBLE
    assert app.ineligibility_reason == IneligibilityReason.INCOMPLETE
    assert app.screening_note == "Немає кошторису"


def test_bulk_return_lists_each_refusal_with_reasons(web, organiser, published_contest):
    waiting = submitted(published_contest)
    screened = submitted(published_contest)
    services.mark_eligible(screened, by=organiser)
    contest_services.close_contest(published_contest, by=organiser, force=True, note="Достроково")
    data = {
        "applications": [waiting.pk, screened.pk],
        "outcome": "return",
        "return-outcome": "return",
        "return-note": "Додайте кошторис",
    }
    html = web(organiser).post(list_url(published_contest), data, follow=True).content.decode()
    assert "was refused for 2 applications" in html
    assert (
        f"{waiting.number}: The call has closed: "
        "set a correction deadline by which the applicant must resubmit." in html
    )
    assert f"{screened.number}: It is no longer waiting for screening (now: Eligible)." in html
    assert 'role="alert"' in html
    waiting.refresh_from_db()
    assert waiting.state == Application.State.SUBMITTED


def test_bulk_return_needs_a_note(web, organiser, published_contest):
    app = submitted(published_contest)
    data = {"applications": [app.pk], "outcome": "return", "return-outcome": "return", "return-note": " "}
    html = web(organiser).post(list_url(published_contest), data, follow=True).content.decode()
    assert "Tell the applicant what to correct." in html
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED


def test_bulk_ignores_applications_of_other_contests(web, organiser, published_contest, contest_in):
    other = contest_in("published")
    foreign = submitted(other)
    data = {"applications": [foreign.pk], "outcome": "eligible", "eligible-outcome": "eligible"}
    html = web(organiser).post(list_url(published_contest), data, follow=True).content.decode()
    assert "Select at least one application." in html
    foreign.refresh_from_db()
    assert foreign.state == Application.State.SUBMITTED


def test_other_organiser_cannot_bulk_screen(web, other_organiser, published_contest):
    app = submitted(published_contest)
    data = {"applications": [app.pk], "outcome": "eligible", "eligible-outcome": "eligible"}
    assert web(other_organiser).post(list_url(published_contest), data).status_code == 403
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED


# --- one application ----------------------------------------------------------------------------


@pytest.fixture
def full_application(published_contest):
    FormFieldFactory(
        contest=published_contest,
        key="services",
        label="Які е-послуги",
        field_type=FormField.Type.MULTIPLE_CHOICE,
        choices=["Пенсії", "Субсидії", "Податки"],
        required=False,
    )
    FormFieldFactory(
        contest=published_contest,
        key="plan",
        label="План заходів",
        field_type=FormField.Type.FILE,
        required=False,
    )
    question = published_contest.form_fields.get(required=True)
    user = UserFactory()
    app = draft(published_contest)
    app.organisation.memberships.create(user=user)
    services.save_answers(
        app, answers={question.key: "Навчили 340 людей", "services": ["Пенсії", "Податки"]}, by=user
    )
    services.add_attachment(
        app, field_key="plan", upload=SimpleUploadedFile("план.pdf", b"%PDF-1.4 plan"), by=user
    )
    services.submit_application(app, by=user)
    app.refresh_from_db()
    return app


def test_detail_shows_answers_files_revisions_history(web, organiser, full_application):
    question = full_application.contest.form_fields.get(required=True)
    client = web(organiser)
    html = client.get(detail_url(full_application)).content.decode()
    assert question.label in html
    assert "Навчили 340 людей" in html
    assert "Пенсії; Податки" in html
    assert "план.pdf" in html
    assert full_application.revisions.get().checksum[:16] in html
    assert "Draft → Submitted" in html
    for label in ("Mark eligible", "Mark ineligible", "Return for correction"):
        assert label in html
    attachment = full_application.attachments.get()
    download = reverse("applications:screening_attachment", args=[full_application.pk, attachment.pk])
    assert download in html
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"


def test_detail_permissions(web, organiser, other_organiser, full_application):
    applicant = full_application.organisation.members.first()
    assert web(applicant).get(detail_url(full_application)).status_code == 403
    assert web(other_organiser).get(detail_url(full_application)).status_code == 404
    attachment = full_application.attachments.get()
    download = reverse("applications:screening_attachment", args=[full_application.pk, attachment.pk])
    assert web(applicant).get(download).status_code == 403
    assert web(other_organiser).get(download).status_code == 404
    assert web(organiser).get(detail_url(draft(full_application.contest))).status_code == 404


def test_detail_mark_ineligible(web, organiser, full_application):
    client = web(organiser)
    response = client.post(
        detail_url(full_application),
        {"outcome": "ineligible", "ineligible-outcome": "ineligible", "ineligible-note": "Не бібліотека"},
        follow=True,
    )
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Choose the reason why the application is ineligible." in html
    full_application.refresh_from_db()
    assert full_application.state == Application.State.SUBMITTED
    response = client.post(
        detail_url(full_application),
        {
            "outcome": "ineligible",
            "ineligible-outcome": "ineligible",
            "ineligible-reason": IneligibilityReason.NOT_ELIGIBLE_APPLICANT,
            "ineligible-note": "Не бібліотека",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Done: Mark ineligible. Now: Ineligible." in html
    assert "The applicant does not meet the conditions" in html
    assert "Submitted → Ineligible" in html
    assert "Mark eligible" not in html  # no more screening actions


def test_detail_shows_refusal_with_reasons(web, organiser, full_application):
    contest_services.close_contest(full_application.contest, by=organiser, force=True, note="Достроково")
    response = web(organiser).post(
        detail_url(full_application),
        {"outcome": "return", "return-outcome": "return", "return-note": "Додайте фото"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail_url(full_application)
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "“Return for correction” was refused:" in html
    assert "The call has closed: set a correction deadline by which the applicant must resubmit." in html
    full_application.refresh_from_db()
    assert full_application.state == Application.State.SUBMITTED


def test_detail_return_for_correction(web, organiser, full_application):
    response = web(organiser).post(
        detail_url(full_application),
        {"outcome": "return", "return-outcome": "return", "return-note": "Додайте фото"},
    )
    assert response.status_code == 302
    full_application.refresh_from_db()
    assert full_application.state == Application.State.RETURNED


# --- late-submission codes ------------------------------------------------------------------------


def test_late_codes_list_and_issue(web, organiser, published_contest):
    url = reverse("applications:late_codes", args=[published_contest.pk])
    client = web(organiser)
    page = client.get(url).content.decode()
    assert "No codes have been issued for this contest." in page
    assert "Europe/Kyiv" in page
    response = client.post(url, {"expires_at": "2099-06-01T18:00", "max_uses": "3", "note": "Для філії №7"})
    assert response.status_code == 302
    code = LateSubmissionCode.objects.get(contest=published_contest)
    assert (code.max_uses, code.uses, code.note) == (3, 0, "Для філії №7")
    # 18:00 in Kyiv on 1 June (summer time, UTC+3) is 15:00 UTC.
    assert code.expires_at.astimezone(UTC).hour == 15
    html = client.get(url).content.decode()
    assert code.code in html
    assert "0 of 3" in html
    assert "Для філії №7" in html


def test_late_code_must_expire_in_the_future(web, organiser, published_contest):
    url = reverse("applications:late_codes", args=[published_contest.pk])
    past = (clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = web(organiser).post(url, {"expires_at": past, "max_uses": "1"})
    assert response.status_code == 200
    assert "Choose a moment in the future." in response.content.decode()
    assert not LateSubmissionCode.objects.exists()


def test_late_codes_permissions(web, other_organiser, applicant, published_contest):
    url = reverse("applications:late_codes", args=[published_contest.pk])
    assert web(other_organiser).get(url).status_code == 403
    assert web(applicant).post(url, {"expires_at": "2099-06-01T18:00", "max_uses": "1"}).status_code == 403
    assert not LateSubmissionCode.objects.exists()


def test_manage_page_links_to_screening_and_codes(web, organiser, published_contest):
    html = web(organiser).get(reverse("contests:manage", args=[published_contest.pk])).content.decode()
    assert list_url(published_contest) in html
    assert reverse("applications:late_codes", args=[published_contest.pk]) in html
