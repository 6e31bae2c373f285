from datetime import UTC, timedelta

import pytest
from django.urls import reverse

from contests.models import Contest, ContestRole, Criterion, FormField, Nomination
from tests.factories import ContestFactory, FormFieldFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def contest_data(**overrides):
    data = {
        "title": "Бібліотека — міст до е-урядування",
        "summary": "A call for libraries.",
        "regulations": "Rules.",
        "conditions": "Public libraries.",
        "time_zone": "Europe/Kyiv",
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-04-01T18:00",
        "review_ends_at": "2030-05-01T18:00",
        "announce_at": "2030-05-15T12:00",
        "max_winners": "5",
        "grant_budget": "250000.00",
        "currency": "UAH",
    }
    data.update(overrides)
    return data


def test_organise_list_shows_my_contests_and_new_button(web, organiser, draft_contest):
    html = web(organiser).get(reverse("contests:organise")).content.decode()
    assert draft_contest.title in html
    assert "New contest" in html


def test_organise_requires_login(web):
    response = web().get(reverse("contests:organise"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_organiser_creates_contest(web, organiser, draft_contest):
    client = web(organiser)
    assert client.get(reverse("contests:create")).status_code == 200
    response = client.post(reverse("contests:create"), contest_data())
    assert response.status_code == 302, response.content.decode()
    contest = Contest.objects.get(title="Бібліотека — міст до е-урядування")
    assert response["Location"] == reverse("contests:manage", args=[contest.pk])
    assert contest.state == Contest.State.DRAFT
    assert contest.roles.filter(user=organiser, role=ContestRole.Role.ORGANISER).exists()
    # 18:00 in Kyiv on 1 April 2030 (summer time, UTC+3) is 15:00 UTC.
    assert contest.closes_at.astimezone(UTC).hour == 15


def test_reversed_dates_give_form_error_and_save_nothing(web, organiser, draft_contest):
    before = Contest.objects.count()
    response = web(organiser).post(
        reverse("contests:create"), contest_data(opens_at="2030-04-02T09:00", closes_at="2030-04-01T18:00")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The deadline must come after the opening." in html
    assert 'aria-describedby="id_closes_at_helptext id_closes_at_errors"' in html
    assert Contest.objects.count() == before


def test_user_without_permission_cannot_create(web):
    user = UserFactory()
    assert web(user).get(reverse("contests:create")).status_code == 403


def test_edit_contest_interprets_times_in_contest_zone(web, organiser, draft_contest):
    client = web(organiser)
    url = reverse("contests:edit", args=[draft_contest.pk])
    page = client.get(url).content.decode()
    local_close = draft_contest.local(draft_contest.closes_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local_close}"' in page
    response = client.post(
        url, contest_data(title="Renamed", time_zone="America/New_York", closes_at="2030-04-01T18:00")
    )
    assert response.status_code == 302, response.content.decode()
    draft_contest.refresh_from_db()
    assert draft_contest.title == "Renamed"
    assert draft_contest.closes_at.astimezone(UTC).hour == 22  # EDT is UTC-4


def test_other_organiser_gets_403_on_edit_and_transitions(web, other_organiser, published_contest):
    client = web(other_organiser)
    assert client.get(reverse("contests:edit", args=[published_contest.pk])).status_code == 403
    assert client.get(reverse("contests:manage", args=[published_contest.pk])).status_code == 403
    response = client.post(
        reverse("contests:transition", args=[published_contest.pk, "close"]),
        {"close-note": "x", "close-force": "on"},
    )
    assert response.status_code == 403
    assert Contest.objects.get(pk=published_contest.pk).state == Contest.State.PUBLISHED


def test_other_organiser_gets_404_on_someone_elses_draft(web, other_organiser, draft_contest):
    assert web(other_organiser).get(reverse("contests:edit", args=[draft_contest.pk])).status_code == 404


def test_add_nomination(web, organiser, draft_contest):
    response = web(organiser).post(
        reverse("contests:part_add", args=[draft_contest.pk, "nominations"]),
        {
            "new-nominations-title": "Best outreach",
            "new-nominations-max_winners": "2",
            "new-nominations-order": "1",
        },
        follow=True,
    )
    assert "The nomination was added." in response.content.decode()
    assert Nomination.objects.filter(contest=draft_contest, title="Best outreach", max_winners=2).exists()


def test_add_nomination_with_htmx_returns_the_section(web, organiser, draft_contest):
    response = web(organiser).post(
        reverse("contests:part_add", args=[draft_contest.pk, "nominations"]),
        {
            "new-nominations-title": "Via htmx",
            "new-nominations-max_winners": "1",
            "new-nominations-order": "0",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="nominations"')
    assert "Via htmx" in html
    assert "<html" not in html


def test_add_criterion(web, organiser, draft_contest):
    response = web(organiser).post(
        reverse("contests:part_add", args=[draft_contest.pk, "criteria"]),
        {
            "new-criteria-title": "Impact",
            "new-criteria-weight": "2.5",
            "new-criteria-scale_min": "0",
            "new-criteria-scale_max": "5",
            "new-criteria-order": "0",
        },
    )
    assert response.status_code == 302
    assert Criterion.objects.filter(contest=draft_contest, title="Impact", scale_max=5).exists()


def test_add_criterion_with_bad_scale_shows_error(web, organiser, draft_contest):
    response = web(organiser).post(
        reverse("contests:part_add", args=[draft_contest.pk, "criteria"]),
        {
            "new-criteria-title": "Impact",
            "new-criteria-weight": "1",
            "new-criteria-scale_min": "5",
            "new-criteria-scale_max": "5",
            "new-criteria-order": "0",
        },
    )
    assert response.status_code == 200
    assert "The highest score must be greater than the lowest." in response.content.decode()
    assert not Criterion.objects.filter(contest=draft_contest, title="Impact").exists()


def test_add_choice_form_field_one_choice_per_line(web, organiser, draft_contest):
    response = web(organiser).post(
        reverse("contests:part_add", args=[draft_contest.pk, "form-fields"]),
        {
            "new-form-fields-label": "Type of settlement",
            "new-form-fields-key": "settlement_type",
            "new-form-fields-field_type": FormField.Type.SINGLE_CHOICE,
            "new-form-fields-choices": "City\r\nTown\r\n\r\nVillage\r\n",
            "new-form-fields-order": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()
    field = FormField.objects.get(contest=draft_contest, key="settlement_type")
    assert field.choices == ["City", "Town", "Village"]


def test_removing_form_field_after_publication_is_refused(web, organiser, published_contest):
    field = published_contest.form_fields.get()
    response = web(organiser).post(
        reverse("contests:part_delete", args=[published_contest.pk, "form-fields", field.pk]), follow=True
    )
    assert "This cannot be removed after publication" in response.content.decode()
    assert FormField.objects.filter(pk=field.pk).exists()


def test_removing_form_field_from_draft(web, organiser, draft_contest):
    extra = FormFieldFactory(contest=draft_contest)
    web(organiser).post(reverse("contests:part_delete", args=[draft_contest.pk, "form-fields", extra.pk]))
    assert not FormField.objects.filter(pk=extra.pk).exists()


def test_required_question_after_publication_is_refused_on_the_field(web, organiser, published_contest):
    response = web(organiser).post(
        reverse("contests:part_add", args=[published_contest.pk, "form-fields"]),
        {
            "new-form-fields-label": "New",
            "new-form-fields-key": "new",
            "new-form-fields-field_type": FormField.Type.SHORT_TEXT,
            "new-form-fields-required": "on",
            "new-form-fields-order": "0",
        },
    )
    assert response.status_code == 200
    assert "can be added or changed only as optional" in response.content.decode()
    assert not FormField.objects.filter(contest=published_contest, key="new").exists()


def test_publish_with_missing_parts_shows_each_reason(web, organiser):
    contest = ContestFactory(opens_at=None, closes_at=None)
    grant(contest, organiser)
    response = web(organiser).post(
        reverse("contests:transition", args=[contest.pk, "publish"]), {"publish-note": ""}, follow=True
    )
    html = response.content.decode()
    for reason in (
        "Add at least one nomination.",
        "Add at least one evaluation criterion.",
        "Add at least one field to the application form.",
        "Set when applications open and the deadline.",
    ):
        assert reason in html
    assert 'role="alert"' in html
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.DRAFT


def test_publish_ready_draft(web, organiser, draft_contest):
    client = web(organiser)
    page = client.get(reverse("contests:manage", args=[draft_contest.pk])).content.decode()
    assert "Publish the call" in page
    response = client.post(
        reverse("contests:transition", args=[draft_contest.pk, "publish"]),
        {"publish-note": "Go!"},
        follow=True,
    )
    html = response.content.decode()
    assert Contest.objects.get(pk=draft_contest.pk).state == Contest.State.PUBLISHED
    assert "Done: Publish the call. Now: Published." in html
    assert "Go!" in html  # in the history
    assert "Draft → Published" in html


def test_close_before_deadline_needs_force_and_note(web, organiser, published_contest):
    client = web(organiser)
    url = reverse("contests:transition", args=[published_contest.pk, "close"])
    html = client.post(url, {"close-note": "Too early"}, follow=True).content.decode()
    assert "The call is still open" in html
    assert Contest.objects.get(pk=published_contest.pk).state == Contest.State.PUBLISHED

    html = client.post(url, {"close-force": "on", "close-note": ""}, follow=True).content.decode()
    assert "needs a note with the reason" in html
    assert Contest.objects.get(pk=published_contest.pk).state == Contest.State.PUBLISHED

    client.post(url, {"close-force": "on", "close-note": "Budget cut"})
    assert Contest.objects.get(pk=published_contest.pk).state == Contest.State.CLOSED


def test_transition_not_allowed_from_state_gives_message(web, organiser, draft_contest):
    html = (
        web(organiser)
        .post(reverse("contests:transition", args=[draft_contest.pk, "announce"]), follow=True)
        .content.decode()
    )
    assert "This step is not possible from the current state." in html


def test_closed_after_deadline_without_force(web, organiser, published_contest, settings):
    import time_machine

    with time_machine.travel(published_contest.closes_at + timedelta(minutes=1)):
        web(organiser).post(reverse("contests:transition", args=[published_contest.pk, "close"]))
    assert Contest.objects.get(pk=published_contest.pk).state == Contest.State.CLOSED


def test_manage_page_lists_available_steps_only(web, organiser, published_contest):
    html = web(organiser).get(reverse("contests:manage", args=[published_contest.pk])).content.decode()
    assert "Close the call" in html
    assert "Force: close before the deadline" in html
    assert "Cancel the contest" in html
    assert "Publish the call" not in html


def test_regulations_document_upload_is_checked_and_renamed(
    web, organiser, draft_contest, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = web(organiser)
    url = reverse("contests:edit", args=[draft_contest.pk])
    fake = SimpleUploadedFile("rules.pdf", b"MZ not really a pdf", content_type="application/pdf")
    response = client.post(url, {**contest_data(), "regulations_document": fake})
    assert response.status_code == 200
    assert "This file type is not accepted here" in response.content.decode()
    assert not Contest.objects.get(pk=draft_contest.pk).regulations_document

    pdf = SimpleUploadedFile(
        "../../Положення.exe", b"%PDF-1.4\n%test\n", content_type="application/x-msdownload"
    )
    response = client.post(url, {**contest_data(), "regulations_document": pdf})
    assert response.status_code == 302, response.content.decode()
    stored = Contest.objects.get(pk=draft_contest.pk).regulations_document
    assert stored.name.startswith("contests/regulations/")
    assert stored.name.endswith(".pdf")
    assert "Положення" not in stored.name

    download = web().get(reverse("contests:regulations", args=[draft_contest.pk]))
    assert download.status_code == 404  # a draft is not public
    download = client.get(reverse("contests:regulations", args=[draft_contest.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_part_edit_and_delete_pages(web, organiser, draft_contest):
    client = web(organiser)
    nomination = draft_contest.nominations.get()
    field = draft_contest.form_fields.get()
    criterion = draft_contest.criteria.get()
    for kind, part in (("nominations", nomination), ("form-fields", field), ("criteria", criterion)):
        assert (
            client.get(reverse("contests:part_edit", args=[draft_contest.pk, kind, part.pk])).status_code
            == 200
        )
        assert (
            client.get(reverse("contests:part_delete", args=[draft_contest.pk, kind, part.pk])).status_code
            == 200
        )
        assert client.get(reverse("contests:part_add", args=[draft_contest.pk, kind])).status_code == 200
    response = client.post(
        reverse("contests:part_edit", args=[draft_contest.pk, "nominations", nomination.pk]),
        {"part-title": "Renamed nomination", "part-max_winners": "3", "part-order": "0"},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.title, nomination.max_winners) == ("Renamed nomination", 3)
    assert client.get(reverse("contests:part_add", args=[draft_contest.pk, "nope"])).status_code == 404


def test_changing_question_type_after_publication_is_refused(web, organiser, published_contest):
    field = published_contest.form_fields.get()
    response = web(organiser).post(
        reverse("contests:part_edit", args=[published_contest.pk, "form-fields", field.pk]),
        {
            "part-label": field.label,
            "part-key": field.key,
            "part-field_type": FormField.Type.NUMBER,
            "part-required": "on",
            "part-order": "0",
        },
    )
    assert response.status_code == 200
    assert "cannot be changed after publication" in response.content.decode()
    assert FormField.objects.get(pk=field.pk).field_type == FormField.Type.LONG_TEXT


def test_htmx_add_with_errors_returns_the_section_with_errors(web, organiser, draft_contest):
    response = web(organiser).post(
        reverse("contests:part_add", args=[draft_contest.pk, "nominations"]),
        {"new-nominations-title": "", "new-nominations-max_winners": "0", "new-nominations-order": "0"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.startswith('<section id="nominations"')
    assert 'aria-invalid="true"' in html
    assert '<details class="panel" open>' in html


def test_delete_only_drafts(web, organiser, draft_contest):
    client = web(organiser)
    assert client.get(reverse("contests:delete", args=[draft_contest.pk])).status_code == 200
    response = client.post(reverse("contests:delete", args=[draft_contest.pk]))
    assert response["Location"] == reverse("contests:organise")
    assert not Contest.objects.filter(pk=draft_contest.pk).exists()


def test_published_contest_cannot_be_deleted(web, organiser, published_contest):
    html = (
        web(organiser)
        .post(reverse("contests:delete", args=[published_contest.pk]), follow=True)
        .content.decode()
    )
    assert "Only a draft can be deleted" in html
    assert Contest.objects.filter(pk=published_contest.pk).exists()
