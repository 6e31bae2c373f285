"""Starting the review and opening a round run set-based, and still each application's and each
declined review's history records its change."""

import pytest

from applications.models import Application
from core.fsm import history
from review import services
from review.models import Review

pytestmark = pytest.mark.django_db


def test_start_of_review_logs_each_application(jury):
    for application in jury.applications:
        last = list(history(application))[-1]
        assert application.state == Application.State.UNDER_REVIEW
        assert (last.transition, last.source_state, last.state, last.by) == (
            "start_review",
            Application.State.ELIGIBLE,
            Application.State.UNDER_REVIEW,
            jury.organiser,
        )


def test_reopening_a_round_declines_newly_conflicted_reviews_with_history(jury):
    juror, application = jury.jurors[3], jury.applications[1]
    review = jury.assign(juror, application)
    application.organisation.memberships.create(user=juror.user)  # now the juror's own library
    services.close_round(jury.round, by=jury.organiser)
    services.open_round(jury.round, by=jury.organiser)
    review = Review.objects.get(pk=review.pk)
    assert review.state == Review.State.DECLINED
    last = list(history(review))[-1]
    assert (last.transition, last.source_state, last.state, last.by) == (
        "recuse",
        Review.State.ASSIGNED,
        Review.State.DECLINED,
        jury.organiser,
    )
    assert "conflict of interest" in last.description
