"""Reads of the congress app. Events: the public sees published ones, organisers theirs.
Invitations: the event's organisers and the invited organisation's members, nobody else."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Membership, Organisation
from congress.models import Event, EventOrganiser, Invitation
from contests.models import Category, ContestRole
from depository import selectors as depository
from depository.models import Practice


def _managed_q(user: Any) -> Q:
    named = EventOrganiser.objects.filter(user=user).values("event_id")
    contests = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest_id")
    return Q(pk__in=named) | Q(contest_id__in=contests)


def _with_roles(events: QuerySet[Event]) -> QuerySet[Event]:
    """What the permission checks read, prefetched: lists stay at a flat number of queries."""
    return events.select_related("contest").prefetch_related("organisers", "contest__roles")


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(state__in=Event.PUBLIC_STATES).select_related("contest")


def events_managed_by(user: Any) -> QuerySet[Event]:
    if not user.is_authenticated:
        return Event.objects.none()
    return _with_roles(Event.objects.filter(_managed_q(user)))


def events_visible_to(user: Any) -> QuerySet[Event]:
    public = Q(state__in=Event.PUBLIC_STATES)
    if not user.is_authenticated:
        return _with_roles(Event.objects.filter(public))
    return _with_roles(Event.objects.filter(public | _managed_q(user)))


def _my_organisations(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).values("organisation_id")


def invitations_visible_to(user: Any) -> QuerySet[Invitation]:
    if not user.is_authenticated:
        return Invitation.objects.none()
    managed = Event.objects.filter(_managed_q(user)).values("pk")
    mine = Q(event_id__in=managed) | Q(organisation_id__in=_my_organisations(user))
    return with_details(Invitation.objects.filter(mine))


def with_details(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    return invitations.select_related("event__contest", "practice", "organisation").prefetch_related(
        "event__organisers", "event__contest__roles", "organisation__memberships"
    )


def invitations_of_organisation(organisation: Organisation) -> QuerySet[Invitation]:
    return with_details(Invitation.objects.filter(organisation=organisation)).order_by(
        "-event__starts_at", "position", "pk"
    )


def has_invitations(user: Any) -> bool:
    return (
        user.is_authenticated
        and Invitation.objects.filter(organisation_id__in=_my_organisations(user)).exists()
    )


def invitations_of_event(event: Event) -> QuerySet[Invitation]:
    return with_details(event.invitations.all()).order_by("position", "pk")


def programme(event: Event) -> QuerySet[Invitation]:
    """The confirmed presenters, in the programme's order."""
    return (
        event.invitations.filter(state=Invitation.State.CONFIRMED)
        .select_related("practice", "organisation")
        .order_by("position", "slot_starts_at", "pk")
    )


def presenters(event: Event) -> QuerySet[Invitation]:
    """Every invitation that still counts (not withdrawn), for the organisers' exports."""
    return (
        event.invitations.exclude(state=Invitation.State.WITHDRAWN)
        .select_related("practice", "organisation")
        .order_by("position", "pk")
    )


def candidates(
    event: Event, *, contest: int | None = None, region: str = "", category: Category | None = None
) -> QuerySet[Practice]:
    """Published depository cases not yet invited to this event, filtered as the organiser asks."""
    invited = Invitation.objects.filter(event=event, practice=OuterRef("pk"))
    practices = depository.catalogue().filter(~Exists(invited)).select_related("application__organisation")
    if contest:
        practices = practices.filter(contest_id=contest)
    if region:
        practices = practices.filter(region=region)
    if category is not None:
        practices = depository.in_category(practices, category)
    return practices.order_by("-year", "title", "pk")
