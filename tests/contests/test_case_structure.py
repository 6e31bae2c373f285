"""The seeds' case structure as a ready set of form questions."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from contests import services
from contests.form_templates import CASE_STRUCTURE
from contests.models import FormField
from tests.factories import ContestFactory, CriterionFactory, NominationFactory

pytestmark = pytest.mark.django_db

KEYS = [question.key for question in CASE_STRUCTURE]


def test_adds_the_questions_once(organiser):
    contest = ContestFactory()
    added = services.add_case_structure(contest, by=organiser)
    assert [q.key for q in added] == KEYS
    fields = {f.key: f for f in contest.form_fields.all()}
    assert list(fields) == KEYS
    assert fields["case_problem"].label == "Problem"
    assert fields["case_problem"].field_type == FormField.Type.LONG_TEXT
    assert fields["case_problem"].required
    assert fields["case_people_served"].field_type == FormField.Type.NUMBER
    assert fields["case_e_services"].field_type == FormField.Type.MULTIPLE_CHOICE
    assert len(fields["case_e_services"].choices) >= 2
    assert fields["case_contact_email"].field_type == FormField.Type.EMAIL
    assert fields["case_website"].field_type == FormField.Type.URL
    assert fields["case_presentation"].field_type == FormField.Type.FILE
    assert not fields["case_presentation"].required
    assert [f.order for f in contest.form_fields.order_by("order")] == list(range(len(KEYS)))


def test_twice_adds_nothing_and_keeps_existing_keys(organiser):
    contest = ContestFactory()
    mine = FormField.objects.create(
        contest=contest, key="case_problem", label="Моя проблема", field_type="short_text", order=7
    )
    added = services.add_case_structure(contest, by=organiser)
    assert "case_problem" not in [q.key for q in added]
    assert contest.form_fields.count() == len(KEYS)
    mine.refresh_from_db()
    assert mine.label == "Моя проблема"
    assert min(q.order for q in added) == 8  # after the existing questions
    assert services.add_case_structure(contest, by=organiser) == []
    assert contest.form_fields.count() == len(KEYS)


def test_labels_come_in_the_active_language(organiser):
    contest = ContestFactory()
    with translation.override("uk"):
        services.add_case_structure(contest, by=organiser)
    label = contest.form_fields.get(key="case_problem").label
    assert label  # Ukrainian when the catalogue has it, English otherwise


def test_contest_then_passes_publish_problems(organiser):
    contest = ContestFactory()
    NominationFactory(contest=contest)
    CriterionFactory(contest=contest)
    assert contest.publish_problems() == ["Add at least one field to the application form."]
    services.add_case_structure(contest, by=organiser)
    assert contest.publish_problems() == []
    services.publish_contest(contest, by=organiser)
    assert contest.state == "published"


def test_after_publication_the_questions_come_optional(published_contest, organiser):
    added = services.add_case_structure(published_contest, by=organiser)
    assert len(added) == len(KEYS)
    assert not any(q.required for q in added)


def test_finished_contest_refuses(contest_in, organiser):
    contest = contest_in("cancelled")
    with pytest.raises(ValidationError, match="finished"):
        services.add_case_structure(contest, by=organiser)
    assert not contest.form_fields.filter(key__in=KEYS).exists()


def test_button_on_the_organiser_page(client, organiser, draft_contest):
    client.force_login(organiser)
    manage = reverse("contests:manage", args=[draft_contest.pk])
    assert "Add the case structure" in client.get(manage).content.decode()
    url = reverse("contests:add_case_structure", args=[draft_contest.pk])
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert f"{len(KEYS)} questions of the case structure were added." in html
    assert draft_contest.form_fields.filter(key__in=KEYS).count() == len(KEYS)
    html = client.post(url, follow=True).content.decode()
    assert "The form already has every question of the case structure." in html


def test_button_is_for_organisers_only(client, other_organiser, draft_contest):
    client.force_login(other_organiser)
    assert client.post(reverse("contests:add_case_structure", args=[draft_contest.pk])).status_code == 404
    services.publish_contest(draft_contest, by=draft_contest.roles.get().user)
    assert client.post(reverse("contests:add_case_structure", args=[draft_contest.pk])).status_code == 403
    assert not draft_contest.form_fields.filter(key__in=KEYS).exists()
