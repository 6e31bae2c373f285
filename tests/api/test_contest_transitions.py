"""Contest transitions through `POST /api/v1/contests/<id>/<transition>/`."""

from datetime import timedelta

import pytest
import time_machine

from contests.models import Contest
from core.fsm import history
from tests.factories import ContestFactory, CriterionFactory, FormFieldFactory, NominationFactory, grant

pytestmark = pytest.mark.django_db

S = Contest.State

HAPPY = {
    "publish": (S.DRAFT, S.PUBLISHED, {}),
    "close": (S.PUBLISHED, S.CLOSED, {"force": True, "note": "Достроково"}),
    "start-review": (S.CLOSED, S.IN_REVIEW, {}),
    "decide": (S.IN_REVIEW, S.DECIDED, {}),
    "announce": (S.DECIDED, S.ANNOUNCED, {}),
    "archive": (S.ANNOUNCED, S.ARCHIVED, {}),
    "cancel": (S.PUBLISHED, S.CANCELLED, {"note": "Скасовано"}),
}

# What an organiser may do next, per state (the API's `allowed`).
ALLOWED = {
    S.DRAFT: {"publish", "cancel"},
    S.PUBLISHED: {"close", "cancel"},
    S.CLOSED: {"start_review", "cancel"},
    S.IN_REVIEW: {"decide", "cancel"},
    S.DECIDED: {"announce", "cancel"},
    S.ANNOUNCED: {"archive"},
    S.ARCHIVED: set(),
    S.CANCELLED: set(),
}


def url(contest, action: str) -> str:
    return f"/api/v1/contests/{contest.pk}/{action}/"


def state_of(contest) -> str:
    return Contest.objects.get(pk=contest.pk).state


@pytest.mark.parametrize("action", list(HAPPY))
def test_transition_happy_path_returns_the_contest(action, api, organiser, contest_in):
    source, target, payload = HAPPY[action]
    contest = contest_in(source)
    logs_before = history(contest).count()
    r = api(organiser).post(url(contest, action), payload, format="json")
    assert r.status_code == 200, r.content
    logs = list(history(contest))
    assert len(logs) == logs_before + 1
    assert (logs[-1].by, logs[-1].source_state, logs[-1].state) == (organiser, source, target)
    assert (logs[-1].description or "") == payload.get("note", "")
    body = r.json()
    assert body["id"] == contest.pk
    assert body["state"] == target
    assert set(body["allowed_transitions"]) == ALLOWED[target]
    assert state_of(contest) == target


@pytest.mark.parametrize("state", list(S))
def test_wrong_state_answers_409_with_allowed(state, api, organiser, contest_in):
    contest = contest_in(state)
    # `decide` is allowed only from in_review, `publish` only from draft.
    action = "publish" if state != S.DRAFT else "decide"
    logs_before = history(contest).count()
    r = api(organiser).post(url(contest, action), {}, format="json")
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["state"] == state
    assert set(body["allowed"]) == ALLOWED[state]
    assert state_of(contest) == state
    assert history(contest).count() == logs_before


@pytest.mark.parametrize("state", [S.ANNOUNCED, S.ARCHIVED, S.CANCELLED])
def test_cancel_refused_once_announced(state, api, organiser, contest_in):
    contest = contest_in(state)
    r = api(organiser).post(url(contest, "cancel"), {"note": "Ні"}, format="json")
    assert r.status_code == 409
    assert "cancel" not in r.json()["allowed"]
    assert state_of(contest) == state


@pytest.mark.parametrize("state", Contest.CANCELLABLE_STATES)
def test_cancel_from_each_cancellable_state(state, api, organiser, contest_in):
    contest = contest_in(state)
    r = api(organiser).post(url(contest, "cancel"), {"note": "Причина"}, format="json")
    assert r.status_code == 200, r.content
    assert state_of(contest) == S.CANCELLED


def test_cancel_without_note_is_refused(api, organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api(organiser).post(url(contest, "cancel"), {}, format="json")
    assert r.status_code == 409
    assert r.json()["reasons"] == ["Give the reason for cancelling."]
    assert state_of(contest) == S.PUBLISHED


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
    ("missing", "reason"),
    [
        ({"nomination": False}, "Add at least one nomination."),
        ({"criterion": False}, "Add at least one evaluation criterion."),
        ({"field": False}, "Add at least one field to the application form."),
        ({"opens_at": None}, "Set when applications open and the deadline."),
        ({"closes_at": None}, "Set when applications open and the deadline."),
    ],
)
def test_publish_refusal_reasons(missing, reason, api, organiser):
    contest = _draft(organiser, **missing)
    r = api(organiser).post(url(contest, "publish"), {}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert body["reasons"] == [reason]
    assert body["state"] == S.DRAFT
    assert set(body["allowed"]) == {"cancel"}  # never the step just refused
    assert state_of(contest) == S.DRAFT
    assert history(contest).count() == 0


def test_publish_refusal_lists_all_reasons(api, organiser):
    contest = _draft(organiser, nomination=False, criterion=False, field=False, closes_at=None)
    r = api(organiser).post(url(contest, "publish"), {}, format="json")
    assert r.status_code == 409
    assert len(r.json()["reasons"]) == 4


def test_close_before_deadline_without_force(api, organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api(organiser).post(url(contest, "close"), {"note": "Раніше"}, format="json")
    assert r.status_code == 409
    assert "force" in r.json()["reasons"][0]
    assert state_of(contest) == S.PUBLISHED


def test_forced_close_without_note(api, organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api(organiser).post(url(contest, "close"), {"force": True}, format="json")
    assert r.status_code == 409
    assert r.json()["reasons"] == ["Closing before the deadline needs a note with the reason."]
    assert state_of(contest) == S.PUBLISHED


def test_close_after_deadline_without_force(api, organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    with time_machine.travel(contest.closes_at + timedelta(hours=1), tick=False):
        r = api(organiser).post(url(contest, "close"), {}, format="json")
    assert r.status_code == 200, r.content
    assert state_of(contest) == S.CLOSED


def test_transition_note_too_long_is_400(api, organiser, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api(organiser).post(url(contest, "cancel"), {"note": "x" * 2001}, format="json")
    assert r.status_code == 400
    assert "note" in r.json()["errors"]
    assert state_of(contest) == S.PUBLISHED


def test_history_lists_each_transition(api, organiser, contest_in):
    contest = contest_in(S.DRAFT)
    client = api(organiser)
    assert client.post(url(contest, "publish"), {"note": "Оголошуємо"}, format="json").status_code == 200
    assert (
        client.post(url(contest, "close"), {"force": True, "note": "Мало часу"}, format="json").status_code
        == 200
    )
    r = client.get(url(contest, "history"))
    assert r.status_code == 200
    rows = [{k: row[k] for k in ("transition", "source_state", "state", "by", "note")} for row in r.json()]
    assert rows == [
        {
            "transition": "publish",
            "source_state": "draft",
            "state": "published",
            "by": organiser.display_name,
            "note": "Оголошуємо",
        },
        {
            "transition": "close",
            "source_state": "published",
            "state": "closed",
            "by": organiser.display_name,
            "note": "Мало часу",
        },
    ]
    assert all(row["timestamp"] for row in r.json())


def test_history_of_a_public_contest_is_readable_anonymously(api, contest_in):
    contest = contest_in(S.PUBLISHED)
    r = api().get(url(contest, "history"))
    assert r.status_code == 200
    assert [row["transition"] for row in r.json()] == ["publish"]


def test_history_of_a_draft_is_hidden(api, applicant, contest_in):
    contest = contest_in(S.DRAFT)
    assert api().get(url(contest, "history")).status_code == 404
    assert api(applicant).get(url(contest, "history")).status_code == 404
