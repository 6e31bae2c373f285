"""A contest in review with a small jury, shared by the review tests.

nominations  A, B
criteria     impact (weight 2, 0–10), method (weight 1, 0–10), only-B (weight 1, 0–5, nomination B)
applications 6 eligible → under review, organisations in Kyiv, Lviv and Odesa oblasts
jurors       4: lviv, kyiv-oblast, odesa, kharkiv; the Lviv juror is a member of application 0's library
round        1, open, 2 jurors per application
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.models import Application
from contests.models import Contest
from review import services
from review.models import Round
from tests.factories import (
    CriterionFactory,
    NominationFactory,
    OrganisationFactory,
    UserFactory,
    contest_in_state,
)
from tests.review.factories import ApplicationFactory

REGIONS = ["kyiv-oblast", "lviv", "odesa"]
JUROR_REGIONS = ["lviv", "kyiv-oblast", "odesa", "kharkiv"]


class Jury:
    def __init__(self, organiser):
        self.organiser = organiser
        contest = contest_in_state(Contest.State.CLOSED, organiser)
        contest.criteria.all().delete()
        contest.nominations.all().delete()
        self.a = NominationFactory(contest=contest, title="A")
        self.b = NominationFactory(contest=contest, title="B")
        self.impact = CriterionFactory(contest=contest, title="Impact", weight=Decimal(2), order=1)
        self.method = CriterionFactory(contest=contest, title="Method", weight=Decimal(1), order=2)
        self.only_b = CriterionFactory(
            contest=contest, title="Only B", scale_max=5, nomination=self.b, order=3
        )
        self.applications = [
            ApplicationFactory(
                contest=contest,
                nomination=self.a if i % 2 == 0 else self.b,
                organisation=OrganisationFactory(region=REGIONS[i % 3]),
                submitted_at=timezone.now() - timedelta(days=10 - i),
            )
            for i in range(6)
        ]
        self.jurors = []
        for i, region in enumerate(JUROR_REGIONS):
            user = UserFactory(full_name=f"Суддя Вигаданий {i}")
            if i == 0:
                self.applications[0].organisation.memberships.create(user=user)
            self.jurors.append(services.add_juror(contest, user=user, by=organiser, region=region))
        self.contest = services.start_contest_review(contest, by=organiser)
        self.round = self.contest.review_rounds.get()
        Round.objects.filter(pk=self.round.pk).update(
            reviewers_per_application=2, due_at=timezone.now() + timedelta(days=5)
        )
        self.round.refresh_from_db()
        self.round = services.open_round(self.round, by=organiser)
        for application in self.applications:
            application.refresh_from_db()

    def assign(self, juror, application):
        return services.assign(self.round, [(juror, application)], by=self.organiser)[0]


@pytest.fixture
def jury(organiser) -> Jury:
    return Jury(organiser)


@pytest.fixture
def under_review() -> str:
    return Application.State.UNDER_REVIEW
