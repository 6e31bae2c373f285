"""One catalogue of steps per model drives the API actions, the web buttons and the refusals."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from contests.models import Contest
from contests.steps import CONTEST
from core.steps import CATALOGUES, Catalogue, Step
from tests.factories import ContestFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

S = Contest.State


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_buttons(html: str) -> set[str]:
    """The steps a page offers: the names in the actions of its step forms."""
    return set(re.findall(r'action="/organise/contests/\d+/steps/([a-z_-]+)/"', html))


def test_every_model_with_transitions_has_a_catalogue_with_its_steps():
    """Each step names a real transition of its model, and every catalogue has a web route."""
    from django.apps import apps
    from django_fsm import FSMField

    with_state = {
        model for model in apps.get_models() if any(isinstance(f, FSMField) for f in model._meta.get_fields())
    }
    assert with_state <= set(CATALOGUES), with_state - set(CATALOGUES)
    for catalogue in CATALOGUES.values():
        assert catalogue.url_name
        for step in catalogue:
            assert callable(getattr(catalogue.model, step.name))


def test_higher_apps_register_the_contest_steps_they_own():
    assert CONTEST.names()[:4] == ["publish", "close", "archive", "cancel"]
    owners = {name: CONTEST[name].service.__module__ for name in ("start_review", "decide", "announce")}
    assert owners == {
        "start_review": "review.services",
        "decide": "awards.services",
        "announce": "awards.services",
    }


def test_a_step_must_name_a_transition_of_its_model():
    with pytest.raises(ValueError, match="no transition"):
        Catalogue(Contest, [Step("fly", lambda *a, **k: None, "contests.change_contest", "Fly")])
    CATALOGUES[Contest] = CONTEST  # the failed catalogue must not replace the real one


def test_one_endpoint_per_step(api, organiser, contest_in):
    """The decision runs at the contest's endpoint; the awards' copy of it is gone."""
    contest = contest_in(S.IN_REVIEW)
    assert api(organiser).post(f"/api/v1/awards/{contest.pk}/decide/").status_code == 404
    assert api(organiser).post(f"/api/v1/contests/{contest.pk}/decide/").status_code == 200
    contest.refresh_from_db()
    assert contest.state == S.DECIDED


def test_the_page_offers_exactly_the_steps_the_api_allows(api, organiser, contest_in):
    for state in (S.DRAFT, S.PUBLISHED, S.CLOSED, S.IN_REVIEW, S.DECIDED, S.ANNOUNCED, S.CANCELLED):
        contest = contest_in(state)
        html = page_client(organiser).get(reverse("contests:manage", args=[contest.pk])).content.decode()
        allowed = set(api(organiser).get(f"/api/v1/contests/{contest.pk}/").json()["allowed_transitions"])
        assert step_buttons(html) == allowed, state


def test_a_draft_that_cannot_be_published_offers_no_publish_button(organiser):
    contest = ContestFactory()  # no nominations, criteria or form yet
    grant(contest, organiser)
    html = page_client(organiser).get(reverse("contests:manage", args=[contest.pk])).content.decode()
    assert step_buttons(html) == {"cancel"}
    assert "Add at least one nomination." in html


def test_a_juror_sees_no_steps_and_may_not_post_one(contest_in):
    contest = contest_in(S.PUBLISHED)
    juror = UserFactory()
    grant(contest, juror, role="juror")
    client = page_client(juror)
    response = client.post(reverse("contests:transition", args=[contest.pk, "cancel"]), {"cancel-note": "Ні"})
    assert response.status_code == 403
    contest.refresh_from_db()
    assert contest.state == S.PUBLISHED


def test_the_web_runs_a_step_with_its_input(organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    response = page_client(organiser).post(
        reverse("contests:transition", args=[contest.pk, "close"]),
        {"close-force": "on", "close-note": "Достроково"},
        follow=True,
    )
    contest.refresh_from_db()
    assert contest.state == S.CLOSED
    assert "Done: Close the call." in response.content.decode()


def test_web_and_api_refuse_the_same_input_with_the_same_reasons(api, organiser, contest_in):
    web_contest, api_contest = contest_in(S.PUBLISHED), contest_in(S.PUBLISHED)
    response = page_client(organiser).post(
        reverse("contests:transition", args=[web_contest.pk, "close"]), {"close-note": ""}, follow=True
    )
    r = api(organiser).post(f"/api/v1/contests/{api_contest.pk}/close/", {"note": ""}, format="json")
    assert r.status_code == 409
    page = response.content.decode()
    for reason in r.json()["reasons"]:
        assert reason in page
    web_contest.refresh_from_db()
    assert web_contest.state == S.PUBLISHED


def test_a_step_not_possible_now_is_refused_on_the_web_without_change(organiser, contest_in):
    contest = contest_in(S.DRAFT)
    response = page_client(organiser).post(
        reverse("contests:transition", args=[contest.pk, "archive"]), follow=True
    )
    assert "This step is not possible from the current state." in response.content.decode()
    contest.refresh_from_db()
    assert contest.state == S.DRAFT


def test_an_unknown_step_is_404(organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    response = page_client(organiser).post(reverse("contests:transition", args=[contest.pk, "explode"]))
    assert response.status_code == 404


def test_the_conflict_lists_only_steps_allowed_now(api, organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api(organiser).post(f"/api/v1/contests/{contest.pk}/close/", {}, format="json")
    assert r.status_code == 409
    assert r.json()["allowed"] == ["cancel"]  # never the step just refused


def test_the_manage_page_links_higher_apps_through_their_registrations(organiser, contest_in):
    draft = contest_in(S.DRAFT)
    html = page_client(organiser).get(reverse("contests:manage", args=[draft.pk])).content.decode()
    assert reverse("review:jury", args=[draft.pk]) not in html  # nothing to judge in a draft
    contest = contest_in(S.CLOSED)
    html = page_client(organiser).get(reverse("contests:manage", args=[contest.pk])).content.decode()
    for name in ("applications:screening", "review:jury", "awards:organise", "reports:dashboard"):
        assert reverse(name, args=[contest.pk]) in html
    assert reverse("grants:dashboard", args=[contest.pk]) not in html  # only for its grant officers
    grant(contest, organiser, role="grant_officer")
    html = page_client(organiser).get(reverse("contests:manage", args=[contest.pk])).content.decode()
    assert reverse("grants:dashboard", args=[contest.pk]) in html


def test_every_step_input_has_its_own_schema_name():
    """drf-spectacular names a component after its class: two inputs with one name would make
    one schema component stand for both (and `check --deploy` fail)."""
    from core.steps import NoInput

    seen: dict[str, type] = {}
    for catalogue in CATALOGUES.values():
        for step in catalogue:
            name = step.input.__name__.removesuffix("Serializer")
            assert seen.setdefault(name, step.input) is step.input, name
    assert seen.get("NoInput", NoInput) is NoInput
