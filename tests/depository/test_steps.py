"""A case's steps on the organisers' page come from its catalogue (depository/steps.py), and run
through the one step route at cases/<number>/<step>/."""

import pytest
from django.urls import reverse

from applications.models import Application
from core.fsm import history
from depository import services
from depository.models import Practice

pytestmark = pytest.mark.django_db


def step_url(practice, name):
    return reverse("depository:transition", args=[practice.pk, name])


def manage_page(client, cases) -> str:
    return client.get(reverse("depository:manage", args=[cases.contest.pk])).content.decode()


def test_the_page_offers_only_the_steps_possible_now(client, cases):
    draft = services.select_case(cases.application(Application.State.AWARDED), by=cases.organiser)
    published = cases.published()
    client.force_login(cases.organiser)
    html = manage_page(client, cases)
    assert step_url(draft, "publish") in html and step_url(draft, "withdraw") not in html
    assert step_url(published, "withdraw") in html and step_url(published, "publish") not in html
    assert 'name="withdraw-note"' in html
    assert reverse("depository:remove", args=[draft.pk]) in html  # a draft may still be removed
    assert reverse("depository:remove", args=[published.pk]) not in html
    assert reverse("depository:detail", args=[published.pk]) in html


def test_the_page_query_count_does_not_grow_with_cases(client, cases, count_queries):
    client.force_login(cases.organiser)
    cases.published()
    manage_page(client, cases)  # warm up
    one = count_queries(lambda: manage_page(client, cases))
    for _ in range(4):
        cases.published()
    assert count_queries(lambda: manage_page(client, cases)) == one


def test_withdrawing_records_the_note_and_returns_to_the_page(client, cases):
    practice = cases.published()
    client.force_login(cases.organiser)
    response = client.post(step_url(practice, "withdraw"), {"withdraw-note": "Застаріло"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("depository:manage", args=[cases.contest.pk])
    assert "Done: Withdraw the case." in response.content.decode()
    practice.refresh_from_db()
    assert practice.state == Practice.State.WITHDRAWN
    assert history(practice).last().description == "Застаріло"


def test_a_refused_step_changes_nothing_and_says_why(client, cases):
    practice = cases.published()
    client.force_login(cases.organiser)
    html = client.post(step_url(practice, "publish"), follow=True).content.decode()
    assert "“Publish the case” was refused:" in html
    assert 'role="alert"' in html
    practice.refresh_from_db()
    assert practice.state == Practice.State.PUBLISHED


def test_an_unknown_step_is_404(client, cases):
    practice = cases.published()
    client.force_login(cases.organiser)
    assert client.post(step_url(practice, "remove-everything")).status_code == 404


def test_the_applicant_sees_no_steps_of_the_case(client, cases):
    application = cases.application(Application.State.AWARDED)
    practice = cases.published(application)
    client.force_login(cases.member)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert step_url(practice, "withdraw") not in html
    assert reverse("depository:detail", args=[practice.pk]) in html  # the consent panel links the case
