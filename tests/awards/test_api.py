"""The API: proposing, approving (409 for the proposer), limits as 400, steps, results, scope."""

import pytest

from awards.models import Decision
from contests.models import Contest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_propose_approve_decide_announce(finished, api):
    first = finished.ranked(finished.a)[0]
    r = api(finished.organiser).post("/api/v1/award-decisions/", {"application": first.pk, "citation": "Так"})
    assert r.status_code == 201, r.content
    decision = r.json()
    assert decision["state"] == "proposed" and decision["rank_position"] == 1

    r = api(finished.organiser).post(f"/api/v1/award-decisions/{decision['id']}/approve/")
    assert r.status_code == 409
    assert "another organiser" in r.json()["reasons"][0]

    r = api(finished.chair).post(f"/api/v1/award-decisions/{decision['id']}/approve/")
    assert r.status_code == 200 and r.json()["state"] == "approved"

    r = api(finished.organiser).patch(f"/api/v1/award-decisions/{decision['id']}/", {"citation": "Нова"})
    assert r.status_code == 200 and r.json()["citation"] == "Нова"

    awards = api(finished.organiser).get(f"/api/v1/awards/{finished.contest.pk}/").json()
    assert awards["taken"] == 1 and awards["max_winners"] == 3
    candidates = api(finished.organiser).get(f"/api/v1/awards/{finished.contest.pk}/candidates/").json()
    assert len(candidates) == 6 and candidates[0]["position"] == 1

    assert api(finished.organiser).post(f"/api/v1/contests/{finished.contest.pk}/decide/").status_code == 200
    r = api(finished.organiser).post(f"/api/v1/contests/{finished.contest.pk}/announce/")
    assert r.status_code == 200 and r.json()["state"] == "announced"

    results = api().get(f"/api/v1/results/{finished.contest.pk}/").json()
    winners = [w for n in results["nominations"] for w in n["winners"]]
    assert [(w["number"], w["citation"], w["place"]) for w in winners] == [(first.number, "Нова", 1)]
    assert len(results["sha256"]) == 64 and results["score_matrix"].endswith("/scores.json")


def test_refusals_in_words_and_state_conflicts(finished, api):
    second = finished.ranked(finished.a)[1]
    r = api(finished.organiser).post("/api/v1/award-decisions/", {"application": second.pk})
    assert r.status_code == 400
    assert "Write the reason" in r.json()["errors"]["non_field_errors"][0]

    first = finished.ranked(finished.a)[0]
    api(finished.organiser).post("/api/v1/award-decisions/", {"application": first.pk})
    r = api(finished.organiser).post(f"/api/v1/contests/{finished.contest.pk}/decide/")
    assert r.status_code == 409 and "await approval" in r.json()["reasons"][0]
    assert Contest.objects.get(pk=finished.contest.pk).state == Contest.State.IN_REVIEW
    r = api(finished.organiser).post(f"/api/v1/contests/{finished.contest.pk}/announce/")
    assert r.status_code == 409 and "decide" in r.json()["allowed"]


def test_outsiders_see_nothing(finished, api, other_organiser):
    first = finished.ranked(finished.a)[0]
    decision = api(finished.organiser).post("/api/v1/award-decisions/", {"application": first.pk}).json()
    member = finished.members[first.pk]
    juror = finished.jurors[1].user  # a juror, not the chair
    for user in (other_organiser, member, juror, UserFactory()):
        assert api(user).get(f"/api/v1/award-decisions/{decision['id']}/").status_code == 404
        assert api(user).post(f"/api/v1/award-decisions/{decision['id']}/approve/").status_code == 404
        assert api(user).get(f"/api/v1/awards/{finished.contest.pk}/").status_code == 404
        assert api(user).post("/api/v1/award-decisions/", {"application": first.pk}).status_code == 404
    assert api().get("/api/v1/award-decisions/").status_code in (401, 403)
    # The chair may approve but not propose or withdraw.
    assert api(finished.chair).post("/api/v1/award-decisions/", {"application": first.pk}).status_code == 403
    r = api(finished.chair).post(f"/api/v1/award-decisions/{decision['id']}/withdraw/")
    assert r.status_code == 403
    assert Decision.objects.get(pk=decision["id"]).state == "proposed"


def test_decision_list_query_count_is_flat(finished, api, count_queries):
    a1, a2, _ = finished.ranked(finished.a)
    finished.winner(a1)
    client = api(finished.organiser)
    one = count_queries(lambda: client.get("/api/v1/award-decisions/"))
    finished.winner(a2)
    finished.winner(finished.ranked(finished.b)[0])
    assert count_queries(lambda: client.get("/api/v1/award-decisions/")) == one
