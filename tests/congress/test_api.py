"""The congress API: states and refusals of events and invitations, scoping, the programme."""

from datetime import timedelta

import pytest
import time_machine

from congress.models import Event, Invitation
from core import clock
from notifications.models import Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/congress-events/"
INVITATIONS = "/api/v1/congress-invitations/"


def _create_body(event, case, days=10):
    return {
        "event": event.pk,
        "practice": case.practice.pk,
        "respond_by": (clock.now() + timedelta(days=days)).isoformat(),
        "topic": "Цифрова грамотність",
    }


def test_organiser_creates_an_event_and_organises_it(api, organiser, announced):
    body = {
        "title": "З'їзд",
        "starts_at": "2031-05-01T07:00:00Z",
        "ends_at": "2031-05-01T15:00:00Z",
        "place": "Київ",
        "contest": announced.pk,
    }
    response = api(organiser).post(EVENTS, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["state"] == "draft"
    assert data["allowed_transitions"] == ["publish"]
    assert Event.objects.get(pk=data["id"]).organisers.filter(user=organiser).exists()


def test_event_cannot_end_before_it_starts_or_link_anothers_contest(
    api, organiser, other_organiser, announced
):
    body = {
        "title": "X",
        "starts_at": "2031-05-02T07:00:00Z",
        "ends_at": "2031-05-01T07:00:00Z",
        "place": "Київ",
    }
    response = api(organiser).post(EVENTS, body, format="json")
    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"]
    body |= {"ends_at": "2031-05-03T07:00:00Z", "contest": announced.pk}
    response = api(other_organiser).post(EVENTS, body, format="json")
    assert response.status_code == 400
    assert "contest" in response.json()["errors"]
    assert not Event.objects.exists()


def test_a_library_member_may_not_create_events(api, make_case):
    case = make_case()
    body = {
        "title": "X",
        "starts_at": "2031-05-01T07:00:00Z",
        "ends_at": "2031-05-01T09:00:00Z",
        "place": "К",
    }
    assert api(case.member).post(EVENTS, body, format="json").status_code == 403
    assert not Event.objects.exists()


def test_draft_event_is_seen_by_its_organisers_only(api, organiser, event):
    assert api(organiser).get(f"{EVENTS}{event.pk}/").status_code == 200
    assert api().get(f"{EVENTS}{event.pk}/").status_code == 404
    assert api(UserFactory()).get(f"{EVENTS}{event.pk}/").status_code == 404
    assert event.pk not in [e["id"] for e in api().get(EVENTS).json()["results"]]
    assert api().get(f"{EVENTS}{event.pk}/programme/").status_code == 404


def test_invite_notifies_the_librarys_members(api, organiser, event, make_case):
    case = make_case()
    response = api(organiser).post(INVITATIONS, _create_body(event, case), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["state"] == "invited"
    assert data["organisation"] == case.organisation.pk
    assert data["case_url"].endswith(f"/practices/{case.practice.pk}/")
    assert Message.objects.filter(event="congress.invited", user=case.member).exists()


def test_a_case_is_invited_once_per_event(api, organiser, event, make_case, invite):
    case = make_case()
    invite(case)
    response = api(organiser).post(INVITATIONS, _create_body(event, case), format="json")
    assert response.status_code == 400
    assert Invitation.objects.count() == 1


def test_only_published_cases_can_be_invited(api, organiser, event, make_case):
    from depository import services as depository_services

    case = make_case()
    depository_services.withdraw(case.practice, by=organiser)
    response = api(organiser).post(INVITATIONS, _create_body(event, case), format="json")
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_deadline_must_be_before_the_event(api, organiser, event, make_case):
    case = make_case()
    response = api(organiser).post(INVITATIONS, _create_body(event, case, days=40), format="json")
    assert response.status_code == 400
    assert "respond_by" in response.json()["errors"]


def test_another_organiser_cannot_invite_to_my_event(api, other_organiser, event, make_case):
    case = make_case()
    response = api(other_organiser).post(INVITATIONS, _create_body(event, case), format="json")
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_library_confirms_and_the_organiser_is_told(api, organiser, make_case, invite):
    case = make_case()
    invitation = invite(case)
    response = api(case.member).post(f"{INVITATIONS}{invitation.pk}/confirm/", {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "confirmed"
    assert Message.objects.filter(event="congress.answered", user=organiser).exists()


def test_decline_needs_a_reason(api, make_case, invite):
    case = make_case()
    invitation = invite(case)
    client = api(case.member)
    response = client.post(f"{INVITATIONS}{invitation.pk}/decline/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.INVITED
    response = client.post(f"{INVITATIONS}{invitation.pk}/decline/", {"reason": "Ремонт"}, format="json")
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert (invitation.state, invitation.decline_reason) == (Invitation.State.DECLINED, "Ремонт")


def test_confirm_after_the_deadline_is_409_and_expires_it(api, make_case, invite):
    case = make_case()
    invitation = invite(case, days=2)
    with time_machine.travel(clock.now() + timedelta(days=3)):
        response = api(case.member).post(f"{INVITATIONS}{invitation.pk}/confirm/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["allowed"] == []
    assert "deadline" in " ".join(body.get("reasons", [])).lower()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.EXPIRED


def test_confirm_twice_is_409(api, make_case, invite):
    case = make_case()
    invitation = invite(case)
    client = api(case.member)
    assert client.post(f"{INVITATIONS}{invitation.pk}/confirm/", {}, format="json").status_code == 200
    response = client.post(f"{INVITATIONS}{invitation.pk}/confirm/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["state"] == "confirmed"


def test_other_library_gets_404_and_the_organiser_403(api, organiser, make_case, invite):
    case, other = make_case(), make_case()
    invitation = invite(case)
    assert api(other.member).get(f"{INVITATIONS}{invitation.pk}/").status_code == 404
    assert api(other.member).post(f"{INVITATIONS}{invitation.pk}/confirm/", {}).status_code == 404
    assert api(organiser).post(f"{INVITATIONS}{invitation.pk}/confirm/", {}).status_code == 403
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.INVITED


def test_invitation_lists_are_scoped(api, organiser, other_organiser, make_case, invite):
    case, other = make_case(), make_case()
    mine, theirs = invite(case), invite(other)

    def ids(user):
        return {row["id"] for row in api(user).get(INVITATIONS).json()["results"]}

    assert ids(case.member) == {mine.pk}
    assert ids(other.member) == {theirs.pk}
    assert ids(organiser) == {mine.pk, theirs.pk}
    assert ids(other_organiser) == set()
    assert api().get(INVITATIONS).status_code in (401, 403)


def test_organiser_withdraws_and_the_library_cannot_confirm(api, organiser, make_case, invite):
    case = make_case()
    invitation = invite(case)
    assert api(case.member).post(f"{INVITATIONS}{invitation.pk}/withdraw/", {}).status_code == 403
    response = api(organiser).post(f"{INVITATIONS}{invitation.pk}/withdraw/", {"note": "Зміна програми"})
    assert response.status_code == 200
    assert Message.objects.filter(event="congress.withdrawn", user=case.member).exists()
    assert api(case.member).post(f"{INVITATIONS}{invitation.pk}/confirm/", {}).status_code == 409


def test_public_programme_lists_only_confirmed_of_published_events(api, organiser, event, make_case, invite):
    confirmed, declined, waiting = make_case("Перша"), make_case("Друга"), make_case("Третя")
    invitations = [invite(c) for c in (confirmed, declined, waiting)]
    api(confirmed.member).post(f"{INVITATIONS}{invitations[0].pk}/confirm/", {})
    api(declined.member).post(f"{INVITATIONS}{invitations[1].pk}/decline/", {"reason": "Ні"})
    assert api().get(f"{EVENTS}{event.pk}/programme/").status_code == 404
    assert api(organiser).post(f"{EVENTS}{event.pk}/publish/", {}).status_code == 200
    response = api().get(f"{EVENTS}{event.pk}/programme/")
    assert response.status_code == 200
    presenters = response.json()["presenters"]
    assert [p["case_number"] for p in presenters] == [confirmed.practice.pk]
    assert presenters[0]["case_url"].endswith(f"/practices/{confirmed.practice.pk}/")


def test_event_steps_and_refusals(api, organiser, other_organiser, event):
    url = f"{EVENTS}{event.pk}/"
    assert api(organiser).post(url + "finish/", {}).status_code == 409
    assert api(other_organiser).post(url + "publish/", {}).status_code == 404
    assert api(organiser).post(url + "publish/", {}).json()["state"] == "published"
    assert api(other_organiser).post(url + "finish/", {}).status_code == 403
    assert api(organiser).delete(url).status_code == 409
    assert api(organiser).post(url + "finish/", {}).json()["state"] == "finished"


def test_reorder_changes_the_programme_order(api, organiser, event, make_case, invite):
    first, second = invite(make_case()), invite(make_case())
    response = api(organiser).post(
        f"{EVENTS}{event.pk}/reorder/", {"order": [second.pk, first.pk]}, format="json"
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [second.pk, first.pk]
    response = api(organiser).post(f"{EVENTS}{event.pk}/reorder/", {"order": [999999]}, format="json")
    assert response.status_code == 400
    first.refresh_from_db()
    assert first.position == 2


def test_draft_event_can_be_deleted(api, organiser, event):
    assert api(organiser).delete(f"{EVENTS}{event.pk}/").status_code == 204
    assert not Event.objects.exists()


def test_invitation_list_query_count_is_flat(api, organiser, make_case, invite, count_queries):
    invite(make_case())
    client = api(organiser)
    one = count_queries(lambda: client.get(INVITATIONS))
    for _ in range(4):
        invite(make_case())
    assert count_queries(lambda: client.get(INVITATIONS)) == one


def test_event_list_query_count_is_flat(api, organiser, announced, count_queries):
    from congress import services

    def add():
        starts = clock.now() + timedelta(days=20)
        services.create_event(
            by=organiser, title="П", starts_at=starts, ends_at=starts, place="К", contest=announced
        )

    add()
    client = api(organiser)
    one = count_queries(lambda: client.get(EVENTS))
    for _ in range(4):
        add()
    assert count_queries(lambda: client.get(EVENTS)) == one
