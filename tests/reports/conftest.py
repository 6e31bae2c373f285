"""The review tests' contest in review (see tests/review/conftest.py), with reviews scored and
applications added in every state, so each dashboard figure has something to count."""

from datetime import UTC, datetime

import pytest

from applications.models import Application, IneligibilityReason
from review import services
from tests.factories import OrganisationFactory
from tests.review import conftest as review_fixtures
from tests.review.conftest import Jury
from tests.review.factories import ApplicationFactory

# The review tests' contest in review and the web tests' client, reused as they are.
jury = review_fixtures.jury


def score(jury: Jury, juror, application, values: dict, *, submit: bool = True):
    """Assign `juror` to `application`, score it ({criterion: value}) and submit it, or leave it
    in progress."""
    review = jury.assign(juror, application)
    review = services.save_scores(
        review, by=jury.organiser, scores={c.pk: {"value": v} for c, v in values.items()}
    )
    if submit:
        review = services.submit_review(review, by=jury.organiser)
    return review


@pytest.fixture
def busy(jury: Jury) -> Jury:
    """jury, plus: five reviews (three submitted), and applications in the other states."""
    a0, a1, _, a3 = jury.applications[:4]
    j1, j2, j3 = jury.jurors[1:4]
    score(jury, j1, a0, {jury.impact: 8, jury.method: 6})
    score(jury, j2, a0, {jury.impact: 6, jury.method: 6})
    score(jury, j1, a1, {jury.impact: 10, jury.method: 3, jury.only_b: 5})
    score(jury, j2, a1, {jury.impact: 2}, submit=False)
    jury.assign(j3, a3)
    contest = jury.contest
    lviv = OrganisationFactory(region="lviv")
    jury.extra = [
        ApplicationFactory(
            contest=contest, nomination=jury.a, state=Application.State.DRAFT, submitted_at=None
        ),
        ApplicationFactory(
            contest=contest, nomination=jury.a, state=Application.State.SUBMITTED, organisation=lviv
        ),
        ApplicationFactory(contest=contest, nomination=jury.b, state=Application.State.RETURNED),
        ApplicationFactory(
            contest=contest,
            nomination=jury.b,
            state=Application.State.INELIGIBLE,
            ineligibility_reason=IneligibilityReason.LATE,
            # 23:30 UTC on 1 March is 01:30 on 2 March in Kyiv: it counts on the 2nd.
            submitted_at=datetime(2025, 3, 1, 23, 30, tzinfo=UTC),
        ),
        ApplicationFactory(
            contest=contest,
            nomination=jury.a,
            state=Application.State.INELIGIBLE,
            ineligibility_reason=IneligibilityReason.LATE,
            submitted_at=datetime(2025, 3, 2, 8, 0, tzinfo=UTC),
        ),
        ApplicationFactory(
            contest=contest,
            nomination=jury.a,
            state=Application.State.INELIGIBLE,
            ineligibility_reason=IneligibilityReason.DUPLICATE,
        ),
        ApplicationFactory(contest=contest, nomination=jury.b, state=Application.State.WITHDRAWN),
    ]
    return jury
