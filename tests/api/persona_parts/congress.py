"""Congress events and invitations to present (congress.rules): an event's organisers are its
creator and the linked contest's organisers; the invited library's members answer.

World: a published event E of the organiser, linked to the grant contest, inviting a published
case of X (a second awarded entry of X in the grant contest, published here through the
depository's service: the world's own case stays a draft); a draft event D of the other
organiser."""

from datetime import timedelta

from applications.models import Application
from congress import services
from contests.models import Contest
from core import clock
from depository import services as depository_services
from depository.models import Practice
from tests.factories import NominationFactory

ALLOWED_TEXT = """
# congress.rules: events are public once published; change/steps/reorder = its organisers;
# creating one = whoever may create contests (organisers, staff).
GET /api/v1/congress-events/: everyone
POST /api/v1/congress-events/: org oorg staff
GET /api/v1/congress-events/{id}/: everyone
PATCH /api/v1/congress-events/{id}/: org
DELETE /api/v1/congress-events/{id}/: org
POST /api/v1/congress-events/{id}/finish/: org
GET /api/v1/congress-events/{id}/history/: everyone
GET /api/v1/congress-events/{id}/programme/: everyone
POST /api/v1/congress-events/{id}/publish/: org
POST /api/v1/congress-events/{id}/reorder/: org
POST /api/v1/congress-events/{id}/unpublish/: org
# Invitations: the event's organisers and the invited library (X: app) only.
GET /api/v1/congress-invitations/: signed_in
POST /api/v1/congress-invitations/: org
GET /api/v1/congress-invitations/{id}/: app org
PATCH /api/v1/congress-invitations/{id}/: org
POST /api/v1/congress-invitations/{id}/confirm/: app
POST /api/v1/congress-invitations/{id}/decline/: app
GET /api/v1/congress-invitations/{id}/history/: app org
POST /api/v1/congress-invitations/{id}/withdraw/: org
"""

RESOURCE_OF_ID = {"congress-events": "congress_event", "congress-invitations": "congress_invitation"}
LIST_SCOPE = {
    "/api/v1/congress-events/": {"congress_event": "everyone", "congress_draft_event": "oorg"},
    "/api/v1/congress-invitations/": {"congress_invitation": "app org"},
}
BODIES = {
    ("POST", "/api/v1/congress-events/"): {
        "title": "Форум практик",
        "starts_at": "2031-05-01T07:00:00Z",
        "ends_at": "2031-05-01T15:00:00Z",
        "place": "Київ",
    },
    ("POST", "/api/v1/congress-invitations/"): {
        "event": "{congress_event}",
        "practice": "{congress_practice}",
        "respond_by": "{congress_respond_by}",
    },
}


def build(people: dict, ids: dict) -> None:
    organiser = people["organiser"]
    contest = Contest.objects.get(pk=ids["grant_contest"])
    nomination = NominationFactory(contest=contest, title="Практики для з'їзду")
    entry = Application.objects.create(
        organisation_id=ids["organisation"], contest=contest, nomination=nomination, title="Клуб е-послуг"
    )
    Application.objects.filter(pk=entry.pk).update(state=Application.State.AWARDED)
    practice = Practice.objects.create(
        application=Application.objects.get(pk=entry.pk),
        contest=contest,
        nomination=nomination,
        selected_by=organiser,
    )
    practice = depository_services.publish(practice, by=organiser)
    starts = clock.now() + timedelta(days=60)
    event = services.create_event(
        by=organiser,
        title="З'їзд бібліотек",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        place="Львів",
        contest=contest,
    )
    respond_by = clock.now() + timedelta(days=20)
    [invitation] = services.invite(event, [practice], by=organiser, respond_by=respond_by)
    services.publish_event(event, by=organiser)
    draft = services.create_event(
        by=people["other_organiser"],
        title="Чернетка події",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Одеса",
    )
    ids["congress_event"] = event.pk
    ids["congress_draft_event"] = draft.pk
    ids["congress_invitation"] = invitation.pk
    ids["congress_practice"] = practice.pk
    ids["congress_respond_by"] = respond_by.isoformat()


def build_fuzz(world) -> None:
    """A published event of the fuzzer's organiser inviting a case of the applicant's library."""
    from tests.congress.builders import announced_contest, published_case

    contest = announced_contest(world.organiser)
    library = world.applicant.memberships.order_by("pk").first().organisation
    case = published_case(contest, world.organiser, 90, "Практика фазера", of=library)
    starts = clock.now() + timedelta(days=60)
    event = services.create_event(
        by=world.organiser,
        title="Подія фазера",
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        place="Житомир",
        contest=contest,
    )
    services.invite(event, [case.practice], by=world.organiser, respond_by=clock.now() + timedelta(days=20))
    services.publish_event(event, by=world.organiser)
