"""The grants' bodies never drop a field (issue 15, point 9): the officer's terms and the
grantee's report, each writable field stored or refused with 400; a GET representation sent
back unchanged is accepted, a changed read-only field refused; steps refuse unknown fields."""

from datetime import date
from decimal import Decimal

import pytest

from grants import services
from grants.api.serializers import GrantReportUpdateSerializer, GrantTermsSerializer
from grants.models import Disbursement, Grant, GrantReport
from tests.api.test_every_field import walk_fields

pytestmark = pytest.mark.django_db


def test_every_term_of_an_offered_grant_is_stored_or_refused(api, world):
    grant = world.offer("40000.00")
    samples = {
        "amount": ("41000.00", Decimal("41000.00")),
        "purpose": ("Інша вигадана мета", "Інша вигадана мета"),
        "starts_on": ("2025-02-01", date(2025, 2, 1)),
        "ends_on": ("2025-11-30", date(2025, 11, 30)),
    }

    def read_back(name: str) -> object:
        return getattr(Grant.objects.get(pk=grant.pk), name)

    outcomes = walk_fields(
        api(world.officer), f"/api/v1/grants/{grant.pk}/", GrantTermsSerializer, samples, read_back
    )
    assert outcomes["purpose"] == 200


def test_a_grant_read_by_get_can_be_sent_back_but_not_with_a_new_state(api, world):
    grant = world.offer("40000.00")
    client, url = api(world.officer), f"/api/v1/grants/{grant.pk}/"
    body = client.get(url).json()
    body["purpose"] = "Повернена ціла"
    response = client.patch(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert Grant.objects.get(pk=grant.pk).purpose == "Повернена ціла"
    response = client.patch(url, {"state": "active", "colour": "red"}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"state", "colour"}
    assert Grant.objects.get(pk=grant.pk).state == grant.state


def test_every_field_of_a_report_is_stored_or_refused(api, world):
    grant = world.active("1000.00")
    indicator = services.add_indicator(
        world.contest, by=world.officer, name="Читачі", unit="осіб", direction="higher"
    )
    report = grant.reports.get(due_on=date(2025, 3, 20))
    samples = {
        "narrative": ("Провели вигадані курси", "Провели вигадані курси"),
        "actuals": ([{"indicator": indicator.pk, "value": "40"}], [(indicator.pk, Decimal("40"))]),
        "spending": ([], []),
    }

    def read_back(name: str) -> object:
        stored = GrantReport.objects.get(pk=report.pk)
        if name == "actuals":
            return [(a.indicator_id, a.value) for a in stored.actuals.all()]
        if name == "spending":
            return list(stored.spending.all())
        return getattr(stored, name)

    url = f"/api/v1/grant-reports/{report.pk}/"
    outcomes = walk_fields(api(world.member), url, GrantReportUpdateSerializer, samples, read_back)
    assert outcomes["narrative"] == outcomes["actuals"] == 200
    body = {"actuals": [{"indicator": indicator.pk, "value": "50", "unit": "осіб"}]}
    response = api(world.member).patch(url, body, format="json")
    assert response.status_code == 400 and "unit" in str(response.json())


def test_a_step_without_input_refuses_any_field(api, world):
    grant = world.active("1000.00")
    tranche = services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="10")
    response = api(world.officer).post(
        f"/api/v1/grant-tranches/{tranche.pk}/approve/", {"urgent": True}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["urgent"]
    assert Disbursement.objects.get(pk=tranche.pk).state == tranche.state
