"""A small world for mailings: a contest of `organiser` with applicants in two regions and two
nominations, a juror, a grantee; another contest whose people must never be reached."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Organisation, User
from accounts.regions import Region
from applications.models import Application
from contests.models import Contest, Nomination
from core import clock
from grants.models import Grant
from mailings import services
from mailings.models import Mailing, Subscriber
from review.models import Juror
from tests.factories import NominationFactory, OrganisationFactory, UserFactory, grant, ready_contest


def member(organisation: Organisation, name: str, language: str = "en") -> User:
    user = UserFactory(full_name=name, language=language)
    organisation.memberships.create(user=user)
    return user


def apply(organisation: Organisation, contest: Contest, nomination: Nomination, state: str) -> Application:
    application = Application.objects.create(
        organisation=organisation, contest=contest, nomination=nomination, title="Проєкт"
    )
    Application.objects.filter(pk=application.pk).update(state=state)
    return application


def give_grant(application: Application) -> Grant:
    return Grant.objects.create(
        contest=application.contest,
        application=application,
        amount=Decimal("1000.00"),
        purpose="Ноутбуки",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )


@dataclass
class World:
    contest: Contest
    other_contest: Contest
    nomination_a: Nomination
    nomination_b: Nomination
    poltava: Organisation
    lviv: Organisation
    drafting: Organisation
    ann: User  # poltava, eligible application in A; also in lviv (two organisations, one person)
    bohdan: User  # lviv, submitted in B
    dana: User  # drafting: only a draft
    juror: User
    outsider: User  # applied to the other contest only
    other_juror: User


@pytest.fixture
def world(organiser, other_organiser) -> World:
    return build_world(organiser, other_organiser)


def build_world(organiser: User, other_organiser: User) -> World:
    contest = ready_contest()
    grant(contest, organiser)
    a = contest.nominations.get()
    b = NominationFactory(contest=contest)
    poltava = OrganisationFactory(region=Region.POLTAVA)
    lviv = OrganisationFactory(region=Region.LVIV)
    drafting = OrganisationFactory(region=Region.POLTAVA)
    ann = member(poltava, "Анна Вигадана", "uk")
    lviv.memberships.create(user=ann)
    bohdan = member(lviv, "Богдан Вигаданий", "ru")
    dana = member(drafting, "Дана Вигадана")
    apply(poltava, contest, a, Application.State.ELIGIBLE)
    apply(lviv, contest, b, Application.State.SUBMITTED)
    apply(drafting, contest, a, Application.State.DRAFT)
    juror = UserFactory(full_name="Юрій Суддя")
    Juror.objects.create(contest=contest, user=juror)
    other_contest = other_organiser.contest_roles.get().contest
    outside = OrganisationFactory()
    outsider = member(outside, "Сторонній Заявник")
    apply(outside, other_contest, NominationFactory(contest=other_contest), Application.State.AWARDED)
    other_juror = UserFactory(full_name="Інший Суддя")
    Juror.objects.create(contest=other_contest, user=other_juror)
    return World(
        contest, other_contest, a, b, poltava, lviv, drafting, ann, bohdan, dana, juror, outsider, other_juror
    )


TEXTS = {
    "subject_uk": "Тема українською",
    "body_uk": "Текст українською {{ not a tag }} <b>жирний</b>",
    "subject_en": "Subject in English",
    "body_en": "Text in English",
}


def draft(contest: Contest | None, by: User, audience: dict, **fields) -> Mailing:
    return services.create_mailing(contest=contest, by=by, audience=audience, **(TEXTS | fields))


def subscriber(email: str, language: str = "uk", *, confirmed: bool = True) -> Subscriber:
    return Subscriber.objects.create(
        email=email, language=language, confirmed_at=clock.now() if confirmed else None
    )


class BrokenBackend:
    """A mail server that refuses every message."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise OSError("refused")
