"""Racing selections on PostgreSQL (real threads, own connections): the limits still hold."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applications.models import Application
from awards import services
from awards.models import Decision
from contests.models import Contest
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_proposals_never_exceed_the_limits(finished, postgres_only):
    # Every application may be chosen in order of its own nomination's ranking by reason; six
    # organisers' clicks race for three places in the contest (two per nomination).
    Contest.objects.filter(pk=finished.contest.pk).update(max_winners=3)
    applications = [*finished.ranked(finished.a), *finished.ranked(finished.b)]

    def propose(application: Application) -> Callable[[], Decision]:
        return lambda: services.propose(
            Application.objects.get(pk=application.pk), by=finished.organiser, reason="Рішення журі"
        )

    results = run_together(*(propose(a) for a in applications))

    won = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 3 and len(refused) == 3, results
    assert Decision.objects.filter(contest=finished.contest, state__in=Decision.LIVE_STATES).count() == 3
    per_nomination = [Decision.objects.filter(nomination=n).count() for n in (finished.a, finished.b)]
    assert max(per_nomination) <= 2


def test_racing_direct_inserts_are_refused_by_the_database(finished, postgres_only):
    """Code that forgets the lock still cannot exceed the limit: the trigger takes it."""
    applications = finished.ranked(finished.a)  # three applications, two places

    def insert(application: Application) -> Callable[[], Decision]:
        def go() -> Decision:
            with transaction.atomic():
                return Decision.objects.create(
                    contest_id=finished.contest.pk,
                    nomination_id=application.nomination_id,
                    application=application,
                )

        return go

    results = run_together(*(insert(a) for a in applications))

    assert sum(isinstance(r, Decision) for r in results) == 2, results
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
    assert "decision_nomination_limit" in str(errors[0])
