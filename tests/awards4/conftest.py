"""The review tests' finished contest (tests/awards/conftest.py), and one announced with it."""

import pytest
from django.db import connection

from awards import services
from contests.models import Contest
from tests.awards.conftest import Finished


@pytest.fixture
def finished(organiser) -> Finished:
    return Finished(organiser)


def announce(finished: Finished) -> Contest:
    """One winner per nomination, then the decision and the announcement."""
    for nomination in (finished.a, finished.b):
        finished.winner(finished.ranked(nomination)[0])
    services.decide(Contest.objects.get(pk=finished.contest.pk), by=finished.organiser)
    return services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.organiser)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set (CI's PostgreSQL pass).")
