import pytest

from contests.models import Contest


def test_publish_via_api(api, organiser, draft_contest):
    r = api(organiser).post(f"/api/v1/contests/{draft_contest.pk}/publish/", {"note": "go"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == Contest.State.PUBLISHED


@pytest.mark.django_db
def test_publish_refused_lists_reasons(api, organiser):
    from tests.factories import ContestFactory, grant

    contest = ContestFactory()
    grant(contest, organiser)
    r = api(organiser).post(f"/api/v1/contests/{contest.pk}/publish/")
    assert r.status_code == 409
    assert "nomination" in r.json()["reasons"][0].lower()
    contest.refresh_from_db()
    assert contest.state == Contest.State.DRAFT
