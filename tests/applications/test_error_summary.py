"""Issue 12, point 2 (h13): errors where the person looks. After "Submit the application" the
missing answers are an error summary at the top whose lines link to the questions, and each
question is marked with its own message (aria-invalid, aria-describedby). The same summary is on
every form with errors (templates/includes/error_summary.html, `{% error_summary %}`)."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from applications import services
from applications.forms import file_name
from applications.models import Application
from contests.models import FormField
from core.forms import error_summary_items, field_target
from tests.factories import FormFieldFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(published_contest):
    FormFieldFactory(
        contest=published_contest,
        key="groups",
        label="Target groups",
        field_type=FormField.Type.MULTIPLE_CHOICE,
        choices=["Older people", "Young people"],
        required=True,
    )
    FormFieldFactory(
        contest=published_contest,
        key="plan",
        label="Work plan",
        field_type=FormField.Type.FILE,
        required=True,
        file_types=["pdf"],
        max_file_mb=2,
    )
    return published_contest


@pytest.fixture
def draft(contest, applicant):
    return services.start_application(
        organisation=applicant.organisations.get(),
        contest=contest,
        nomination=contest.nominations.get(),
        title="Вигадана бібліотечна ініціатива",
        by=applicant,
    )


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_refused_submit_links_each_missing_answer_to_its_question(web, applicant, draft, contest):
    text = contest.form_fields.get(field_type=FormField.Type.LONG_TEXT)
    response = web(applicant).post(
        reverse("applications:edit", args=[draft.pk]), {"title": draft.title, "submit": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "data-error-summary" in summary
    assert "The application was not submitted" in summary
    # Each missing answer links to its input: the text box, a group's first option, the file input.
    assert f'href="#id_answer_{text.key}"' in summary
    assert 'href="#id_answer_groups_0"' in summary
    assert f'href="#id_{file_name(contest.form_fields.get(key="plan"))}"' in summary
    assert "Answer this question." in summary and "Attach a file." in summary
    # The old unlinked list is gone.
    assert "Before you can submit:" not in html
    # Each question is marked: its message in its error box, its input invalid and described by it.
    box = re.search(rf'<div id="errors-{text.key}">(.*?)</div>', html, re.S).group(1)
    assert "Answer this question." in box
    textarea = re.search(rf'<textarea[^>]*id="id_answer_{text.key}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in textarea and f"errors-{text.key}" in textarea
    assert "field--error" in re.search(r'<fieldset[^>]*id="question-groups"[^>]*>', html).group(0)
    file_input = re.search(r'<input type="file"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in file_input
    assert (
        re.search(r'<div id="errors-plan"[^>]*>(.*?)</div>', html, re.S).group(1).count("Attach a file.") == 1
    )
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_the_summary_links_point_at_elements_on_the_page(web, applicant, draft):
    html = (
        web(applicant)
        .post(reverse("applications:edit", args=[draft.pk]), {"title": draft.title, "submit": "1"})
        .content.decode()
    )
    targets = re.findall(r'data-target="([^"]+)"', _summary(html))
    assert len(targets) == 3
    for target in targets:
        assert f'id="{target}"' in html, f"the summary links to #{target}, which is not on the page"


def test_a_bad_answer_on_save_is_in_the_summary_and_at_the_question(web, applicant, draft):
    response = web(applicant).post(reverse("applications:edit", args=[draft.pk]), {"title": "", "save": "1"})
    html = response.content.decode()
    summary = _summary(html)
    assert 'href="#id_title"' in summary
    assert "Some answers need your attention" in summary
    title_input = re.search(r'<input[^>]*id="id_title"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in title_input


def test_submit_from_the_detail_page_links_to_the_questions_on_the_form(web, applicant, draft, contest):
    text = contest.form_fields.get(field_type=FormField.Type.LONG_TEXT)
    html = web(applicant).post(reverse("applications:submit", args=[draft.pk])).content.decode()
    summary = _summary(html)
    edit_url = reverse("applications:edit", args=[draft.pk])
    assert f'href="{edit_url}#id_answer_{text.key}"' in summary
    assert text.label in summary


def test_an_invalid_late_code_is_marked_at_its_field(web, applicant, draft, contest, time_machine):
    services.save_answers(draft, answers={"groups": ["Older people"]}, by=applicant)
    time_machine.move_to(contest.accepts_until, tick=False)
    response = web(applicant).post(
        reverse("applications:edit", args=[draft.pk]),
        {"title": draft.title, "submit": "1", "late_code": "NOSUCH"},
    )
    html = response.content.decode()
    summary = _summary(html)
    assert 'href="#id_late_code"' in summary
    assert "This late-submission code is not valid for this contest." in summary
    late = re.search(r'<input[^>]*id="id_late_code"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in late


# --- the shared pieces -----------------------------------------------------------------------------


class Sample(forms.Form):
    name = forms.CharField(label="Name")
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def test_error_summary_items_link_fields_in_order_after_the_forms_own_errors():
    form = Sample({})
    form.is_valid()
    items = error_summary_items(form)
    assert items[0]["message"] == "The whole form is wrong."
    assert items[0]["href"] == ""
    assert [(i["label"], i["href"]) for i in items[1:]] == [("Name", "#id_name"), ("Colour", "#id_colour_0")]
    assert field_target(form["colour"]) == "id_colour_0"


def test_a_valid_or_unbound_form_has_no_summary():
    assert error_summary_items(Sample(), None) == []
    html = Template("{% load konkurs %}{% error_summary form %}").render(Context({"form": Sample()}))
    assert "error-summary" not in html


def test_every_form_rendered_with_form_fields_gets_the_summary():
    form = Sample({})
    form.is_valid()
    html = Template('{% include "includes/form_fields.html" %}').render(Context({"form": form}))
    summary = _summary(html)
    assert 'href="#id_name"' in summary and 'href="#id_colour_0"' in summary
    assert "The whole form is wrong." in summary
    assert re.search(r'<input[^>]*name="name"[^>]*aria-invalid="true"', html)
