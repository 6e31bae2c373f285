import pytest

from review import services
from review.models import Conflict, Review

pytestmark = pytest.mark.django_db


def test_jury_fixture_and_a_full_review(jury, under_review):
    assert all(a.state == under_review for a in jury.applications)
    # The Lviv juror belongs to application 0's library: recorded as a conflict on joining.
    assert Conflict.objects.filter(juror=jury.jurors[0], application=jury.applications[0]).exists()
    review = jury.assign(jury.jurors[1], jury.applications[1])
    review = services.save_scores(
        review, by=review.juror.user, scores={jury.impact.pk: {"value": 7}, jury.method.pk: {"value": "5"}}
    )
    assert review.state == Review.State.IN_PROGRESS
    services.save_scores(review, by=review.juror.user, scores={jury.only_b.pk: {"value": 3}})
    review = services.submit_review(review, by=review.juror.user)
    assert review.state == Review.State.SUBMITTED
