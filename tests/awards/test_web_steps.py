"""The awards page's buttons come from the catalogues (awards.steps: a decision's approve and
withdraw, the contest's decide and announce): who sees which, posting runs the step through
core.web and returns to the awards page, a refusal shows its reasons and changes nothing."""

import pytest
from django.urls import reverse

from awards import services
from awards.models import Decision
from contests.models import Contest

pytestmark = pytest.mark.django_db


def organise_url(finished) -> str:
    return reverse("awards:organise", args=[finished.contest.pk])


def contest_step(finished, name: str) -> str:
    return reverse("contests:transition", args=[finished.contest.pk, name])


def decision_step(decision, name: str) -> str:
    return reverse("awards:decision_step", args=[decision.pk, name])


@pytest.fixture
def proposed(finished) -> Decision:
    return services.propose(finished.ranked(finished.a)[0], by=finished.organiser)


def test_in_review_the_organiser_is_offered_the_decision_only(finished, client):
    client.force_login(finished.organiser)
    body = client.get(organise_url(finished)).content.decode()
    assert contest_step(finished, "decide") in body
    assert contest_step(finished, "announce") not in body
    assert contest_step(finished, "cancel") not in body  # the contest's other steps live on its page


def test_the_chair_sees_no_contest_step(finished, client):
    client.force_login(finished.chair)
    body = client.get(organise_url(finished)).content.decode()
    assert contest_step(finished, "decide") not in body


def test_decision_buttons_follow_permission_and_state(finished, client, proposed):
    client.force_login(finished.second)
    body = client.get(organise_url(finished)).content.decode()
    assert decision_step(proposed, "approve") in body and decision_step(proposed, "withdraw") in body
    client.force_login(finished.chair)  # may approve, may not withdraw
    body = client.get(organise_url(finished)).content.decode()
    assert decision_step(proposed, "approve") in body and decision_step(proposed, "withdraw") not in body
    services.approve(proposed, by=finished.second)
    client.force_login(finished.organiser)
    body = client.get(organise_url(finished)).content.decode()
    assert decision_step(proposed, "approve") not in body and decision_step(proposed, "withdraw") in body


def test_approving_runs_the_step_and_returns_to_the_page(finished, client, proposed):
    client.force_login(finished.second)
    response = client.post(decision_step(proposed, "approve"), {"next": organise_url(finished)})
    assert response.status_code == 302 and response["Location"] == organise_url(finished)
    assert Decision.objects.get(pk=proposed.pk).state == Decision.State.APPROVED


def test_a_refused_decision_shows_the_reasons_and_changes_nothing(finished, client, proposed):
    client.force_login(finished.organiser)
    response = client.post(contest_step(finished, "decide"), {"next": organise_url(finished)}, follow=True)
    assert response.redirect_chain[-1][0] == organise_url(finished)
    body = response.content.decode()
    assert "“Record the decision” was refused:" in body
    assert "await approval" in body
    assert Contest.objects.get(pk=finished.contest.pk).state == Contest.State.IN_REVIEW


def test_the_awards_step_address_runs_only_the_awards_steps(finished, client):
    client.force_login(finished.organiser)
    url = reverse("awards:step", args=[finished.contest.pk, "cancel"])
    assert client.post(url).status_code == 404
    response = client.post(reverse("awards:step", args=[finished.contest.pk, "decide"]))
    assert response["Location"] == organise_url(finished)
    assert Contest.objects.get(pk=finished.contest.pk).state == Contest.State.DECIDED
    body = client.get(organise_url(finished)).content.decode()
    assert contest_step(finished, "announce") in body and contest_step(finished, "decide") not in body


def test_after_the_announcement_the_page_links_the_results_and_offers_no_step(finished, client):
    decision = finished.winner(finished.ranked(finished.a)[0])
    services.decide(finished.contest, by=finished.organiser)
    services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.organiser)
    client.force_login(finished.organiser)
    body = client.get(organise_url(finished)).content.decode()
    assert reverse("awards:results", args=[finished.contest.pk]) in body
    assert contest_step(finished, "announce") not in body
    assert decision_step(decision, "withdraw") not in body
