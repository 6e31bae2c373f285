"""Issue 12, point 9: the demo's published cases read like cases, not empty shells: the demo form
maps its questions to the case sections (FormField.case_section)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from contests.management import demo_data
from contests.models import CaseSection, Contest, FormField
from depository.models import Practice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def test_the_demo_forms_map_their_questions_to_case_sections():
    for form in (demo_data.MAIN_FORM, demo_data.DRAFT_FORM):
        sections = {extras.get("case_section") for *_, extras in form} - {None}
        assert {CaseSection.PROBLEM, CaseSection.SOLUTION, CaseSection.RESULTS} <= sections
        for key, _label, field_type, _required, extras in form:
            if extras.get("identifying"):
                assert not extras.get("case_section"), f"{key} identifies the applicant"
            if field_type == FormField.Type.FILE:
                assert not extras.get("case_section"), f"{key} is a file"


def test_seeded_published_cases_have_non_empty_sections(client):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    main = Contest.objects.get(title=demo_data.MAIN_CONTEST["title"])
    assert main.form_fields.exclude(case_section="").count() >= 8
    published = Practice.objects.filter(state=Practice.State.PUBLISHED)
    assert published.count() == 5
    for practice in published:
        assert practice.sections, practice.title
        sections = {entry["section"] for key, entry in practice.layout.items() if key in practice.sections}
        assert {CaseSection.PROBLEM, CaseSection.SOLUTION, CaseSection.RESULTS} <= sections, practice.title
        assert not {"contact_email", "contact_person"} & set(practice.sections)
    practice = published.order_by("pk").first()
    page = client.get(reverse("depository:detail", args=[practice.number])).content.decode()
    assert "had no case questions" not in page
    first_answer = next(iter(practice.sections.values()))
    text = first_answer[0] if isinstance(first_answer, list) else first_answer
    assert text.split("\n")[0][:40] in page or text[:40].replace("'", "&#x27;") in page
