"""The application's steps on the web come from its catalogue (applications/steps.py): the buttons
a person sees, the one route that runs any step, and how a refusal is told."""

import re

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, IneligibilityReason
from contests import services as contest_services
from core.fsm import history
from tests.applications.screening_data import draft, submitted

pytestmark = pytest.mark.django_db


def step_url(application, name):
    return reverse("applications:step", args=[application.pk, name])


def screening_url(application):
    return reverse("applications:screening_detail", args=[application.pk])


def detail_url(application):
    return reverse("applications:detail", args=[application.pk])


def member_of(application):
    return application.organisation.members.first()


# --- the buttons ----------------------------------------------------------------------------------


def test_screening_page_renders_the_catalogues_steps(web, organiser, published_contest):
    app = submitted(published_contest)
    html = web(organiser).get(screening_url(app)).content.decode()
    for name in ("mark_eligible", "return_for_correction", "mark_ineligible"):
        assert f'action="{step_url(app, name)}"' in html
    assert 'name="mark_ineligible-reason"' in html
    assert 'name="return_for_correction-note"' in html
    assert f'name="next" value="{screening_url(app)}"' in html
    # The applicant's steps are not the organiser's.
    assert step_url(app, "withdraw") not in html
    assert step_url(app, "submit") not in html


def test_no_screening_buttons_once_screened(web, organiser, published_contest):
    app = submitted(published_contest)
    services.mark_eligible(app, by=organiser)
    html = web(organiser).get(screening_url(app)).content.decode()
    assert step_url(app, "mark_eligible") not in html
    assert step_url(app, "return_for_correction") not in html
    assert 'id="screen-heading"' not in html


def test_applicant_sees_no_screening_and_may_withdraw_only_while_allowed(web, organiser, published_contest):
    app = submitted(published_contest)
    client = web(member_of(app))
    html = client.get(detail_url(app)).content.decode()
    assert reverse("applications:withdraw", args=[app.pk]) in html
    assert step_url(app, "mark_eligible") not in html
    services.mark_eligible(app, by=organiser)
    html = client.get(detail_url(app)).content.decode()
    assert reverse("applications:withdraw", args=[app.pk]) not in html  # eligible: no longer
    assert client.get(reverse("applications:withdraw", args=[app.pk]))["Location"] == detail_url(app)


def test_bulk_form_comes_from_the_catalogue(web, organiser, published_contest):
    submitted(published_contest)
    html = web(organiser).get(reverse("applications:screening", args=[published_contest.pk])).content.decode()
    for name in ("mark_eligible", "return_for_correction", "mark_ineligible"):
        assert f'name="outcome" value="{name}"' in html
    assert 'name="mark_ineligible-reason"' in html
    assert re.search(r'value="mark_ineligible" class="button--danger"', html)


# --- running a step -------------------------------------------------------------------------------


def test_posting_a_step_runs_it_and_returns_to_the_screening_page(web, organiser, published_contest):
    app = submitted(published_contest)
    response = web(organiser).post(
        step_url(app, "return_for_correction"), {"return_for_correction-note": "Додайте фото"}, follow=True
    )
    assert response.redirect_chain[-1][0] == screening_url(app)
    assert "Done: Return for correction. Now: Returned for correction." in response.content.decode()
    app.refresh_from_db()
    assert app.state == Application.State.RETURNED
    assert history(app).last().description == "Додайте фото"


def test_a_step_returns_to_next(web, organiser, published_contest):
    app = submitted(published_contest)
    back = reverse("applications:screening", args=[published_contest.pk])
    response = web(organiser).post(
        step_url(app, "mark_ineligible"),
        {"mark_ineligible-reason": IneligibilityReason.INCOMPLETE, "next": back},
    )
    assert response["Location"] == back
    app.refresh_from_db()
    assert (app.state, app.ineligibility_reason) == (
        Application.State.INELIGIBLE,
        IneligibilityReason.INCOMPLETE,
    )


def test_applicant_withdraws_through_the_step_route(web, published_contest):
    app = draft(published_contest)
    response = web(member_of(app)).post(step_url(app, "withdraw"), {"withdraw-note": "Передумали"})
    assert response["Location"] == detail_url(app)
    app.refresh_from_db()
    assert app.state == Application.State.WITHDRAWN


def test_a_refused_step_shows_the_reasons_and_changes_nothing(web, organiser, published_contest):
    app = submitted(published_contest)
    contest_services.close_contest(published_contest, by=organiser, force=True, note="Достроково")
    response = web(organiser).post(
        step_url(app, "return_for_correction"), {"return_for_correction-note": "Додайте фото"}, follow=True
    )
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "“Return for correction” was refused:" in html
    assert "The call has closed: set a correction deadline by which the applicant must resubmit." in html
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED


def test_invalid_input_is_refused_with_the_fields_message(web, organiser, published_contest):
    app = submitted(published_contest)
    html = web(organiser).post(step_url(app, "mark_ineligible"), {}, follow=True).content.decode()
    assert "Choose the reason why the application is ineligible." in html
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED


def test_who_may_post_a_step(web, organiser, other_organiser, published_contest):
    app = submitted(published_contest)
    applicant = member_of(app)
    assert web(applicant).post(step_url(app, "mark_eligible")).status_code == 403
    assert web(organiser).post(step_url(app, "withdraw")).status_code == 403
    assert web(other_organiser).post(step_url(app, "mark_eligible")).status_code == 404
    assert web().post(step_url(app, "mark_eligible")).status_code == 302  # to the login page
    assert web(organiser).get(step_url(app, "mark_eligible")).status_code == 405
    assert web(organiser).post(step_url(app, "award")).status_code == 404  # not a step of the pages
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED


# --- the screening names, old and new ---------------------------------------------------------------


def test_bulk_screening_with_the_steps_names(web, organiser, published_contest):
    apps = [submitted(published_contest) for _ in range(2)]
    data = {
        "applications": [a.pk for a in apps],
        "outcome": "mark_ineligible",
        "mark_ineligible-reason": IneligibilityReason.INCOMPLETE,
        "mark_ineligible-note": "Немає кошторису",
    }
    html = (
        web(organiser)
        .post(reverse("applications:screening", args=[published_contest.pk]), data, follow=True)
        .content.decode()
    )
    assert "“Mark ineligible”: 2 applications done." in html
    assert set(Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("state", flat=True)) == {
        Application.State.INELIGIBLE
    }


def test_screening_page_still_takes_the_old_form_and_the_new_names(web, organiser, published_contest):
    one, two = submitted(published_contest), submitted(published_contest)
    client = web(organiser)
    client.post(screening_url(one), {"outcome": "eligible", "eligible-outcome": "eligible"})
    client.post(screening_url(two), {"outcome": "mark_eligible"})
    assert {a.state for a in Application.objects.filter(pk__in=[one.pk, two.pk])} == {
        Application.State.ELIGIBLE
    }
    assert client.post(screening_url(one), {"outcome": "award"}).status_code == 404
