"""Read side: scoping, open calls, the clock, and list filters."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from contests import selectors, services
from contests.models import Contest, ContestRole
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

S = Contest.State


def test_visible_to_by_persona(contest_in, organiser, staff):
    draft = contest_in(S.DRAFT)
    published = contest_in(S.PUBLISHED)
    cancelled_draft = contest_in(S.CANCELLED)
    juror = UserFactory()
    grant(draft, juror, ContestRole.Role.JUROR)

    assert set(selectors.contests_visible_to(AnonymousUser())) == {published}
    assert set(selectors.contests_visible_to(UserFactory())) == {published}
    assert set(selectors.contests_visible_to(juror)) == {published, draft}
    assert set(selectors.contests_visible_to(organiser)) == {draft, published, cancelled_draft}
    assert set(selectors.contests_visible_to(staff)) == {draft, published, cancelled_draft}


def test_visible_to_has_no_duplicates_with_several_roles(contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    grant(contest, organiser, ContestRole.Role.JUROR)
    grant(contest, organiser, ContestRole.Role.GRANT_OFFICER)
    assert list(selectors.contests_visible_to(organiser)) == [contest]
    assert list(selectors.contests_organised_by(organiser)) == [contest]


def test_open_calls_follow_the_clock(contest_in):
    soon = contest_in(S.PUBLISHED)
    later = contest_in(S.PUBLISHED)
    Contest.objects.filter(pk=later.pk).update(closes_at=soon.closes_at + timedelta(days=5))
    contest_in(S.DRAFT)
    assert list(selectors.open_calls()) == [soon, later]
    with time_machine.travel(soon.closes_at + timedelta(seconds=1), tick=False):
        assert list(selectors.open_calls()) == [later]


def test_accepting_applications_only_between_open_and_deadline(contest_in):
    contest = contest_in(S.PUBLISHED)
    with time_machine.travel(contest.opens_at - timedelta(seconds=1), tick=False):
        assert not contest.is_accepting_applications
    with time_machine.travel(contest.opens_at, tick=False):
        assert contest.is_accepting_applications
    with time_machine.travel(contest.closes_at, tick=False):
        assert not contest.is_accepting_applications
    draft = contest_in(S.DRAFT)
    assert not draft.is_accepting_applications


def test_published_at_survives_cancel(contest_in, organiser):
    contest = contest_in(S.PUBLISHED)
    services.cancel_contest(contest, by=organiser, note="Причина")
    assert Contest.objects.get(pk=contest.pk).published_at is not None


def test_api_list_filters_and_paginates(api, contest_in, organiser):
    published = contest_in(S.PUBLISHED, title="Цифрові послуги")
    closed = contest_in(S.CLOSED, title="Читання вголос")
    draft = contest_in(S.DRAFT)
    client = api(organiser)

    def ids(query: str) -> set[int]:
        r = client.get(f"/api/v1/contests/{query}")
        assert r.status_code == 200
        return {row["id"] for row in r.json()["results"]}

    assert ids("?state=published") == {published.pk}
    assert ids("?state__in=closed,draft") == {closed.pk, draft.pk}
    assert ids("?search=Цифрові") == {published.pk}
    r = client.get("/api/v1/contests/?page=1")
    assert set(r.json()) >= {"count", "next", "previous", "results"}
    assert r.json()["count"] == 3
