"""Issue 15, point 16 (d): indicator targets per calendar year besides per reporting period,
compared with the sum of the accepted reports' actuals whose period ends in that year; through the
grant page and the API, by grant officers only."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grants import dashboards, selectors, services
from grants.models import Grant, IndicatorTarget
from tests.grants.conftest import IBAN, pdf

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    web = Client()
    if user is not None:
        web.force_login(user)
    return web


@pytest.fixture
def readers(world):
    return services.add_indicator(
        world.contest, by=world.officer, name="Читачі", unit="осіб", direction="higher"
    )


@pytest.fixture
def two_years(world) -> Grant:
    """An active grant over 2025 and 2026."""
    officer = world.officer
    grant = world.offer(starts_on=date(2025, 1, 1), ends_on=date(2026, 12, 31))
    grant = services.update_bank_details(
        grant, by=world.member, payee_name="ПБ Вигадана", payee_bank="Тестбанк", payee_iban=IBAN
    )
    grant = services.sign_agreement(grant, by=officer, signed_copy=pdf(), signed_on=date(2025, 1, 10))
    return services.activate_grant(grant, by=officer)


def accept(world, report, actuals: dict) -> None:
    services.save_report(report, by=world.officer, narrative="Зроблено.", actuals=actuals)
    services.submit_report(report, by=world.officer)
    services.accept_report(report, by=world.officer)


def reports_ending_in(grant: Grant, year: int):
    return [r for r in grant.reports.order_by("period_end") if r.period_end.year == year]


# --- API -------------------------------------------------------------------------------------------------


def test_api_sets_a_yearly_target_and_compares_it_with_the_years_actuals(api, world, readers, two_years):
    url = f"/api/v1/grants/{two_years.pk}/targets/"
    response = api(world.officer).post(
        url, {"indicator": readers.pk, "year": 2025, "value": "100"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["year"] == 2025 and response.json()["period_end"] is None
    api(world.officer).post(url, {"indicator": readers.pk, "year": 2026, "value": "150"}, format="json")

    in_2025 = reports_ending_in(two_years, 2025)
    assert in_2025, "the grant has reports ending in 2025"
    for i, report in enumerate(in_2025):
        accept(world, report, {readers.pk: 10 + i})
    expected = sum(Decimal(10 + i) for i in range(len(in_2025)))

    rows = {row["year"]: row for row in api(world.officer).get(url).json()}
    assert Decimal(rows[2025]["achieved"]) == expected
    assert Decimal(rows[2026]["achieved"]) == 0
    assert Decimal(rows[2025]["value"]) == Decimal("100")


def test_api_refuses_a_year_outside_the_grant_and_both_or_neither(api, world, readers, two_years):
    url = f"/api/v1/grants/{two_years.pk}/targets/"
    officer = api(world.officer)
    response = officer.post(url, {"indicator": readers.pk, "year": 2030, "value": "1"}, format="json")
    assert response.status_code == 400
    assert "2025–2026" in str(response.json())
    period = two_years.reports.order_by("period_end")[0].period_end.isoformat()
    response = officer.post(
        url, {"indicator": readers.pk, "year": 2025, "period_end": period, "value": "1"}, format="json"
    )
    assert response.status_code == 400
    assert "not both" in str(response.json())
    response = officer.post(url, {"indicator": readers.pk, "value": "1"}, format="json")
    assert response.status_code == 400
    assert not IndicatorTarget.objects.exists()


def test_api_grantee_cannot_set_a_yearly_target(api, world, readers, two_years):
    response = api(world.member).post(
        f"/api/v1/grants/{two_years.pk}/targets/",
        {"indicator": readers.pk, "year": 2025, "value": "1"},
        format="json",
    )
    assert response.status_code in (403, 404)
    assert not IndicatorTarget.objects.exists()


def test_setting_the_same_year_again_replaces_it(world, readers, two_years):
    services.set_target(two_years, by=world.officer, indicator=readers, year=2025, value="10")
    services.set_target(two_years, by=world.officer, indicator=readers, year=2025, value="20")
    assert IndicatorTarget.objects.get().value == Decimal("20.00")


# --- totals never count a year and its periods twice -------------------------------------------------------


def test_totals_use_period_targets_when_both_kinds_exist(world, readers, two_years):
    period = two_years.reports.order_by("period_end")[0].period_end
    services.set_target(two_years, by=world.officer, indicator=readers, period_end=period, value="10")
    services.set_target(two_years, by=world.officer, indicator=readers, year=2025, value="100")
    [result] = selectors.indicator_results_by_grant(Grant.objects.filter(pk=two_years.pk))[two_years.pk]
    assert result.target == Decimal("10")


def test_totals_use_yearly_targets_when_there_are_no_period_targets(world, readers, two_years):
    services.set_target(two_years, by=world.officer, indicator=readers, year=2025, value="100")
    services.set_target(two_years, by=world.officer, indicator=readers, year=2026, value="50")
    [result] = selectors.indicator_results_by_grant(Grant.objects.filter(pk=two_years.pk))[two_years.pk]
    assert result.target == Decimal("150")
    table = dashboards.indicator_table(world.contest, [two_years])
    assert table.by_grant[two_years.pk][readers.pk].target == Decimal("150")


# --- web ---------------------------------------------------------------------------------------------------


def test_web_officer_sets_a_yearly_target_and_the_page_compares_it(world, readers, two_years):
    officer = client(world.officer)
    page = officer.get(reverse("grants:detail", args=[two_years.pk])).content.decode()
    assert 'name="year"' in page and ">2026<" in page
    response = officer.post(
        reverse("grants:target", args=[two_years.pk]),
        {"indicator": readers.pk, "period_end": "", "year": "2025", "value": "100"},
    )
    assert response.status_code == 302, response.content.decode()
    assert IndicatorTarget.objects.get().year == 2025
    report = reports_ending_in(two_years, 2025)[0]
    accept(world, report, {readers.pk: 42})
    page = officer.get(reverse("grants:detail", args=[two_years.pk])).content.decode()
    assert "year 2025" in page


def test_web_refuses_both_a_period_and_a_year(world, readers, two_years):
    period = two_years.reports.order_by("period_end")[0].period_end.isoformat()
    response = client(world.officer).post(
        reverse("grants:target", args=[two_years.pk]),
        {"indicator": readers.pk, "period_end": period, "year": "2025", "value": "5"},
    )
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    assert not IndicatorTarget.objects.exists()


def test_web_grantee_cannot_set_a_yearly_target(world, readers, two_years):
    response = client(world.member).post(
        reverse("grants:target", args=[two_years.pk]),
        {"indicator": readers.pk, "period_end": "", "year": "2025", "value": "5"},
    )
    assert response.status_code == 404
    assert not IndicatorTarget.objects.exists()
