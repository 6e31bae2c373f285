"""A hypothesis state machine over the contest's transitions, run through the services.

The machine keeps its own model of the state (a plain dict of edges) and checks after
every step that the stored contest agrees and that the log has one row per success.
"""

from datetime import timedelta

import pytest
import time_machine
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from contests.models import Contest
from contests.steps import CONTEST
from core.exceptions import TransitionRefused
from core.fsm import history
from tests.factories import UserFactory, grant, ready_contest

S = Contest.State

# The model: transition -> {source: target}.
EDGES = {
    "publish": {S.DRAFT: S.PUBLISHED},
    "close": {S.PUBLISHED: S.CLOSED},
    "start_review": {S.CLOSED: S.IN_REVIEW},
    "decide": {S.IN_REVIEW: S.DECIDED},
    "announce": {S.DECIDED: S.ANNOUNCED},
    "archive": {S.ANNOUNCED: S.ARCHIVED},
    "cancel": dict.fromkeys((S.DRAFT, S.PUBLISHED, S.CLOSED, S.IN_REVIEW, S.DECIDED), S.CANCELLED),
}
NOTE = st.sampled_from(["", "  ", "Причина"])


class ContestMachine(RuleBasedStateMachine):
    @initialize()
    def make_contest(self):
        self.organiser = UserFactory()
        self.contest = ready_contest()
        grant(self.contest, self.organiser)
        self.expected = S.DRAFT
        self.successes = 0

    def _run(self, name: str, *, refused_unless: bool = True, **kwargs) -> None:
        """Run transition `name`; it must succeed iff the model has the edge and the guard passes."""
        target = EDGES[name].get(self.expected)
        contest = Contest.objects.get(pk=self.contest.pk)  # as a request would load it
        if target is None:
            with pytest.raises(TransitionNotAllowed):
                CONTEST[name].service(contest, by=self.organiser, **kwargs)
        elif not refused_unless:
            with pytest.raises(TransitionRefused):
                CONTEST[name].service(contest, by=self.organiser, **kwargs)
        else:
            CONTEST[name].service(contest, by=self.organiser, **kwargs)
            self.expected = target
            self.successes += 1

    @rule(name=st.sampled_from(["publish", "start_review", "decide", "announce", "archive"]), note=NOTE)
    def simple(self, name, note):
        self._run(name, note=note)

    @rule(note=NOTE)
    def cancel(self, note):
        self._run("cancel", refused_unless=bool(note.strip()), note=note)

    @rule(note=NOTE)
    def close_forced(self, note):
        self._run("close", refused_unless=bool(note.strip()), force=True, note=note)

    @rule(note=NOTE)
    def close_early_without_force(self, note):
        self._run("close", refused_unless=False, note=note)

    @rule(minutes_late=st.integers(min_value=0, max_value=60 * 24 * 365))
    def close_after_deadline(self, minutes_late):
        deadline = self.contest.closes_at
        with time_machine.travel(deadline + timedelta(minutes=minutes_late), tick=False):
            self._run("close")

    @invariant()
    def stored_state_matches_model(self):
        if hasattr(self, "contest"):
            assert Contest.objects.get(pk=self.contest.pk).state == self.expected

    @invariant()
    def one_log_row_per_success(self):
        if hasattr(self, "contest"):
            # By insertion order: close_after_deadline logs at a travelled (future) time.
            logs = list(history(self.contest).order_by("pk"))
            assert len(logs) == self.successes
            if logs:
                assert logs[-1].state == self.expected
                assert all(log.by_id == self.organiser.pk for log in logs)


@pytest.mark.django_db
def test_contest_state_machine():
    run_state_machine_as_test(
        ContestMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
