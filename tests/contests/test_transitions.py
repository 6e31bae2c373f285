"""Contest transitions through the services: happy paths, refusals, guards and the log."""

from datetime import timedelta

import pytest
import time_machine
from django_fsm import TransitionNotAllowed
from django_fsm_log.models import StateLog

from contests import services
from contests.models import Contest
from contests.steps import CONTEST
from core.exceptions import TransitionRefused
from core.fsm import history
from tests.factories import ContestFactory, CriterionFactory, FormFieldFactory, NominationFactory, grant

pytestmark = pytest.mark.django_db

S = Contest.State

# transition -> (source state, target state, extra kwargs for the happy path)
HAPPY = {
    "publish": (S.DRAFT, S.PUBLISHED, {}),
    "close": (S.PUBLISHED, S.CLOSED, {"force": True, "note": "Достроково: мало заявок"}),
    "start_review": (S.CLOSED, S.IN_REVIEW, {}),
    "decide": (S.IN_REVIEW, S.DECIDED, {}),
    "announce": (S.DECIDED, S.ANNOUNCED, {}),
    "archive": (S.ANNOUNCED, S.ARCHIVED, {}),
    "cancel": (S.DRAFT, S.CANCELLED, {"note": "Фінансування скасовано"}),
}
ALL_STATES = list(S)


def reload(contest: Contest) -> Contest:
    return Contest.objects.get(pk=contest.pk)


@pytest.mark.parametrize("name", list(HAPPY))
def test_each_transition_moves_state_and_logs_one_row(name, contest_in, organiser):
    source, target, extra = HAPPY[name]
    contest = contest_in(source)
    logs_before = history(contest).count()

    CONTEST[name].service(contest, by=organiser, **extra)

    assert reload(contest).state == target
    logs = list(history(contest))
    assert len(logs) == logs_before + 1
    last = logs[-1]
    assert (last.by, last.source_state, last.state, last.transition) == (organiser, source, target, name)
    assert (last.description or "") == extra.get("note", "")


def test_note_is_logged(contest_in, organiser):
    contest = contest_in(S.CLOSED)
    CONTEST["start_review"].service(contest, by=organiser, note="Журі сформовано")
    assert history(contest).last().description == "Журі сформовано"


WRONG_STATES = [
    (name, state)
    for name in HAPPY
    for state in ALL_STATES
    if state not in (Contest.CANCELLABLE_STATES if name == "cancel" else (HAPPY[name][0],))
]


@pytest.mark.parametrize(("name", "state"), WRONG_STATES)
def test_transition_from_a_wrong_state_is_refused_and_changes_nothing(name, state, contest_in, organiser):
    contest = contest_in(state)
    logs_before = history(contest).count()
    _source, _target, extra = HAPPY[name]

    with pytest.raises(TransitionNotAllowed):
        CONTEST[name].service(contest, by=organiser, **extra)

    assert reload(contest).state == state
    assert history(contest).count() == logs_before


@pytest.mark.parametrize("state", Contest.CANCELLABLE_STATES)
def test_cancel_allowed_before_announcement(state, contest_in, organiser):
    contest = contest_in(state)
    services.cancel_contest(contest, by=organiser, note="Скасовано рішенням ради")
    assert reload(contest).state == S.CANCELLED
    assert history(contest).last().source_state == state


@pytest.mark.parametrize("state", [S.ANNOUNCED, S.ARCHIVED, S.CANCELLED])
def test_cancel_refused_after_announcement(state, contest_in, organiser):
    contest = contest_in(state)
    with pytest.raises(TransitionNotAllowed):
        services.cancel_contest(contest, by=organiser, note="Запізно")
    assert reload(contest).state == state


@pytest.mark.parametrize("note", ["", "   "])
def test_cancel_needs_a_note(note, contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    with pytest.raises(TransitionRefused) as refused:
        services.cancel_contest(contest, by=organiser, note=note)
    assert "reason" in refused.value.reasons[0]
    assert reload(contest).state == S.PUBLISHED
    assert not StateLog.objects.for_(contest).filter(transition="cancel").exists()


# --- publish guards ------------------------------------------------------------------------


def _draft(organiser, *, nomination=True, criterion=True, field=True, **fields) -> Contest:
    contest = ContestFactory(**fields)
    grant(contest, organiser)
    if nomination:
        NominationFactory(contest=contest)
    if criterion:
        CriterionFactory(contest=contest)
    if field:
        FormFieldFactory(contest=contest)
    return contest


@pytest.mark.parametrize(
    ("missing", "word"),
    [
        ({"nomination": False}, "nomination"),
        ({"criterion": False}, "criterion"),
        ({"field": False}, "application form"),
        ({"opens_at": None}, "deadline"),
        ({"closes_at": None}, "deadline"),
    ],
)
def test_publish_guard_names_what_is_missing(missing, word, organiser):
    contest = _draft(organiser, **missing)
    with pytest.raises(TransitionRefused) as refused:
        services.publish_contest(contest, by=organiser)
    assert len(refused.value.reasons) == 1
    assert word in refused.value.reasons[0]
    stored = reload(contest)
    assert stored.state == S.DRAFT
    assert stored.published_at is None
    assert history(contest).count() == 0


def test_publish_guard_lists_every_reason_at_once(organiser):
    contest = _draft(organiser, nomination=False, criterion=False, field=False, opens_at=None)
    with pytest.raises(TransitionRefused) as refused:
        services.publish_contest(contest, by=organiser)
    assert len(refused.value.reasons) == 4


def test_publish_guard_refuses_reversed_dates(organiser):
    # The database refuses reversed dates outright, so the guard is reached with an unsaved edit.
    contest = _draft(organiser)
    contest.opens_at = contest.closes_at + timedelta(days=1)
    with pytest.raises(TransitionRefused) as refused:
        services.publish_contest(contest, by=organiser)
    assert refused.value.reasons == ["The deadline must come after the opening."]
    assert reload(contest).state == S.DRAFT


def test_publish_sets_published_at(contest_in, organiser):
    contest = contest_in(S.DRAFT)
    with time_machine.travel("2026-03-01 09:00 +02:00", tick=False):
        services.publish_contest(contest, by=organiser)
    assert reload(contest).published_at.isoformat() == "2026-03-01T07:00:00+00:00"


# --- close guards --------------------------------------------------------------------------


def test_close_before_deadline_without_force_is_refused(contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    with pytest.raises(TransitionRefused) as refused:
        services.close_contest(contest, by=organiser, note="Хочемо раніше")
    assert "force" in refused.value.reasons[0]
    assert reload(contest).state == S.PUBLISHED


@pytest.mark.parametrize("note", ["", "  "])
def test_forced_close_needs_a_note(note, contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    with pytest.raises(TransitionRefused) as refused:
        services.close_contest(contest, by=organiser, force=True, note=note)
    assert "note" in refused.value.reasons[0]
    assert reload(contest).state == S.PUBLISHED


def test_close_after_deadline_needs_no_force(contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    with time_machine.travel(contest.closes_at + timedelta(minutes=1), tick=False):
        services.close_contest(contest, by=organiser)
    assert reload(contest).state == S.CLOSED


def test_close_exactly_at_deadline_needs_no_force(contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    with time_machine.travel(contest.closes_at, tick=False):
        services.close_contest(contest, by=organiser)
    assert reload(contest).state == S.CLOSED


def test_close_a_minute_before_deadline_needs_force(contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    with (
        time_machine.travel(contest.closes_at - timedelta(minutes=1), tick=False),
        pytest.raises(TransitionRefused),
    ):
        services.close_contest(contest, by=organiser)
    assert reload(contest).state == S.PUBLISHED


def test_full_lifecycle_history_in_order(contest_in, organiser):
    contest = contest_in(S.ARCHIVED)
    steps = [(log.transition, log.source_state, log.state) for log in history(contest)]
    assert steps == [
        ("publish", S.DRAFT, S.PUBLISHED),
        ("close", S.PUBLISHED, S.CLOSED),
        ("start_review", S.CLOSED, S.IN_REVIEW),
        ("decide", S.IN_REVIEW, S.DECIDED),
        ("announce", S.DECIDED, S.ANNOUNCED),
        ("archive", S.ANNOUNCED, S.ARCHIVED),
    ]
