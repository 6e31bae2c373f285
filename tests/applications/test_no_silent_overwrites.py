"""Two staff of one library on the same application's page (issue 18, point 1): the page sends the
version it loaded; what a colleague saved since is never overwritten silently: it is shown with
both values and the person chooses, nothing typed is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application

pytestmark = pytest.mark.django_db


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(application: Application, version: int, **answers) -> dict:
    return {
        "title": application.title,
        "version": str(version),
        **{f"answer_{k}": v for k, v in answers.items()},
    }


def test_a_colleagues_answer_is_kept_back_with_both_values_and_the_rest_is_saved(
    application, applicant, colleague
):
    colleague.full_name = "Олена Колега"
    colleague.save()
    loaded = application.version
    edit = reverse("applications:edit", args=[application.pk])
    assert (
        f'name="version" id="application-version" value="{loaded}"'
        in page(applicant).get(edit).content.decode()
    )
    # Both opened the page at the same version; the colleague saves first.
    assert page(colleague).post(edit, form(application, loaded, short="Від колеги")).status_code == 302
    # The applicant's whole form arrives with the old version: their `long` is saved, their `short`
    # is kept back and shown with the colleague's, who changed it and when.
    r = page(applicant).post(edit, form(application, loaded, short="Моя відповідь", long="Мій опис"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Changed by Олена Колега at" in html
    assert "Від колеги" in html and "Моя відповідь" in html
    assert 'name="choice-short" value="mine"' in html and 'name="conflict" value="short"' in html
    application.refresh_from_db()
    assert application.answers == {"short": "Від колеги", "long": "Мій опис"}
    assert f'id="application-version" value="{application.version}"' in html  # the page moves on
    # Not chosen yet: still kept back, even at the current version.
    autosave = reverse("applications:autosave", args=[application.pk])
    current = application.version
    r = page(applicant).post(
        autosave, {**form(application, current, short="Моя відповідь"), "conflict": "short"}
    )
    assert "Changed by Олена Колега" in r.content.decode()
    application.refresh_from_db()
    assert f'value="{application.version}" hx-swap-oob="true"' in r.content.decode()  # the page follows
    assert application.answers["short"] == "Від колеги"
    # They choose their own: saved.
    data = {
        **form(application, application.version, short="Моя відповідь"),
        "conflict": "short",
        "choice-short": "mine",
    }
    r = page(applicant).post(autosave, data)
    assert "Changed by" not in r.content.decode()
    application.refresh_from_db()
    assert application.answers["short"] == "Моя відповідь"


def test_taking_the_saved_answer_keeps_it(application, applicant, colleague):
    loaded = application.version
    autosave = reverse("applications:autosave", args=[application.pk])
    page(colleague).post(autosave, form(application, loaded, short="Від колеги"))
    r = page(applicant).post(autosave, form(application, loaded, short="Моя"))
    assert "Changed by" in r.content.decode()
    application.refresh_from_db()
    data = {
        **form(application, application.version, short="Моя"),
        "conflict": "short",
        "choice-short": "theirs",
    }
    page(applicant).post(autosave, data)
    application.refresh_from_db()
    assert application.answers["short"] == "Від колеги"


def test_the_same_value_or_an_untouched_question_is_no_conflict(application, applicant, colleague):
    loaded = application.version
    autosave = reverse("applications:autosave", args=[application.pk])
    page(colleague).post(autosave, form(application, loaded, short="Однаково", long="Колега"))
    r = page(applicant).post(autosave, form(application, loaded, short="Однаково", long="Колега", number="5"))
    assert "Changed by" not in r.content.decode()
    application.refresh_from_db()
    assert application.answers == {"short": "Однаково", "long": "Колега", "number": "5"}


def test_a_post_without_a_version_saves_as_before(application, applicant, colleague):
    autosave = reverse("applications:autosave", args=[application.pk])
    page(colleague).post(autosave, form(application, application.version, short="Колега"))
    data = form(application, 0, short="Моя")
    del data["version"]
    page(applicant).post(autosave, data)
    application.refresh_from_db()
    assert application.answers["short"] == "Моя"
