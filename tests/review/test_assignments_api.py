"""Who reviews which entry, by the API (issue 15, point 6): GET /api/v1/review-assignments/,
filtered by round, juror, application, nomination and state, paginated; every assignment of
their contests for organisers, their own for a juror, nothing for anyone else."""

import pytest
import yaml
from django.urls import reverse

from review.models import Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/review-assignments/"


@pytest.fixture
def assigned(api, jury):
    """Juror 1 on applications 1 and 3, juror 2 on application 1 (then declined), juror 3 on 2."""
    reviews = [
        jury.assign(jury.jurors[1], jury.applications[1]),
        jury.assign(jury.jurors[1], jury.applications[3]),
        jury.assign(jury.jurors[2], jury.applications[1]),
        jury.assign(jury.jurors[3], jury.applications[2]),
    ]
    declined = reviews[2]
    r = api(declined.juror.user).post(f"/api/v1/reviews/{declined.pk}/decline/", {"note": "Не встигаю"})
    assert r.status_code == 200, r.content
    return reviews


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_organisers_see_who_reviews_what(api, jury, assigned):
    r = api(jury.organiser).get(URL, {"round": jury.round.pk})
    assert r.status_code == 200, r.content
    body = r.json()
    # Declining hands the application to another juror: that assignment is listed too.
    every = set(Review.objects.filter(round=jury.round).values_list("pk", flat=True))
    assert len(every) == 5
    assert ids(r) == every >= {review.pk for review in assigned}
    row = next(row for row in body["results"] if row["id"] == assigned[0].pk)
    juror, application = jury.jurors[1], jury.applications[1]
    assert row["juror"] == juror.pk
    assert row["juror_name"] == juror.user.display_name
    assert row["juror_email"] == juror.user.email
    assert row["application"] == application.pk
    assert row["application_number"] == application.number
    assert row["application_title"] == application.title
    assert row["round"] == jury.round.pk
    assert row["round_title"] == jury.round.title
    assert row["state"] == Review.State.ASSIGNED
    declined = next(row for row in body["results"] if row["id"] == assigned[2].pk)
    assert declined["state"] == Review.State.DECLINED


def test_filters_by_juror_application_and_state(api, jury, assigned):
    client = api(jury.organiser)
    mine = set(Review.objects.filter(juror=jury.jurors[1]).values_list("pk", flat=True))
    assert ids(client.get(URL, {"juror": jury.jurors[1].pk})) == mine >= {assigned[0].pk, assigned[1].pk}
    of_one = set(Review.objects.filter(application=jury.applications[1]).values_list("pk", flat=True))
    assert ids(client.get(URL, {"application": jury.applications[1].pk})) == of_one
    assert {assigned[0].pk, assigned[2].pk} < of_one  # and the declined one's replacement
    assert ids(client.get(URL, {"state": Review.State.DECLINED})) == {assigned[2].pk}
    in_b = set(Review.objects.filter(application__nomination=jury.b).values_list("pk", flat=True))
    assert ids(client.get(URL, {"nomination": jury.b.pk})) == in_b
    assert assigned[3].pk not in in_b
    theirs = set(Review.objects.filter(juror=jury.jurors[3]).values_list("pk", flat=True))
    assert ids(client.get(URL, {"contest": jury.contest.pk, "juror": jury.jurors[3].pk})) == theirs
    r = client.get(URL, {"state": "lost"})
    assert r.status_code == 400
    assert "state" in r.json()["errors"]


def test_paginated(api, jury, assigned):
    r = api(jury.organiser).get(URL, {"page": 1})
    assert r.status_code == 200
    assert r.json()["count"] == Review.objects.filter(round=jury.round).count()
    assert set(r.json()) >= {"count", "next", "previous", "results"}
    assert api(jury.organiser).get(URL, {"page": 9}).status_code == 404


def test_a_juror_sees_only_their_own(api, jury, assigned):
    r = api(jury.jurors[1].user).get(URL)
    assert ids(r) == set(Review.objects.filter(juror=jury.jurors[1]).values_list("pk", flat=True))
    assert assigned[3].pk not in ids(r)
    assert api(jury.jurors[1].user).get(f"{URL}{assigned[3].pk}/").status_code == 404
    assert api(jury.jurors[1].user).get(f"{URL}{assigned[0].pk}/").status_code == 200


def test_others_see_nothing(api, jury, assigned, other_organiser):
    assert api(other_organiser).get(URL).json()["count"] == 0
    assert api(UserFactory()).get(URL).json()["count"] == 0
    assert api(other_organiser).get(f"{URL}{assigned[0].pk}/").status_code == 404
    assert api().get(URL).status_code in (401, 403)


def test_the_number_of_queries_does_not_grow_with_the_rows(api, jury, count_queries):
    client = api(jury.organiser)
    jury.assign(jury.jurors[1], jury.applications[1])
    one = count_queries(lambda: client.get(URL))
    for i, application in enumerate(jury.applications[2:]):
        jury.assign(jury.jurors[1 + i % 3], application)
    assert count_queries(lambda: client.get(URL)) == one


def test_documented_in_the_schema(api):
    schema = yaml.safe_load(api().get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/review-assignments/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"round", "juror", "application", "state", "page"} <= names
    assert "ReviewAssignment" in schema["components"]["schemas"]


def test_the_progress_board_names_the_jurors_of_each_application(client, jury, assigned):
    client.force_login(jury.organiser)
    html = client.get(reverse("review:progress", args=[jury.round.pk])).content.decode()
    for review in assigned:
        assert review.juror.user.display_name in html
    assert "Declined" in html
