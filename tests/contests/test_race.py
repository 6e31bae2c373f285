"""Two transitions racing on the same contest: exactly one wins (PostgreSQL row locks)."""

import threading
from collections.abc import Callable

import pytest
from django_fsm import ConcurrentTransition
from rest_framework.test import APIClient

from contests import services
from contests.models import Contest
from contests.steps import CONTEST
from core.fsm import history
from tests.factories import UserFactory, grant, ready_contest
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Contest.State


def _organised_contest():
    organiser = UserFactory()
    contest = ready_contest()
    grant(contest, organiser)
    return organiser, contest


@pytest.mark.parametrize(
    ("start", "first", "second"),
    [
        (S.DRAFT, ("publish", {}), ("publish", {})),
        (
            S.PUBLISHED,
            ("close", {"force": True, "note": "Раніше"}),
            ("close", {"force": True, "note": "Теж"}),
        ),
        (S.PUBLISHED, ("close", {"force": True, "note": "Раніше"}), ("cancel", {"note": "Скасовуємо"})),
    ],
)
def test_racing_transitions_one_wins(start, first, second):
    organiser, contest = _organised_contest()
    if start == S.PUBLISHED:
        services.publish_contest(contest, by=organiser)
    logs_before = history(contest).count()
    loaded = threading.Barrier(2)

    def job(name: str, kwargs: dict) -> Callable[[], Contest]:
        def go() -> Contest:
            mine = Contest.objects.get(pk=contest.pk)
            loaded.wait(timeout=30)  # both copies are loaded before either saves
            return CONTEST[name].service(mine, by=organiser, **kwargs)

        return go

    results = run_together(job(*first), job(*second))

    winners = [r for r in results if isinstance(r, Contest)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], ConcurrentTransition), results
    stored = Contest.objects.get(pk=contest.pk)
    assert stored.state == winners[0].state
    assert history(contest).count() == logs_before + 1  # the loser's log row was rolled back


def test_racing_api_requests_one_gets_409(monkeypatch):
    organiser, contest = _organised_contest()
    loaded = threading.Barrier(2)
    real_apply = services.apply_transition

    def apply_after_both_loaded(obj, name, **kwargs):
        loaded.wait(timeout=30)  # each request has loaded the contest in get_object()
        return real_apply(obj, name, **kwargs)

    monkeypatch.setattr(services, "apply_transition", apply_after_both_loaded)

    def request():
        client = APIClient()
        client.force_authenticate(organiser)
        return client.post(f"/api/v1/contests/{contest.pk}/publish/", {}, format="json")

    responses = run_together(request, request)

    assert sorted(r.status_code for r in responses) == [200, 409], [
        getattr(r, "content", r) for r in responses
    ]
    conflict = next(r for r in responses if r.status_code == 409).json()
    assert "same moment" in conflict["detail"]  # ConcurrentTransition, not a stale-state refusal
    assert conflict["state"] == S.PUBLISHED
    assert set(conflict["allowed"]) == {"close", "cancel"}
    assert Contest.objects.get(pk=contest.pk).state == S.PUBLISHED
    assert history(contest).count() == 1
