"""Grants, tranches and reports in the API carry `allowed_transitions`: the steps the caller may
take now (the same list a 409 gives and the pages show as buttons), without a query per row."""

from datetime import date

import pytest

from grants import services
from grants.models import GrantReport

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_2025(time_machine):
    time_machine.move_to("2025-06-01 09:00Z")


def allowed(client, path: str) -> list[str]:
    r = client.get(path)
    assert r.status_code == 200, r.content
    return r.json()["allowed_transitions"]


def test_an_offered_grant_lists_the_officers_steps_and_none_for_the_grantee(api, world):
    grant = world.offer()
    path = f"/api/v1/grants/{grant.pk}/"
    assert allowed(api(world.officer), path) == ["sign_agreement", "terminate"]
    assert allowed(api(world.member), path) == []
    listed = api(world.officer).get("/api/v1/grants/").json()["results"]
    assert listed[0]["allowed_transitions"] == ["sign_agreement", "terminate"]


def test_an_active_grant_lists_complete_and_terminate(api, world):
    grant = world.active()
    assert allowed(api(world.officer), f"/api/v1/grants/{grant.pk}/") == ["complete", "terminate"]


def test_the_steps_follow_the_state_after_a_step(api, world):
    grant = world.offer()
    r = api(world.officer).post(f"/api/v1/grants/{grant.pk}/terminate/", {"note": "Відмова"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "terminated"
    assert r.json()["allowed_transitions"] == []
    refused = api(world.officer).post(f"/api/v1/grants/{grant.pk}/activate/", format="json")
    assert refused.status_code == 409
    assert refused.json()["allowed"] == []


def test_a_tranche_lists_approve_only_when_it_may_be_approved(api, world):
    grant = world.active()
    free = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 7, 1), amount="1000")
    report = grant.reports.order_by("due_on").first()
    waiting = services.schedule_tranche(
        grant, by=world.officer, planned_on=date(2025, 8, 1), amount="1000", after_report=report
    )
    officer = api(world.officer)
    assert allowed(officer, f"/api/v1/grant-tranches/{free.pk}/") == ["approve", "cancel"]
    # Waiting for a report that is not accepted: approving is not offered (Step.problems).
    assert allowed(officer, f"/api/v1/grant-tranches/{waiting.pk}/") == ["cancel"]
    assert allowed(api(world.member), f"/api/v1/grant-tranches/{free.pk}/") == []
    r = officer.post(f"/api/v1/grant-tranches/{free.pk}/approve/", format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["allowed_transitions"] == ["pay", "cancel"]


def test_a_report_lists_submit_for_the_grantee_and_review_for_the_officer(api, world):
    grant = world.active()
    report = grant.reports.order_by("due_on").first()
    path = f"/api/v1/grant-reports/{report.pk}/"
    assert allowed(api(world.member), path) == ["submit"]
    assert allowed(api(world.officer), path) == []
    services.save_report(report, by=world.member, narrative="Провели 12 занять.", actuals={}, spending={})
    r = api(world.member).post(f"/api/v1/grant-reports/{report.pk}/submit/", format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == GrantReport.State.SUBMITTED
    assert r.json()["allowed_transitions"] == []
    assert allowed(api(world.officer), path) == ["accept", "request_changes"]


def test_without_a_request_the_field_is_empty(world):
    from grants.api.serializers import GrantSerializer

    assert GrantSerializer(world.offer()).data["allowed_transitions"] == []


@pytest.mark.parametrize("persona", ["officer", "member"])
@pytest.mark.parametrize("path", ["/api/v1/grants/", "/api/v1/grant-tranches/", "/api/v1/grant-reports/"])
def test_lists_with_allowed_transitions_stay_flat(api, world, count_queries, persona, path):
    def grow(n: int) -> None:
        for _ in range(n):
            application = world.awarded()
            application.organisation.memberships.create(user=world.member)
            grant = world.offer("100.00", application=application)
            services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="10")

    client = api(getattr(world, persona))

    def get():
        r = client.get(path)
        assert r.status_code == 200
        rows = r.json()["results"]
        assert rows and all("allowed_transitions" in row for row in rows)
        # The field is computed per row and caller: the officer has steps on grants and tranches,
        # the grantee on the reports that are due, and each of them none on the others.
        has_steps = (persona == "member") == (path == "/api/v1/grant-reports/")
        assert all(bool(row["allowed_transitions"]) == has_steps for row in rows)
        return len(rows)

    grow(1)
    one = count_queries(get)
    grow(4)
    assert get() > 1
    assert count_queries(get) == one
