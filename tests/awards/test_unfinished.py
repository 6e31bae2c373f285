"""Guard rails before the decision and the announcement (issue 12, point 7): with reviews not
submitted or applications not screened, both doors refuse the step (409, listing what is
unfinished) unless the organiser confirms it with a reason (400 without one); the reason lands
in the contest's history. Proposed winners awaiting approval still block it outright."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application
from awards import services
from contests.models import Contest
from core.fsm import history
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

S = Contest.State


@pytest.fixture
def unfinished(finished):
    """One review not submitted (juror 0 on application 1) and one application not screened."""
    finished.assign(finished.jurors[0], finished.applications[1])
    ApplicationFactory(contest=finished.contest, nomination=finished.a, state=Application.State.SUBMITTED)
    return finished


def state_of(finished) -> str:
    return Contest.objects.get(pk=finished.contest.pk).state


def url(finished, step: str) -> str:
    return f"/api/v1/contests/{finished.contest.pk}/{step}/"


def test_decide_with_unfinished_work_is_refused_listing_it(api, unfinished):
    response = api(unfinished.organiser).post(url(unfinished, "decide"), {"note": "Готово"}, format="json")
    assert response.status_code == 409
    reasons = " ".join(response.json()["reasons"])
    assert "1 review is not submitted (jurors: 1)" in reasons
    assert "1 application is not screened yet" in reasons
    assert "Confirm" in reasons
    assert state_of(unfinished) == S.IN_REVIEW


def test_a_confirmation_without_a_reason_is_bad_input(api, unfinished):
    response = api(unfinished.organiser).post(
        url(unfinished, "decide"), {"confirm_unfinished": True, "reason": "  "}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in str(response.json()).lower()
    assert state_of(unfinished) == S.IN_REVIEW


def test_confirmed_with_a_reason_runs_and_keeps_the_reason(api, unfinished):
    response = api(unfinished.organiser).post(
        url(unfinished, "decide"),
        {"confirm_unfinished": True, "reason": "Член журі захворів; рішення не чекає.", "note": "Рішення"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert state_of(unfinished) == S.DECIDED
    note = history(Contest.objects.get(pk=unfinished.contest.pk)).last().description
    assert "Рішення" in note and "Член журі захворів" in note and "not submitted" in note


def test_announce_asks_again_while_work_is_unfinished(api, unfinished):
    o = api(unfinished.organiser)
    assert (
        o.post(url(unfinished, "decide"), {"confirm_unfinished": True, "reason": "Строк"}).status_code == 200
    )
    response = o.post(url(unfinished, "announce"), {}, format="json")
    assert response.status_code == 409
    assert "1 application is not screened yet" in " ".join(response.json()["reasons"])
    assert state_of(unfinished) == S.DECIDED
    response = o.post(
        url(unfinished, "announce"), {"confirm_unfinished": True, "reason": "Оголошуємо вчасно"}
    )
    assert response.status_code == 200
    assert state_of(unfinished) == S.ANNOUNCED


def test_with_nothing_unfinished_no_confirmation_is_needed(api, finished):
    assert api(finished.organiser).post(url(finished, "decide"), {}, format="json").status_code == 200


def test_a_proposed_winner_awaiting_approval_blocks_even_a_confirmed_step(api, unfinished):
    services.propose(unfinished.ranked(unfinished.a)[0], by=unfinished.organiser)
    response = api(unfinished.organiser).post(
        url(unfinished, "decide"), {"confirm_unfinished": True, "reason": "Поспішаємо"}, format="json"
    )
    assert response.status_code == 409
    assert "await approval" in " ".join(response.json()["reasons"])
    assert state_of(unfinished) == S.IN_REVIEW


def test_the_chair_may_not_decide_even_confirmed(api, unfinished):
    response = api(unfinished.chair).post(
        url(unfinished, "decide"), {"confirm_unfinished": True, "reason": "x"}
    )
    assert response.status_code == 403
    assert state_of(unfinished) == S.IN_REVIEW


def test_a_service_call_without_confirmation_is_refused_too(unfinished):
    from core.exceptions import TransitionRefused

    with pytest.raises(TransitionRefused):
        services.decide(unfinished.contest, by=unfinished.organiser)
    assert state_of(unfinished) == S.IN_REVIEW


def test_the_schema_documents_the_confirmation(api, organiser):
    schema = api(organiser).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    names = [
        n
        for n, c in schema["components"]["schemas"].items()
        if "confirm_unfinished" in c.get("properties", {})
    ]
    assert names, "the decision's and announcement's input must document confirm_unfinished"


# --- the web door ---------------------------------------------------------------------------------


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_pages_show_what_is_unfinished_before_the_step(unfinished):
    client = page_client(unfinished.organiser)
    for page in ("awards:organise", "contests:manage"):
        body = client.get(reverse(page, args=[unfinished.contest.pk])).content.decode()
        assert "Unfinished work" in body, page
        assert "1 review is not submitted" in body and "1 application is not screened yet" in body, page
        assert 'name="decide-confirm_unfinished"' in body and 'name="decide-reason"' in body, page


def test_the_panel_is_not_shown_to_who_may_not_take_the_step(unfinished):
    body = (
        page_client(unfinished.chair)
        .get(reverse("awards:organise", args=[unfinished.contest.pk]))
        .content.decode()
    )
    assert "Unfinished work" not in body


def test_the_web_step_refuses_without_confirmation_and_runs_with_it(unfinished):
    client = page_client(unfinished.organiser)
    step = reverse("contests:transition", args=[unfinished.contest.pk, "decide"])
    back = reverse("awards:organise", args=[unfinished.contest.pk])
    body = client.post(step, {"next": back}, follow=True).content.decode()
    assert "“Record the decision” was refused:" in body
    assert "1 review is not submitted" in body
    assert state_of(unfinished) == S.IN_REVIEW
    body = client.post(step, {"next": back, "decide-confirm_unfinished": "on"}, follow=True).content.decode()
    assert "Give the reason for going ahead with unfinished work." in body
    assert state_of(unfinished) == S.IN_REVIEW
    client.post(step, {"next": back, "decide-confirm_unfinished": "on", "decide-reason": "Строки"})
    assert state_of(unfinished) == S.DECIDED
