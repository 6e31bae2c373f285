"""A review round in the API shows when its shortlist was confirmed (read-only), and the round's
operations document the statuses they answer."""

import pytest
import yaml

from review.models import Round
from tests.review.test_shortlist import ranked, url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

_SCHEMA: dict = {}


@pytest.fixture
def schema(api) -> dict:
    if not _SCHEMA:
        r = api().get("/api/schema/")
        assert r.status_code == 200
        _SCHEMA.update(yaml.safe_load(r.content))
    return _SCHEMA


def documented(schema: dict, method: str, path: str) -> set[int]:
    return {int(code) for code in schema["paths"][path][method]["responses"]}


def test_the_round_shows_when_its_shortlist_was_confirmed(api, ranked):  # noqa: F811
    jury = ranked
    client = api(jury.organiser)
    detail = f"/api/v1/review-rounds/{jury.second.pk}/"
    assert client.get(detail).json()["shortlist_confirmed_at"] is None
    client.post(url(jury.second), {"source_round": jury.round.pk, "top_per_nomination": 2}, format="json")
    confirmed = client.post(url(jury.second, "shortlist/confirm"))
    assert confirmed.status_code == 200, confirmed.content
    shown = client.get(detail).json()["shortlist_confirmed_at"]
    assert shown is not None and shown == confirmed.json()["confirmed_at"]
    listed = {row["id"]: row for row in client.get("/api/v1/review-rounds/").json()["results"]}
    assert listed[jury.second.pk]["shortlist_confirmed_at"] == shown


def test_the_confirmation_time_cannot_be_written(api, ranked, schema):  # noqa: F811
    jury = ranked
    r = api(jury.organiser).patch(
        f"/api/v1/review-rounds/{jury.second.pk}/",
        {"shortlist_confirmed_at": "2020-01-01T00:00:00Z", "title": "Другий тур"},
        format="json",
    )
    assert r.status_code in (200, 400), r.content
    jury.second.refresh_from_db()
    assert jury.second.shortlist_confirmed_at is None
    props = schema["components"]["schemas"]["Round"]["properties"]["shortlist_confirmed_at"]
    assert props.get("readOnly") is True


def test_round_operations_document_what_they_answer(api, ranked, schema):  # noqa: F811
    jury = ranked
    outsider = jury.jurors[3].user  # a juror: the round is not theirs to manage (404)
    organiser = api(jury.organiser)
    base = "/api/v1/review-rounds/{id}/"
    cases = [
        (organiser, "patch", base, {"min_load": 5, "max_load": 1}, 400),
        (api(outsider), "patch", base, {"title": "x"}, 404),
        (api(outsider), "get", base, None, 404),
        (api(outsider), "get", base + "progress/", None, 404),
        (organiser, "get", base + "ranking/", {"method": "bogus"}, 400),
        (api(outsider), "get", base + "ranking/", None, 404),
        (organiser, "post", base + "consensus/", {}, 400),
        (organiser, "post", base + "consensus/", {"application": 0, "text": "x"}, 404),
        (organiser, "post", base + "assign-manually/", {}, 400),
        (api(outsider), "post", base + "assign/", None, 404),
        (api(outsider), "get", base + "history/", None, 404),
    ]
    for client, method, path, data, expected in cases:
        target = path.replace("{id}", str(jury.round.pk))
        if method == "get":
            r = client.get(target, data or {})
        else:
            r = getattr(client, method)(target, data, format="json")
        assert r.status_code == expected, (method, path, r.content)
        assert expected in documented(schema, method, path), f"{method} {path} does not document {expected}"
    # A closed round refuses automatic assignment with 409, documented too.
    assert jury.round.state == Round.State.CLOSED
    r = organiser.post(f"/api/v1/review-rounds/{jury.round.pk}/assign/")
    assert r.status_code == 409
    assert 409 in documented(schema, "post", base + "assign/")
