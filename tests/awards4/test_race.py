"""Racing choices for a special award's last place on PostgreSQL (threads, own connections):
one wins, the other is refused with a reason (409), never a server error; the database's check
refuses even code that forgets the lock."""

from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from applications.models import Application
from awards import special
from awards.models import SpecialAward, SpecialAwardChoice
from core.exceptions import TransitionRefused
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_racing_choices_never_exceed_the_places(finished, postgres_only):
    award = special.create_award(finished.contest, title="Відкритість", places=2)
    applications = finished.applications[:5]

    def choose(application: Application) -> Callable[[], SpecialAwardChoice]:
        return lambda: special.choose(
            SpecialAward.objects.get(pk=award.pk),
            Application.objects.get(pk=application.pk),
            by=finished.organiser,
            reason="Рішення журі",
        )

    results = run_together(*(choose(a) for a in applications))

    won = [r for r in results if isinstance(r, SpecialAwardChoice)]
    refused = [r for r in results if isinstance(r, TransitionRefused)]
    assert len(won) == 2 and len(refused) == 3, results
    award.refresh_from_db()
    assert award.chosen == 2 == award.choices.count()


def test_the_check_refuses_an_unlocked_increment(finished, postgres_only):
    award = special.create_award(finished.contest, title="Відкритість", places=1)

    def bump() -> int:
        with transaction.atomic():
            return SpecialAward.objects.filter(pk=award.pk).update(chosen=F("chosen") + 1)

    results = run_together(bump, bump)
    assert sum(r == 1 for r in results) == 1, results
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
    assert "special_award_within_places" in str(errors[0])
