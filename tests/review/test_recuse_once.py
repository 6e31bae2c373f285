"""Recusing through the review's step is a step like the others: once the review is declined, a
second recusal (another organiser a moment later, or the loser of a race) is refused with 409 and
the state that won, instead of answering 200 for a recusal that did nothing."""

import pytest
from rest_framework.test import APIClient

from contests.models import Contest
from review.models import Conflict, Review, Round
from tests.factories import ContestFactory, UserFactory, grant
from tests.review.factories import ReviewFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_a_second_recusal_of_one_review_is_a_409_with_the_state_that_won():
    organiser = UserFactory()
    contest = ContestFactory(state=Contest.State.IN_REVIEW)
    grant(contest, organiser)
    review = ReviewFactory(round=RoundFactory(contest=contest, state=Round.State.OPEN))
    client = APIClient()
    client.force_authenticate(organiser)
    url = f"/api/v1/reviews/{review.pk}/recuse/"

    first = client.post(url, {"note": "Конфлікт інтересів."}, format="json")
    again = client.post(url, {"note": "Конфлікт інтересів."}, format="json")

    assert first.status_code == 200, first.content
    assert first.json()["state"] == Review.State.DECLINED
    assert again.status_code == 409, again.content
    assert again.json()["state"] == Review.State.DECLINED
    assert Conflict.objects.filter(juror=review.juror, application=review.application).count() == 1
