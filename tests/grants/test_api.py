"""The grants API as each persona sees it: scope (404), permissions (403), 409 and 400."""

from datetime import date
from decimal import Decimal

import pytest

from grants import services
from grants.models import Disbursement, Grant
from tests.factories import UserFactory

from .conftest import IBAN, pdf


@pytest.fixture(autouse=True)
def _mid_2025(time_machine):
    time_machine.move_to("2025-06-01 09:00Z")


def offer_payload(world, **extra):
    return {
        "application": world.application.pk,
        "amount": "40000.00",
        "purpose": "Цифрова грамотність",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        **extra,
    }


def test_officer_offers_and_the_grantee_sees_it(api, world):
    r = api(world.officer).post("/api/v1/grants/", offer_payload(world), format="json")
    assert r.status_code == 201, r.json()
    pk = r.json()["id"]
    assert r.json()["state"] == "offered" and r.json()["currency"] == "UAH"
    assert api(world.member).get(f"/api/v1/grants/{pk}/").status_code == 200
    for outsider in (world.outsider, world.juror, world.organiser):
        assert api(outsider).get(f"/api/v1/grants/{pk}/").status_code == 404
        assert api(outsider).get("/api/v1/grants/").json()["count"] == 0


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"amount": "-1.00"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"currency": "XXX"}, "currency"),
        ({"ends_on": "2024-12-31"}, "ends_on"),
        ({"amount": "100000.01"}, "amount"),
    ],
)
def test_offer_bad_input_is_400_and_changes_nothing(api, world, extra, field):
    r = api(world.officer).post("/api/v1/grants/", offer_payload(world, **extra), format="json")
    assert r.status_code == 400 and field in r.json()["errors"], r.json()
    assert not Grant.objects.exists()


def test_others_cannot_offer(api, world):
    for user in (world.organiser, world.member, world.juror):
        r = api(user).post("/api/v1/grants/", offer_payload(world), format="json")
        assert r.status_code == 404
    assert not Grant.objects.exists()


def test_bank_details_hidden_from_all_but_officer_and_grantee(api, world):
    grant = world.offer()
    r = api(world.member).post(
        f"/api/v1/grants/{grant.pk}/bank-details/",
        {"payee_name": "ПБ Вигадана", "payee_bank": "Тестбанк", "payee_iban": "UA00 1234"},
        format="json",
    )
    assert r.status_code == 400 and "payee_iban" in r.json()["errors"]
    r = api(world.member).post(
        f"/api/v1/grants/{grant.pk}/bank-details/",
        {"payee_name": "ПБ Вигадана", "payee_bank": "Тестбанк", "payee_iban": IBAN},
        format="json",
    )
    assert r.status_code == 200 and r.json()["payee_iban"] == IBAN
    assert api(world.officer).get(f"/api/v1/grants/{grant.pk}/").json()["payee_iban"] == IBAN
    # An organiser who is also a member of another library still sees nothing.
    assert api(world.organiser).get(f"/api/v1/grants/{grant.pk}/").status_code == 404


def test_serializer_hides_bank_details_without_permission(rf, world):
    from grants.api.serializers import GrantSerializer

    grant = world.offer()
    services.update_bank_details(grant, by=world.member, payee_name="ПБ", payee_bank="Б", payee_iban=IBAN)
    request = rf.get("/")
    request.user = world.organiser
    data = GrantSerializer(grant, context={"request": request}).data
    assert data["payee_iban"] is None and data["payee_name"] is None


def test_transitions_403_409_and_the_happy_path(api, world):
    grant = world.offer()
    url = f"/api/v1/grants/{grant.pk}"
    assert api(world.member).post(f"{url}/sign-agreement/", {}).status_code == 403
    r = api(world.officer).post(f"{url}/activate/", {})
    assert r.status_code == 409 and r.json()["state"] == "offered"
    assert "sign_agreement" in r.json()["allowed"] and "terminate" in r.json()["allowed"]
    r = api(world.officer).post(f"{url}/sign-agreement/", {})
    assert r.status_code == 409 and len(r.json()["reasons"]) == 2
    r = api(world.officer).post(
        f"{url}/sign-agreement/", {"signed_copy": pdf(), "signed_on": "2025-01-10"}, format="multipart"
    )
    assert r.status_code == 200 and r.json()["state"] == "agreement_signed", r.json()
    r = api(world.officer).post(f"{url}/terminate/", {}, format="json")
    assert r.status_code == 400 and "note" in r.json()["errors"]
    r = api(world.officer).post(f"{url}/terminate/", {"note": "Відмова"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "terminated"
    assert api(world.officer).get(f"{url}/history/").status_code == 200


def test_tranche_payment_over_the_api_is_idempotent(api, world):
    grant = world.active("1000.00")
    client = api(world.officer)
    r = client.post(
        "/api/v1/grant-tranches/",
        {"grant": grant.pk, "planned_on": "2025-03-01", "percentage": "25"},
        format="json",
    )
    assert r.status_code == 201 and Decimal(r.json()["amount"]) == Decimal("250.00"), r.json()
    pk = r.json()["id"]
    pay = {"idempotency_key": "k-1", "payment_reference": "PP-1", "paid_on": "2025-03-02"}
    assert client.post(f"/api/v1/grant-tranches/{pk}/pay/", pay, format="json").status_code == 409
    assert api(world.member).post(f"/api/v1/grant-tranches/{pk}/approve/").status_code == 403
    assert client.post(f"/api/v1/grant-tranches/{pk}/approve/").status_code == 200
    first = client.post(f"/api/v1/grant-tranches/{pk}/pay/", pay, format="json")
    again = client.post(f"/api/v1/grant-tranches/{pk}/pay/", pay, format="json")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    other = client.post(f"/api/v1/grant-tranches/{pk}/pay/", {**pay, "idempotency_key": "k-2"}, format="json")
    assert other.status_code == 409 and other.json()["state"] == "paid"
    assert Disbursement.objects.get(pk=pk).idempotency_key == "k-1"
    assert api(world.member).get(f"/api/v1/grant-tranches/{pk}/").status_code == 200
    assert api(world.outsider).get(f"/api/v1/grant-tranches/{pk}/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "-5", "planned_on": "2025-03-01"}, "amount"),
        ({"amount": "5.555", "planned_on": "2025-03-01"}, "amount"),
        ({"amount": "5", "planned_on": "2026-03-01"}, "planned_on"),
        ({"amount": "1000.01", "planned_on": "2025-03-01"}, "amount"),
    ],
)
def test_tranche_bad_input_400(api, world, payload, field):
    grant = world.offer("1000.00")
    r = api(world.officer).post("/api/v1/grant-tranches/", {"grant": grant.pk, **payload}, format="json")
    assert r.status_code == 400 and field in r.json()["errors"], r.json()
    assert not Disbursement.objects.exists()


def test_report_api_cycle(api, world):
    grant = world.active("1000.00")
    indicator = services.add_indicator(
        world.contest, by=world.officer, name="Читачі", unit="осіб", direction="higher"
    )
    report = grant.reports.get(due_on=date(2025, 3, 20))
    url = f"/api/v1/grant-reports/{report.pk}"
    r = api(world.member).get(url + "/")
    assert r.status_code == 200 and r.json()["is_overdue"] is True
    r = api(world.member).patch(
        url + "/",
        {"narrative": "Провели курси", "actuals": [{"indicator": indicator.pk, "value": "40"}]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["actuals"] == [{"indicator": indicator.pk, "value": "40.00"}]
    assert api(world.officer).patch(url + "/", {"narrative": "x"}, format="json").status_code == 403
    r = api(world.member).post(url + "/attachments/", {"file": pdf("фото.pdf")}, format="multipart")
    assert r.status_code == 201 and r.json()["attachments"][0]["kind"] == "pdf"
    assert api(world.member).post(url + "/submit/").status_code == 200
    assert api(world.member).post(url + "/accept/").status_code == 403
    r = api(world.officer).post(url + "/request-changes/", {"note": "Додайте таблицю"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "changes_requested"
    assert api(world.member).post(url + "/submit/").status_code == 200
    r = api(world.officer).post(url + "/accept/")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    results = api(world.officer).get(f"/api/v1/grants/{grant.pk}/results/").json()
    assert results[0]["actual"] == "40.00"
    assert api(world.juror).get(url + "/").status_code == 404


def test_budget_and_indicators_endpoints(api, world):
    world.offer("40000.00")
    r = api(world.officer).get(f"/api/v1/grant-budgets/{world.contest.pk}/")
    assert r.status_code == 200
    assert r.json()["committed"] == "40000.00" and r.json()["remaining"] == "60000.00"
    assert api(world.organiser).get(f"/api/v1/grant-budgets/{world.contest.pk}/").status_code == 404
    r = api(world.officer).post(
        "/api/v1/grant-indicators/",
        {"contest": world.contest.pk, "name": "Події", "unit": "шт", "direction": "higher"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    again = api(world.officer).post(
        "/api/v1/grant-indicators/",
        {"contest": world.contest.pk, "name": "Події", "unit": "шт", "direction": "higher"},
        format="json",
    )
    assert again.status_code == 400 and "name" in again.json()["errors"]
    r = api(world.organiser).post(
        "/api/v1/grant-indicators/",
        {"contest": world.contest.pk, "name": "Інше", "unit": "шт", "direction": "lower"},
        format="json",
    )
    assert r.status_code == 403


def test_audit_endpoint_for_officers_only(api, world):
    grant = world.offer()
    assert api(world.officer).get(f"/api/v1/grants/{grant.pk}/audit/").json()[0]["action"] == "grant.offered"
    assert api(world.member).get(f"/api/v1/grants/{grant.pk}/audit/").status_code == 403


@pytest.mark.parametrize(
    "path", ["/api/v1/grants/", "/api/v1/grant-tranches/", "/api/v1/grant-reports/", "/api/v1/grant-budgets/"]
)
def test_list_query_counts_are_flat(api, world, count_queries, path):
    def grow(n: int) -> None:
        for _ in range(n):
            application = world.awarded()
            application.organisation.memberships.create(user=world.member)
            grant = world.offer("100.00", application=application)
            services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 2, 1), amount="10")

    client = api(world.officer)
    grow(1)
    one = count_queries(lambda: client.get(path))
    grow(4)
    assert count_queries(lambda: client.get(path)) == one
    member = api(world.member)
    assert member.get(path).status_code == 200
    UserFactory()
