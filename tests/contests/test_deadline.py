"""Issue 15, point 11: moving a published deadline needs a reason, keeps the notice period unless
forced, is logged in the contest's history and tells every organisation holding a draft."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django_fsm_log.models import StateLog

from applications import services as application_services
from applications.models import Application
from contests.models import Contest
from core import clock
from notifications.models import Message
from notifications.rendering import render
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


EVENT = "contests.deadline_moved"


def _draft_holder(contest: Contest, *, language: str = "en", state_submitted: bool = False):
    """A member of an organisation with an application (a draft) in the contest."""
    organisation = OrganisationFactory()
    member = UserFactory(language=language)
    MembershipFactory(user=member, organisation=organisation)
    application_services.start_application(
        organisation=organisation,
        contest=contest,
        nomination=contest.nominations.first(),
        title="Цифровий кіоск",
        by=member,
    )
    return member


def _later(contest: Contest, days: int) -> str:
    return (contest.closes_at + timedelta(days=days)).isoformat()


def _local_input(contest: Contest, moment) -> str:
    return contest.local(moment).strftime("%Y-%m-%dT%H:%M")


# --- API ---------------------------------------------------------------------------------------------


def test_api_moving_a_published_deadline_without_a_reason_is_refused(api, organiser, published_contest):
    before = published_contest.closes_at
    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {"closes_at": _later(published_contest, 5)},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "reason" in str(response.json()["errors"]["deadline_change_reason"]).lower()
    published_contest.refresh_from_db()
    assert published_contest.closes_at == before
    assert not StateLog.objects.for_(published_contest).filter(transition="move_deadline").exists()


def test_api_moving_it_later_with_a_reason_logs_and_notifies_draft_holders(api, organiser, published_contest):
    holder = _draft_holder(published_contest, language="uk")
    bystander = UserFactory()  # no application: not told
    before = published_contest.closes_at
    new = before + timedelta(days=5)
    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {"closes_at": new.isoformat(), "deadline_change_reason": "Свята: даємо більше часу"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert "deadline_change_reason" not in response.json()  # write-only
    published_contest.refresh_from_db()
    assert published_contest.closes_at == new

    [log] = StateLog.objects.for_(published_contest).filter(transition="move_deadline")
    assert log.by == organiser
    assert published_contest.moment_label(before) in log.description
    assert published_contest.moment_label(new) in log.description
    assert "Свята: даємо більше часу" in log.description
    history = api(organiser).get(f"/api/v1/contests/{published_contest.pk}/history/").json()
    assert any(row["transition"] == "move_deadline" for row in history)

    messages = Message.objects.filter(event=EVENT)
    assert {m.user_id for m in messages} == {holder.pk}
    assert bystander.pk not in {m.user_id for m in messages}
    message = messages.first()
    assert message.language == "uk"
    rendered = render(EVENT, message.language, message.context)
    assert "Свята: даємо більше часу" in rendered.text
    assert published_contest.moment_label(new) in rendered.subject
    assert published_contest.title in rendered.subject


def test_api_earlier_than_the_notice_period_is_refused_unless_forced(api, organiser, published_contest):
    holder = _draft_holder(published_contest)
    stored = published_contest.closes_at
    too_soon = clock.now() + timedelta(days=3)
    body = {"closes_at": too_soon.isoformat(), "deadline_change_reason": "Бюджет скорочено"}
    response = api(organiser).patch(f"/api/v1/contests/{published_contest.pk}/", body, format="json")
    assert response.status_code == 400
    assert "at least 7 days" in str(response.json()["errors"]["closes_at"])
    published_contest.refresh_from_db()
    assert published_contest.closes_at == stored
    assert not Message.objects.filter(event=EVENT).exists()

    # Forced without a reason: still refused.
    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {"closes_at": too_soon.isoformat(), "deadline_change_force": True},
        format="json",
    )
    assert response.status_code == 400
    assert "deadline_change_reason" in response.json()["errors"]

    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/", {**body, "deadline_change_force": True}, format="json"
    )
    assert response.status_code == 200, response.content
    published_contest.refresh_from_db()
    assert published_contest.closes_at == too_soon
    assert Message.objects.filter(event=EVENT, user=holder).exists()


def test_api_earlier_but_beyond_the_notice_period_needs_only_a_reason(api, organiser, published_contest):
    earlier = clock.now() + timedelta(days=10)
    assert earlier < published_contest.closes_at
    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {"closes_at": earlier.isoformat(), "deadline_change_reason": "Раніше підсумки"},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_notice_period_is_a_setting(api, organiser, published_contest, settings):
    settings.DEADLINE_NOTICE_DAYS = 2
    earlier = clock.now() + timedelta(days=3)
    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {"closes_at": earlier.isoformat(), "deadline_change_reason": "Раніше підсумки"},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_api_deadline_in_the_past_is_refused_even_forced(api, organiser, published_contest):
    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {
            "closes_at": (clock.now() - timedelta(hours=1)).isoformat(),
            "deadline_change_reason": "Терміново",
            "deadline_change_force": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "close the call" in str(response.json()["errors"]["closes_at"])


def test_draft_deadline_moves_freely_and_without_messages(api, organiser, draft_contest):
    response = api(organiser).patch(
        f"/api/v1/contests/{draft_contest.pk}/",
        {"closes_at": (clock.now() + timedelta(days=2)).isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert not StateLog.objects.for_(draft_contest).filter(transition="move_deadline").exists()


def test_other_changes_of_a_published_contest_need_no_reason(api, organiser, published_contest):
    response = api(organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {"summary": "Новий опис", "closes_at": published_contest.closes_at.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_other_organiser_cannot_move_the_deadline(api, other_organiser, published_contest):
    response = api(other_organiser).patch(
        f"/api/v1/contests/{published_contest.pk}/",
        {"closes_at": _later(published_contest, 5), "deadline_change_reason": "Чужий"},
        format="json",
    )
    assert response.status_code == 403


def test_closed_call_deadline_no_longer_moves(api, organiser, contest_in):
    contest = contest_in(Contest.State.CLOSED)
    response = api(organiser).patch(
        f"/api/v1/contests/{contest.pk}/",
        {"closes_at": _later(contest, 5), "deadline_change_reason": "Пізно"},
        format="json",
    )
    assert response.status_code == 400
    assert "closed" in str(response.json()["errors"]["closes_at"])


def test_schema_documents_the_reason(api):
    schema = api().get("/api/schema/?format=json").json()
    patched = schema["components"]["schemas"]["PatchedContestRequest"]["properties"]
    assert "deadline_change_reason" in patched
    assert "deadline_change_force" in patched


# --- web -----------------------------------------------------------------------------------------------


def _form_data(contest: Contest, **changes) -> dict:
    data = {
        "title": contest.title,
        "summary": contest.summary,
        "time_zone": contest.time_zone,
        "opens_at": _local_input(contest, contest.opens_at),
        "closes_at": _local_input(contest, contest.closes_at),
        "grace_minutes": "0",
        "max_winners": str(contest.max_winners),
        "grant_budget": str(contest.grant_budget),
        "currency": contest.currency,
        "version": str(contest.version),
    }
    data.update(changes)
    return data


def test_web_edit_page_shows_the_reason_only_after_publication(
    web, organiser, published_contest, draft_contest
):
    page = web(organiser).get(reverse("contests:edit", args=[published_contest.pk])).content.decode()
    assert 'name="deadline_change_reason"' in page
    assert "Reason for moving the deadline" in page


def test_web_edit_page_of_a_draft_has_no_reason_field(web, organiser, draft_contest):
    page = web(organiser).get(reverse("contests:edit", args=[draft_contest.pk])).content.decode()
    assert 'name="deadline_change_reason"' not in page


def test_web_saving_without_moving_the_deadline_needs_no_reason(web, organiser, published_contest):
    stored = published_contest.closes_at
    response = web(organiser).post(
        reverse("contests:edit", args=[published_contest.pk]),
        _form_data(published_contest, title="Нова назва"),
    )
    assert response.status_code == 302, response.content.decode()
    published_contest.refresh_from_db()
    assert published_contest.title == "Нова назва"
    assert published_contest.closes_at == stored  # seconds kept though the page shows minutes


def test_web_moving_the_deadline_without_reason_shows_the_error(web, organiser, published_contest):
    stored = published_contest.closes_at
    later = _local_input(published_contest, stored + timedelta(days=3))
    response = web(organiser).post(
        reverse("contests:edit", args=[published_contest.pk]), _form_data(published_contest, closes_at=later)
    )
    assert response.status_code == 200
    assert "Give the reason for moving the deadline" in response.content.decode()
    published_contest.refresh_from_db()
    assert published_contest.closes_at == stored


def test_web_moving_the_deadline_too_close_shows_the_notice_error(web, organiser, published_contest):
    stored = published_contest.closes_at
    soon = _local_input(published_contest, clock.now() + timedelta(days=2))
    data = _form_data(published_contest, closes_at=soon, deadline_change_reason="Скорочення")
    response = web(organiser).post(reverse("contests:edit", args=[published_contest.pk]), data)
    assert response.status_code == 200
    assert "at least 7 days" in response.content.decode()
    published_contest.refresh_from_db()
    assert published_contest.closes_at == stored

    data["deadline_change_force"] = "on"
    response = web(organiser).post(reverse("contests:edit", args=[published_contest.pk]), data)
    assert response.status_code == 302, response.content.decode()
    published_contest.refresh_from_db()
    assert published_contest.closes_at < stored


def test_web_move_shows_in_the_history_and_tells_draft_holders(web, organiser, published_contest):
    holder = _draft_holder(published_contest)
    later = _local_input(published_contest, published_contest.closes_at + timedelta(days=3))
    data = _form_data(published_contest, closes_at=later, deadline_change_reason="Прохання бібліотек")
    response = web(organiser).post(reverse("contests:edit", args=[published_contest.pk]), data, follow=True)
    assert response.status_code == 200
    page = web(organiser).get(reverse("contests:manage", args=[published_contest.pk])).content.decode()
    assert "Прохання бібліотек" in page
    assert Message.objects.filter(event=EVENT, user=holder).exists()
    assert Application.objects.filter(contest=published_contest, state=Application.State.DRAFT).exists()
