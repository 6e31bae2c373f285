"""A round's PATCH and the jurors' bodies never drop a field (issue 15, point 9)."""

import pytest

from review.api.serializers import RoundSerializer
from review.models import Review, Round
from tests.api.test_every_field import walk_fields

pytestmark = pytest.mark.django_db


def test_every_field_of_a_round_is_stored_or_refused(api, jury):
    round_ = jury.round
    due = "2031-05-01T10:00:00+00:00"
    samples = {
        "contest": (round_.contest_id, round_.contest_id),
        "title": ("Обхідний тур", "Обхідний тур"),
        "criteria": ([jury.impact.pk], [jury.impact.pk]),
        "reviewers_per_application": (1, 1),
        "min_load": (0, 0),
        "max_load": (30, 30),
        "spread_regions": (False, False),
        "due_at": (due, due),
        "score_visibility": (round_.score_visibility, round_.score_visibility),
        "require_overall_comment": (True, True),
        "named_discussion": (True, True),
        "method": (round_.method, round_.method),
        "trim_share": ("0.10", "0.10"),
    }

    def read_back(name: str) -> object:
        stored = Round.objects.get(pk=round_.pk)
        if name == "criteria":
            return list(stored.criteria.values_list("pk", flat=True))
        value = getattr(stored, name)
        if name == "contest":
            return value.pk
        if name == "due_at":
            return value.isoformat() if value else None
        if name == "trim_share":
            return f"{value:.2f}"
        return value

    client = api(jury.organiser)
    outcomes = walk_fields(client, f"/api/v1/review-rounds/{round_.pk}/", RoundSerializer, samples, read_back)
    assert outcomes["title"] == 200
    response = client.patch(f"/api/v1/review-rounds/{round_.pk}/", {"colour": "red"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["colour"]


def test_scores_refuse_an_unknown_field_inside_a_score(api, jury):
    review = jury.assign(jury.jurors[1], jury.applications[1])
    body = {"scores": [{"criterion": jury.impact.pk, "value": 7, "weight": 3}], "overall_comment": ""}
    response = api(review.juror.user).patch(f"/api/v1/reviews/{review.pk}/scores/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert "weight" in str(response.json())
    assert not review.scores.exists()


def test_a_jurors_step_refuses_an_unknown_field(api, jury):
    review = jury.assign(jury.jurors[1], jury.applications[1])
    body = {"note": "Знайома бібліотека", "conflict": True, "tell_organiser": True}
    response = api(review.juror.user).post(f"/api/v1/reviews/{review.pk}/decline/", body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["tell_organiser"]
    assert Review.objects.get(pk=review.pk).state == review.state
