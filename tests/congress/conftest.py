"""A small world for the congress tests: an announced contest of `organiser` with published cases
of invented libraries, each library with a member; an event linked to the contest."""

from datetime import timedelta

import pytest

from congress import services
from congress.models import Event, Invitation
from contests.models import Contest
from core import clock
from tests.congress.builders import Case, announced_contest, new_event, published_case


@pytest.fixture
def announced(organiser) -> Contest:
    return announced_contest(organiser)


@pytest.fixture
def make_case(announced, organiser):
    """make_case(title=..., region=...) -> a published case of a new library with one member."""
    counter = iter(range(1, 1000))

    def make(title: str = "", **organisation_fields) -> Case:
        return published_case(announced, organiser, next(counter), title, **organisation_fields)

    return make


@pytest.fixture
def event(organiser, announced) -> Event:
    return new_event(organiser, announced)


@pytest.fixture
def invite(event, organiser):
    """invite(case, days=10) -> an invitation of the case to `event`, answer due in `days` days."""

    def make(case: Case, days: int = 10, on: Event | None = None) -> Invitation:
        [invitation] = services.invite(
            on or event, [case.practice], by=organiser, respond_by=clock.now() + timedelta(days=days)
        )
        return invitation

    return make
