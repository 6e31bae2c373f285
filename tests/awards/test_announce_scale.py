"""Announcement at scale: set-based, yet each application's history records its change, every
applicant is told once, and the number of queries does not grow with the applicants."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from awards import services
from contests.models import Contest
from core.fsm import history
from notifications.models import Message
from tests.awards.conftest import Finished
from tests.factories import OrganisationFactory, UserFactory
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def decided(organiser, extra: int) -> Finished:
    """The finished contest with `extra` more applications under review (each library with a
    member), three winners approved and the contest decided."""
    finished = Finished(organiser)
    for i in range(extra):
        organisation = OrganisationFactory()
        organisation.memberships.create(user=UserFactory())
        ApplicationFactory(
            contest=finished.contest,
            nomination=finished.a if i % 2 else finished.b,
            organisation=organisation,
            state=Application.State.UNDER_REVIEW,
        )
    a1, a2 = finished.ranked(finished.a)[:2]
    for application in (a1, a2, finished.ranked(finished.b)[0]):
        finished.winner(application)
    services.decide(finished.contest, by=finished.organiser)
    return finished


def test_each_application_history_records_its_change(organiser):
    finished = decided(organiser, extra=4)
    services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.second)
    applications = list(Application.objects.filter(contest=finished.contest))
    assert len(applications) == 10
    for application in applications:
        last = list(history(application))[-1]
        expected = "award" if application.state == Application.State.AWARDED else "decline_award"
        assert application.state in (Application.State.AWARDED, Application.State.NOT_AWARDED)
        assert (last.transition, last.source_state, last.state, last.by) == (
            expected,
            Application.State.UNDER_REVIEW,
            application.state,
            finished.second,
        )
        assert application.version > 1  # a writer holding the old version gets its conflict


def test_every_applicant_told_once_with_a_key_per_application(organiser):
    finished = decided(organiser, extra=4)
    services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.second)
    inapp = Message.objects.filter(
        channel=Message.Channel.INAPP, event__in=["awards.awarded", "awards.not_awarded"]
    )
    keys = set(inapp.values_list("dedupe_key", flat=True))
    assert inapp.values("batch").distinct().count() == len(keys)  # one context per batch
    for application in Application.objects.filter(contest=finished.contest):
        members = application.organisation.memberships.values_list("user", flat=True)
        for member in members:
            assert inapp.filter(user=member, dedupe_key=f"awards:{application.pk}").count() == 1


def announce_queries(organiser, extra: int) -> int:
    finished = decided(organiser, extra=extra)
    contest = Contest.objects.get(pk=finished.contest.pk)
    with CaptureQueriesContext(connection) as queries:
        services.announce(contest, by=finished.second)
    assert (
        Application.objects.filter(contest=contest, state=Application.State.NOT_AWARDED).count() == 3 + extra
    )
    return len(queries.captured_queries)


def test_announce_query_count_does_not_grow_with_applicants(organiser):
    assert announce_queries(organiser, 3) == announce_queries(organiser, 30)
