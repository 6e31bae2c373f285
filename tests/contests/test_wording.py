"""Wording (issue 12, point 7): a form question's key answers its error in words the site
translates (Django's own slug message has no Ukrainian), on the page and in the API; words with
two Ukrainian meanings carry a context (pgettext)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import ImportJob
from contests.forms import FormFieldForm
from contests.models import Contest, FormField
from grants.models import GrantReport
from review.models import Round
from tests.factories import contest_in_state

pytestmark = pytest.mark.django_db

DJANGO_SLUG = "consisting of letters, numbers, underscores or hyphens"


@pytest.fixture
def draft(organiser) -> Contest:
    return contest_in_state(Contest.State.DRAFT, organiser)


def test_the_form_answers_a_bad_key_in_the_sites_words(draft):
    form = FormFieldForm(
        {"label": "Бюджет", "key": "бюджет проєкту", "field_type": "text", "order": 1}, contest=draft
    )
    assert not form.is_valid()
    assert form.errors["key"] == [str(FormField.KEY_INVALID)]


def test_the_page_shows_it_next_to_the_key(draft, organiser):
    client = Client()
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("contests:part_add", args=[draft.pk, "form-fields"]),
        {
            "new-form-fields-label": "Бюджет",
            "new-form-fields-key": "бюджет проєкту",
            "new-form-fields-field_type": "text",
            "new-form-fields-order": "1",
        },
    )
    body = response.content.decode()
    assert "Use only latin letters, digits" in body
    assert DJANGO_SLUG not in body
    assert not FormField.objects.filter(contest=draft, label="Бюджет").exists()


def test_the_api_answers_a_bad_key_in_the_sites_words(api, organiser, draft):
    response = api(organiser).post(
        "/api/v1/form-fields/",
        {"contest": draft.pk, "key": "бюджет проєкту", "label": "Бюджет", "field_type": "text"},
        format="json",
    )
    assert response.status_code == 400
    text = str(response.json())
    assert "Use only latin letters, digits" in text and DJANGO_SLUG not in text


@pytest.mark.parametrize(
    ("label", "context"),
    [
        (GrantReport.State.DUE.label, "grant report state"),  # "Очікується", not "Строк"
        (Round.State.CLOSED.label, "review round state"),  # not the call's "Прийом заявок закрито"
        (ImportJob.State.FAILED.label, "import state"),  # not a message's "Не надіслано"
    ],
)
def test_words_with_two_meanings_carry_a_context(label, context):
    assert label._args[0] == context
    with translation.override("en"):
        assert str(label) == label._args[1]


@pytest.mark.parametrize(
    ("template", "context"),
    [
        ("review/progress.html", "review"),
        ("review/jury.html", "review"),
        ("review/ranking.html", "review"),
        ("accounts/import_job.html", "import"),
    ],
)
def test_progress_says_whose_progress(template, context):
    from django.template.loader import get_template

    source = get_template(template).template.source
    assert f'{{% translate "Progress" context "{context}" %}}' in source
    assert '{% translate "Progress" %}' not in source
