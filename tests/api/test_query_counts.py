"""List and detail endpoints take a number of queries that does not grow with the data."""

import pytest

from contests import services
from contests.models import Contest
from tests.factories import (
    ClassifierFactory,
    CriterionFactory,
    FormFieldFactory,
    NominationFactory,
    grant,
    ready_contest,
)

pytestmark = pytest.mark.django_db


def make_contests(n: int, organiser) -> None:
    for _ in range(n):
        contest = ready_contest()
        grant(contest, organiser)
        services.publish_contest(contest, by=organiser)


@pytest.mark.parametrize("persona", ["anonymous", "organiser", "staff"])
def test_contest_list_is_flat(persona, api, organiser, staff, count_queries):
    client = api({"anonymous": None, "organiser": organiser, "staff": staff}[persona])

    def get():
        r = client.get("/api/v1/contests/")
        assert r.status_code == 200
        return r.json()["count"]

    make_contests(1, organiser)
    one = count_queries(get)
    make_contests(29, organiser)
    assert get() == 30
    assert count_queries(get) == one


def grow(contest: Contest, n: int) -> None:
    for _ in range(n):
        nomination = NominationFactory(contest=contest)
        CriterionFactory(contest=contest, nomination=nomination)
        FormFieldFactory(contest=contest, nomination=nomination, required=False)
    contest.classifiers.add(*ClassifierFactory.create_batch(n))


@pytest.mark.parametrize("persona", ["anonymous", "organiser"])
def test_contest_detail_is_flat(persona, api, organiser, count_queries):
    client = api(organiser if persona == "organiser" else None)
    small = ready_contest()
    big = ready_contest()
    for contest in (small, big):
        grant(contest, organiser)
        services.publish_contest(contest, by=organiser)
    grow(big, 19)

    def get(contest):
        def go():
            r = client.get(f"/api/v1/contests/{contest.pk}/")
            assert r.status_code == 200
            return r.json()

        return go

    assert len(get(big)()["nominations"]) == 20
    assert len(get(big)()["form_fields"]) == 20
    assert count_queries(get(big)) == count_queries(get(small))


@pytest.mark.parametrize("resource", ["nominations", "criteria", "form-fields"])
def test_part_lists_are_flat(resource, api, organiser, count_queries):
    client = api(organiser)
    contest = ready_contest()
    grant(contest, organiser)

    def get():
        assert client.get(f"/api/v1/{resource}/").status_code == 200

    one = count_queries(get)
    grow(contest, 20)
    assert count_queries(get) == one


def test_me_is_flat(api, organiser, count_queries):
    from tests.factories import OrganisationFactory

    client = api(organiser)

    def get():
        assert client.get("/api/v1/me/").status_code == 200

    def add(n):
        for _ in range(n):
            grant(ready_contest(), organiser)
            OrganisationFactory().memberships.create(user=organiser)

    add(1)
    one = count_queries(get)
    add(10)
    assert count_queries(get) == one
