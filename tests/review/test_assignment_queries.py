"""auto_assign reads and writes in a fixed number of statements, whatever the round's size:
conflicts, eligibility and loads are read set-based and the new reviews go in one INSERT."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.assignment import auto_assign
from review.models import Conflict, OrganisationConflict, Review
from tests.factories import (
    CategoryFactory,
    ContestFactory,
    MembershipFactory,
    NominationFactory,
    OrganisationFactory,
)
from tests.review.factories import ApplicationFactory, JurorFactory, ReviewFactory, RoundFactory

pytestmark = pytest.mark.django_db

REGIONS = ["lviv", "odesa", "sumy", "rivne", "poltava", "kharkiv", "volyn", "zakarpattia"]


def assign_round(n_apps: int, organiser) -> tuple[int, Review]:
    """A round with every kind of input the assignment reads (expertise, nominations, caps,
    an own-organisation conflict hiding under a live review, a declared one, a recorded one,
    a declined review); returns the queries auto_assign ran and a review it had to decline."""
    contest = ContestFactory()
    nominations = [NominationFactory(contest=contest) for _ in range(2)]
    categories = [CategoryFactory() for _ in range(4)]
    libraries = [OrganisationFactory() for _ in range(4)]
    applications = []
    for k in range(n_apps):
        # One application per library and nomination: the first four have a library of their own.
        library = {"organisation": libraries[k]} if k < len(libraries) else {}
        application = ApplicationFactory(contest=contest, nomination=nominations[k % 2], **library)
        application.categories.set(categories[k % 3 : k % 3 + 2])
        applications.append(application)
    jurors = [
        JurorFactory(contest=contest, region=REGIONS[k], max_load=None if k else n_apps) for k in range(8)
    ]
    for k, juror in enumerate(jurors):
        juror.expertise.set(categories[k % 4 : k % 4 + 2])
    jurors[1].nominations.set([nominations[0]])
    round_ = RoundFactory(contest=contest, reviewers_per_application=3)
    # Works for the first library and already reviews one of its applications: the automatic
    # conflict declines that review first.
    MembershipFactory(user=jurors[2].user, organisation=libraries[0])
    hidden = ReviewFactory(round=round_, juror=jurors[2], application=applications[0])
    ReviewFactory(round=round_, juror=jurors[3], application=applications[1], state=Review.State.DECLINED)
    OrganisationConflict.objects.create(juror=jurors[4], organisation=libraries[1], note="Колишня робота")
    Conflict.objects.create(juror=jurors[5], application=applications[2], kind=Conflict.Kind.DECLARED)
    ContentType.objects.clear_cache()  # history rows look their type up once per process
    with CaptureQueriesContext(connection) as queries:
        report = auto_assign(round_, by=organiser)
    assert report.unfilled == 0 and report.created == 3 * n_apps - 1 + 1  # the declined one refilled
    hidden.refresh_from_db()
    return len(queries), hidden


def test_auto_assign_runs_as_many_queries_for_200_applications_as_for_10(organiser):
    small, hidden = assign_round(10, organiser)
    large, _hidden = assign_round(200, organiser)
    assert hidden.state == Review.State.DECLINED
    assert large == small, f"{small} queries for 10 applications, {large} for 200"
