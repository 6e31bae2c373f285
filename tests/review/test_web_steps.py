"""The review's web buttons come from its catalogue (review.steps REVIEW and ROUND): who sees
which step, posting a step runs it through core.web, a refusal shows its reasons and changes
nothing. See conftest.py for the jury."""

import pytest
from django.test import Client
from django.urls import reverse

from review import services
from review.api.serializers import ReviewSerializer, RoundSerializer
from review.models import Conflict, Review, Round
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_url(review, name: str) -> str:
    return reverse("review:review_step", args=[review.pk, name])


@pytest.fixture
def review(jury) -> Review:
    return jury.assign(jury.jurors[1], jury.applications[2])


@pytest.fixture
def submitted(jury, review) -> Review:
    user = review.juror.user
    services.save_scores(
        review,
        by=user,
        scores={jury.impact.pk: {"value": 7}, jury.method.pk: {"value": 5}},
    )
    return services.submit_review(Review.objects.get(pk=review.pk), by=user)


class TestReviewSteps:
    def test_the_organiser_sees_reopen_and_recuse_on_a_submitted_review(self, jury, submitted):
        body = client_for(jury.organiser).get(reverse("review:score", args=[submitted.pk])).content.decode()
        assert step_url(submitted, "reopen") in body
        assert step_url(submitted, "recuse") in body
        assert step_url(submitted, "submit") not in body
        assert reverse("review:decline", args=[submitted.pk]) not in body

    def test_the_juror_sees_no_organiser_step_and_may_decline_only_before_submitting(
        self, jury, review, submitted
    ):
        juror = client_for(review.juror.user)
        body = juror.get(reverse("review:score", args=[submitted.pk])).content.decode()
        assert step_url(submitted, "reopen") not in body
        assert step_url(submitted, "recuse") not in body
        assert reverse("review:decline", args=[submitted.pk]) not in body  # submitted: no decline

    def test_the_juror_may_decline_an_assigned_review(self, review):
        body = client_for(review.juror.user).get(reverse("review:score", args=[review.pk])).content.decode()
        assert reverse("review:decline", args=[review.pk]) in body
        assert step_url(review, "recuse") not in body

    def test_posting_reopen_runs_it_and_returns_to_next(self, jury, submitted):
        back = reverse("review:progress", args=[jury.round.pk])
        response = client_for(jury.organiser).post(
            step_url(submitted, "reopen"), {"reopen-note": "Перевірте методику", "next": back}
        )
        assert response.status_code == 302 and response["Location"] == back
        submitted.refresh_from_db()
        assert submitted.state == Review.State.REOPENED

    def test_a_refused_reopen_shows_the_reasons_and_changes_nothing(self, jury, submitted):
        services.close_round(Round.objects.get(pk=jury.round.pk), by=jury.organiser)
        response = client_for(jury.organiser).post(
            step_url(submitted, "reopen"), {"reopen-note": "Ще раз"}, follow=True
        )
        body = response.content.decode()
        assert "“Reopen” was refused:" in body
        assert "This review round is not open for scoring." in body
        submitted.refresh_from_db()
        assert submitted.state == Review.State.SUBMITTED

    def test_recuse_from_the_review_records_the_conflict(self, jury, submitted):
        client_for(jury.organiser).post(step_url(submitted, "recuse"), {"recuse-note": "Родичка директорки"})
        submitted.refresh_from_db()
        assert submitted.state == Review.State.DECLINED
        conflict = Conflict.objects.get(juror=submitted.juror, application=submitted.application)
        assert conflict.kind == Conflict.Kind.RECUSED

    def test_the_juror_may_not_reopen_and_outsiders_get_404(self, jury, review, submitted):
        assert client_for(review.juror.user).post(step_url(submitted, "reopen"), {}).status_code == 403
        assert client_for(UserFactory()).post(step_url(submitted, "reopen"), {}).status_code == 404
        assert client_for(jury.organiser).post(step_url(submitted, "nonsense"), {}).status_code == 404
        submitted.refresh_from_db()
        assert submitted.state == Review.State.SUBMITTED

    def test_a_refused_submit_keeps_the_scores_and_the_state(self, jury, review):
        juror = client_for(review.juror.user)
        data = {f"score_{jury.impact.pk}": "6", f"score_{jury.method.pk}": "", "submit": "1"}
        response = juror.post(reverse("review:score", args=[review.pk]), data)
        assert response.status_code == 200
        assert "Score the criterion “Method”." in response.content.decode()
        review.refresh_from_db()
        assert review.state == Review.State.IN_PROGRESS
        assert review.scores.get().value == 6


class TestRoundSteps:
    def test_an_open_round_offers_close_only(self, jury):
        body = client_for(jury.organiser).get(reverse("review:jury", args=[jury.contest.pk])).content.decode()
        assert reverse("review:round_step", args=[jury.round.pk, "close"]) in body
        assert reverse("review:round_step", args=[jury.round.pk, "open"]) not in body

    def test_a_closed_round_offers_open_and_no_assignment(self, jury):
        services.close_round(jury.round, by=jury.organiser)
        body = client_for(jury.organiser).get(reverse("review:jury", args=[jury.contest.pk])).content.decode()
        assert reverse("review:round_step", args=[jury.round.pk, "open"]) in body
        assert reverse("review:round_step", args=[jury.round.pk, "close"]) not in body
        assert "This round is closed: assignments can no longer change." in body

    def test_a_step_not_open_from_the_state_is_refused(self, jury):
        response = client_for(jury.organiser).post(
            reverse("review:round_step", args=[jury.round.pk, "open"]), follow=True
        )
        assert "“Open for scoring” was refused:" in response.content.decode()
        jury.round.refresh_from_db()
        assert jury.round.state == Round.State.OPEN

    def test_outsiders_get_404(self, jury, other_organiser):
        url = reverse("review:round_step", args=[jury.round.pk, "close"])
        assert client_for(other_organiser).post(url).status_code == 404
        jury.round.refresh_from_db()
        assert jury.round.state == Round.State.OPEN


def test_allowed_transitions_come_from_the_catalogue_whatever_the_view(jury, submitted, rf):
    request = rf.get("/")
    request.user = jury.organiser
    assert ReviewSerializer(submitted, context={"request": request}).data["allowed_transitions"] == [
        "reopen",
        "recuse",
    ]
    assert RoundSerializer(jury.round, context={"request": request}).data["allowed_transitions"] == ["close"]
    request.user = submitted.juror.user
    assert ReviewSerializer(submitted, context={"request": request}).data["allowed_transitions"] == []
