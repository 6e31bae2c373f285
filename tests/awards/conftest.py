"""A contest whose review is done, ready for choosing winners (on top of the review tests' jury).

nominations  A (applications 0, 2, 4), B (1, 3, 5); at most 2 winners each, 3 in the contest
reviews      every application by two of jurors 1–3, all submitted, with comments
people       organiser, a second organiser, a jury chair (juror 3), one member per library
"""

import pytest
from django.db import connection

from applications.models import Application
from awards import services
from awards.selectors import candidates
from contests.models import Contest, ContestRole
from review import services as review_services
from review.models import Round
from tests.factories import UserFactory, grant
from tests.review.conftest import Jury


class Finished(Jury):
    def __init__(self, organiser):
        super().__init__(organiser)
        contest = self.contest
        Contest.objects.filter(pk=contest.pk).update(max_winners=3)
        self.a.max_winners = self.b.max_winners = 2
        self.a.save()
        self.b.save()
        contest.refresh_from_db()
        self.second = UserFactory(full_name="Друга Організаторка")
        grant(contest, self.second, ContestRole.Role.ORGANISER)
        chair = self.jurors[3]
        self.chair = review_services.add_juror(
            contest, user=chair.user, by=organiser, region=chair.region, chair=True
        ).user
        self.members = {}
        for application in self.applications:
            member = UserFactory(full_name=f"Бібліотекарка {application.number}")
            application.organisation.memberships.create(user=member)
            self.members[application.pk] = member
        for i, application in enumerate(self.applications):
            for j in ((i % 3) + 1, ((i + 1) % 3) + 1):
                self.score(self.jurors[j], application, 9 - i + j % 2, comment=f"Коментар {i}-{j}")
        self.round = Round.objects.get(pk=self.round.pk)

    def score(self, juror, application, value: int, comment: str = "") -> None:
        review = self.assign(juror, application)
        scores = {self.impact.pk: {"value": value, "comment": comment}, self.method.pk: {"value": value - 1}}
        if application.nomination_id == self.b.pk:
            scores[self.only_b.pk] = {"value": min(5, value // 2)}
        review = review_services.save_scores(review, by=juror.user, scores=scores, overall_comment="Загалом")
        review_services.submit_review(review, by=juror.user)

    def ranked(self, nomination) -> list[Application]:
        """Applications of `nomination` in ranking order."""
        return [c.application for c in candidates(self.contest, nomination)]

    def winner(self, application, *, reason: str = "", citation: str = "За сміливі е-послуги"):
        decision = services.propose(application, by=self.organiser, reason=reason, citation=citation)
        return services.approve(decision, by=self.second)


@pytest.fixture
def finished(organiser) -> Finished:
    return Finished(organiser)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set (CI's PostgreSQL pass).")
