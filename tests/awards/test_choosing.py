"""Choosing winners: limits (service and database), order and reasons, approval by someone else."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applications.models import Application
from awards import services
from awards.models import Decision
from contests.models import Contest
from core.exceptions import TransitionRefused

pytestmark = pytest.mark.django_db


def test_proposal_waits_for_someone_else_to_approve(finished):
    top = finished.ranked(finished.a)[0]
    decision = services.propose(top, by=finished.organiser, citation="Найкраща практика")
    assert decision.state == Decision.State.PROPOSED
    assert decision.rank_position == 1

    with pytest.raises(TransitionRefused) as refused:
        services.approve(decision, by=finished.organiser)
    assert "another organiser or the jury chair" in refused.value.reasons[0]
    assert Decision.objects.get(pk=decision.pk).state == Decision.State.PROPOSED

    decision = services.approve(Decision.objects.get(pk=decision.pk), by=finished.chair)
    assert decision.state == Decision.State.APPROVED
    assert decision.approved_by == finished.chair


def test_nomination_limit_refused_in_words(finished):
    first, second, third = finished.ranked(finished.a)
    finished.winner(first)
    finished.winner(second)
    with pytest.raises(ValidationError) as refused:
        services.propose(third, by=finished.organiser)
    assert "“A” allows at most 2 winners" in " ".join(refused.value.messages)
    assert Decision.objects.filter(application=third).count() == 0


def test_contest_limit_refused_in_words(finished):
    a1, a2, _a3 = finished.ranked(finished.a)
    b1, b2, _b3 = finished.ranked(finished.b)
    for application in (a1, a2, b1):
        finished.winner(application)
    with pytest.raises(ValidationError) as refused:
        services.propose(b2, by=finished.organiser)
    assert "The contest allows at most 3 winners" in refused.value.messages[0]


def test_withdrawn_proposal_frees_its_place(finished):
    a1, a2, a3 = finished.ranked(finished.a)
    finished.winner(a1)
    decision = services.propose(a2, by=finished.organiser)
    services.withdraw(decision, by=finished.second, note="Передумали")
    assert services.propose(a3, by=finished.organiser, reason="Сильніший проєкт").state == "proposed"


def _insert(finished, application: Application) -> Decision:
    with transaction.atomic():
        return Decision.objects.create(
            contest=finished.contest, nomination=application.nomination, application=application
        )


def test_database_refuses_a_winner_beyond_the_nomination_limit(finished):
    first, second, third = finished.ranked(finished.a)
    _insert(finished, first)
    _insert(finished, second)
    with pytest.raises(IntegrityError, match="decision_nomination_limit"):
        _insert(finished, third)


def test_database_refuses_a_winner_beyond_the_contest_limit(finished):
    a1, a2, _ = finished.ranked(finished.a)
    b1, b2, _ = finished.ranked(finished.b)
    for application in (a1, a2, b1):
        _insert(finished, application)
    with pytest.raises(IntegrityError, match="decision_contest_limit"):
        _insert(finished, b2)
    # Nor may the limit be lowered below the places already taken.
    with pytest.raises(IntegrityError, match="decision_contest_limit"), transaction.atomic():
        Contest.objects.filter(pk=finished.contest.pk).update(max_winners=2)
    with pytest.raises(IntegrityError, match="decision_nomination_limit"), transaction.atomic():
        finished.a.max_winners = 1
        finished.a.save()


def test_database_refuses_a_winner_outside_its_nomination(finished):
    application = finished.ranked(finished.a)[0]
    with pytest.raises(IntegrityError, match="decision_consistent"), transaction.atomic():
        Decision.objects.create(contest=finished.contest, nomination=finished.b, application=application)


def test_a_withdrawn_row_does_not_count(finished):
    first, second, third = finished.ranked(finished.a)
    _insert(finished, first)
    withdrawn = services.withdraw(_insert(finished, second), by=finished.organiser)
    assert withdrawn.state == Decision.State.WITHDRAWN
    _insert(finished, third)


def test_passing_over_a_higher_ranked_application_needs_a_reason(finished):
    first, second, _third = finished.ranked(finished.a)
    with pytest.raises(ValidationError) as refused:
        services.propose(second, by=finished.organiser)
    message = refused.value.messages[0]
    assert "Write the reason" in message and first.number in message
    decision = services.propose(second, by=finished.organiser, reason="Перший не має партнерів у громаді")
    assert decision.reason and decision.rank_position == 2
    # In order, the top one needs none.
    assert services.propose(first, by=finished.organiser).reason == ""


def test_only_applications_under_review_can_win(finished):
    first = finished.ranked(finished.a)[0]
    Application.objects.filter(pk=first.pk).update(state=Application.State.WITHDRAWN)
    with pytest.raises(ValidationError) as refused:
        services.propose(Application.objects.get(pk=first.pk), by=finished.organiser)
    assert refused.value.messages == ["Only applications under review can win."]
    assert not Decision.objects.filter(application=first).exists()


def test_decide_refused_while_a_proposal_is_pending(finished):
    services.propose(finished.ranked(finished.a)[0], by=finished.organiser)
    with pytest.raises(TransitionRefused) as refused:
        services.decide(finished.contest, by=finished.organiser)
    assert "await approval" in refused.value.reasons[0]
    assert Contest.objects.get(pk=finished.contest.pk).state == Contest.State.IN_REVIEW
