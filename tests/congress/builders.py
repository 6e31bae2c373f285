"""Builders shared by the congress tests and the browser journey: invented libraries only."""

from dataclasses import dataclass
from datetime import timedelta

from accounts.models import Organisation, User
from applications.models import Application
from congress import services as congress_services
from congress.models import Event
from contests.models import Contest
from core import clock
from depository import services as depository_services
from depository.models import Practice
from tests.factories import ContestFactory, NominationFactory, OrganisationFactory, UserFactory, grant


@dataclass
class Case:
    practice: Practice
    organisation: Organisation
    member: User


def announced_contest(organiser: User) -> Contest:
    contest = ContestFactory(state=Contest.State.ANNOUNCED)
    grant(contest, organiser)
    NominationFactory(contest=contest)
    return contest


def published_case(
    contest: Contest, organiser: User, n: int, title: str = "", of: Organisation | None = None, **fields
) -> Case:
    """A published case of a new library with one member (its administrator), or of `of`."""
    if of is None:
        organisation = OrganisationFactory(
            email=f"library{n}@example.org", phone=f"+380 44 000 00 {n % 100:02d}", **fields
        )
        member = UserFactory(full_name=f"Бібліотекарка {n}")
        organisation.memberships.create(user=member, is_admin=True)
    else:
        organisation, member = of, of.memberships.order_by("pk").first().user
    application = Application.objects.create(
        organisation=organisation,
        contest=contest,
        nomination=contest.nominations.get(),
        title=title or f"Практика {n}",
    )
    Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
    practice = Practice.objects.create(
        application=Application.objects.get(pk=application.pk),
        contest=contest,
        nomination=application.nomination,
        selected_by=organiser,
    )
    practice = depository_services.publish(practice, by=organiser)
    return Case(practice, organisation, member)


def new_event(organiser: User, contest: Contest | None) -> Event:
    """A draft event a month from now, by `organiser`, linked to `contest`."""
    starts = clock.now() + timedelta(days=30)
    return congress_services.create_event(
        by=organiser,
        title="Форум бібліотечних практик",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        place="Київ",
        contest=contest,
    )
