"""The web pages: organisers create, invite, reorder and publish; libraries answer; the public
reads the programme of published events only."""

from datetime import timedelta

import pytest

from congress import services
from congress.models import Event, Invitation
from core import clock
from core.menu import links_for
from core.panels import render_panels

pytestmark = pytest.mark.django_db


def _local(moment) -> str:
    return clock.local(moment, "Europe/Kyiv").strftime("%Y-%m-%dT%H:%M")


def test_organiser_creates_an_event_on_the_page(client, organiser, announced):
    client.force_login(organiser)
    starts = clock.now() + timedelta(days=20)
    response = client.post(
        "/congress/manage/new/",
        {
            "title": "Форум",
            "description": "",
            "starts_at": _local(starts),
            "ends_at": _local(starts + timedelta(hours=3)),
            "place": "Полтава",
            "contest": announced.pk,
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/congress/manage/{event.pk}/"
    assert event.organisers.filter(user=organiser).exists()


def test_bad_dates_keep_what_was_typed(client, organiser, announced):
    client.force_login(organiser)
    starts = clock.now() + timedelta(days=20)
    response = client.post(
        "/congress/manage/new/",
        {
            "title": "Мій форум",
            "starts_at": _local(starts),
            "ends_at": _local(starts - timedelta(hours=1)),
            "place": "Суми",
        },
    )
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    assert "Мій форум" in response.content.decode()
    assert not Event.objects.exists()


def test_library_member_cannot_create_events(client, make_case):
    client.force_login(make_case().member)
    assert client.get("/congress/manage/new/").status_code == 403


def test_pick_and_invite_cases(client, organiser, event, make_case):
    case, other = make_case("Читання вголос"), make_case("Медіаграмотність")
    client.force_login(organiser)
    page = client.get(f"/congress/manage/{event.pk}/cases/").content.decode()
    assert "Читання вголос" in page and "Медіаграмотність" in page
    response = client.post(
        f"/congress/manage/{event.pk}/cases/",
        {
            "practices": [case.practice.pk],
            "respond_by": _local(clock.now() + timedelta(days=7)),
            "topic": "Т",
        },
    )
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("practice_id", flat=True)) == [case.practice.pk]
    page = client.get(f"/congress/manage/{event.pk}/cases/").content.decode()
    assert "Читання вголос" not in page  # invited already
    assert "Медіаграмотність" in page
    assert other


def test_invite_without_deadline_changes_nothing(client, organiser, event, make_case):
    case = make_case()
    client.force_login(organiser)
    response = client.post(f"/congress/manage/{event.pk}/cases/", {"practices": [case.practice.pk]})
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_filter_by_region(client, organiser, event, make_case):
    make_case("Полтавська практика", region="poltava")
    make_case("Київська практика", region="kyiv")
    client.force_login(organiser)
    page = client.get(f"/congress/manage/{event.pk}/cases/?region=kyiv").content.decode()
    assert "Київська практика" in page and "Полтавська практика" not in page


def test_library_confirms_and_declines_on_its_page(client, make_case, invite):
    case, second = make_case(), make_case()
    confirm_me = invite(case)
    client.force_login(case.member)
    page = client.get("/congress/invitations/").content.decode()
    assert "Confirm: we will present" in page
    response = client.post(f"/congress/invitations/{confirm_me.pk}/confirm/")
    assert response.status_code == 302
    confirm_me.refresh_from_db()
    assert confirm_me.state == Invitation.State.CONFIRMED
    declined = invite(second)
    client.force_login(second.member)
    client.post(f"/congress/invitations/{declined.pk}/decline/", {"decline-reason": ""})
    declined.refresh_from_db()
    assert declined.state == Invitation.State.INVITED
    client.post(f"/congress/invitations/{declined.pk}/decline/", {"decline-reason": "Ремонт"})
    declined.refresh_from_db()
    assert declined.state == Invitation.State.DECLINED


def test_another_library_cannot_answer(client, make_case, invite):
    case, other = make_case(), make_case()
    invitation = invite(case)
    client.force_login(other.member)
    assert client.post(f"/congress/invitations/{invitation.pk}/confirm/").status_code == 404
    assert invitation.pk not in [i.pk for i in Invitation.objects.filter(state="confirmed")]


def test_programme_page_is_public_only_once_published(client, organiser, event, make_case, invite):
    case, waiting = make_case("Підтверджена практика"), make_case("Очікує відповіді")
    invitation = invite(case)
    invite(waiting)
    services.confirm_invitation(invitation, by=case.member)
    assert client.get(f"/congress/{event.pk}/").status_code == 404
    services.publish_event(event, by=organiser)
    page = client.get(f"/congress/{event.pk}/").content.decode()
    assert "Підтверджена практика" in page
    assert f"/practices/{case.practice.pk}/" in page
    assert "Очікує відповіді" not in page
    assert event.title in client.get("/congress/").content.decode()


def test_reorder_buttons_move_an_invitation(client, organiser, event, make_case, invite):
    first, second = invite(make_case()), invite(make_case())
    client.force_login(organiser)
    client.post(f"/congress/manage/invitations/{second.pk}/move/", {"direction": "up"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.position < first.position


def test_publish_button_on_the_event_page(client, organiser, other_organiser, event):
    client.force_login(other_organiser)
    assert client.get(f"/congress/manage/{event.pk}/").status_code == 404
    assert client.post(f"/congress/manage/{event.pk}/publish/").status_code == 404
    client.force_login(organiser)
    assert "Publish the programme" in client.get(f"/congress/manage/{event.pk}/").content.decode()
    client.post(f"/congress/manage/{event.pk}/publish/")
    event.refresh_from_db()
    assert event.state == Event.State.PUBLISHED


def test_menu_and_panel_show_when_the_library_has_invitations(rf, make_case, invite):
    case = make_case()
    assert "/congress/invitations/" not in [link["url"] for link in links_for("main", case.member)]
    invite(case)
    assert "/congress/invitations/" in [link["url"] for link in links_for("main", case.member)]
    request = rf.get("/")
    request.user = case.member
    assert "/congress/invitations/" in render_panels("accounts.organisation", request, case.organisation)
    request.user = make_case().member
    assert "/congress/invitations/" not in render_panels("accounts.organisation", request, case.organisation)
