"""The grant officer's dashboard: its figures equal sums in the database, its charts read as
tables and CSV, and it costs the same queries for one grant or many."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.money import format_money
from grants import dashboards, services
from grants.models import Disbursement, Grant, GrantReport
from tests.factories import OrganisationFactory
from tests.grants.conftest import IBAN, pdf
from tests.grants.test_web import Funded

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(world) -> Funded:
    return Funded(world)


def officer_client(funded: Funded) -> Client:
    web = Client()
    web.force_login(funded.world.officer)
    return web


def pay(funded: Funded, tranche: Disbursement, day: date, reference: str) -> None:
    officer = funded.world.officer
    if tranche.state == Disbursement.State.SCHEDULED:
        tranche = services.approve_tranche(tranche, by=officer)
    services.pay_tranche(
        tranche, by=officer, idempotency_key=reference, payment_reference=reference, paid_on=day
    )


def more_grants(funded: Funded, count: int) -> None:
    """`count` more grants in several states, each with a paid tranche, an accepted report with
    actuals, and a grantee in another region."""
    world, officer = funded.world, funded.world.officer
    regions = ["lviv", "odesa", "kharkiv", "poltava"]
    for i in range(count):
        application = world.awarded()
        application.organisation.region = regions[i % len(regions)]
        application.organisation.save()
        grant = world.offer("5000.00", application=application)
        grant = services.update_bank_details(
            grant, by=officer, payee_name="ПБ", payee_bank="Тестбанк", payee_iban=IBAN
        )
        grant = services.sign_agreement(grant, by=officer, signed_copy=pdf(), signed_on=date(2025, 1, 10))
        grant = services.activate_grant(grant, by=officer)
        report = grant.reports.order_by("due_on").first()
        services.set_target(
            grant, by=officer, indicator=funded.readers, period_end=report.period_end, value=10
        )
        tranche = services.schedule_tranche(grant, by=officer, planned_on=date(2025, 2, 1), amount="2000")
        pay(funded, tranche, date(2025, 2, 1 + i), f"REF-{i}")
        services.save_report(report, by=officer, narrative="Зроблено.", actuals={funded.readers.pk: 7 + i})
        services.submit_report(report, by=officer)
        services.accept_report(report, by=officer)
        if i % 2:
            services.terminate_grant(grant, by=officer, note="Припинено")


def test_money_figures_equal_the_sums_in_the_database(funded):
    pay(funded, funded.first, date(2025, 1, 20), "ПД-1")
    more_grants(funded, 3)
    contest = funded.world.contest
    board = dashboards.officer_dashboard(contest)

    paid = Disbursement.objects.filter(grant__contest=contest, state="paid").aggregate(s=Sum("amount"))["s"]
    live = Grant.objects.filter(contest=contest).exclude(state="terminated").aggregate(s=Sum("amount"))["s"]
    paid_terminated = Disbursement.objects.filter(
        grant__contest=contest, grant__state="terminated", state="paid"
    ).aggregate(s=Sum("amount"))["s"]
    assert board.paid == paid == Decimal("26000.00")
    assert board.committed == live + paid_terminated
    assert board.remaining == board.committed - paid
    assert board.budget == contest.grant_budget
    assert sum(n for _label, n in board.by_state) == Grant.objects.filter(contest=contest).count()

    # The burn-down falls by each day's payments, from the committed total to what remains.
    assert [row.values[0] for row in board.burndown.rows] == [
        Decimal("20000.00"),
        Decimal("2000.00"),
        Decimal("2000.00"),
        Decimal("2000.00"),
    ]
    assert board.burndown.rows[-1].values[1] == board.remaining

    page = officer_client(funded).get(reverse("grants:dashboard", args=[contest.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-labelledby="chart-burndown-title chart-burndown-desc"' in html
    for name in ("committed", "paid", "remaining"):
        assert f'data-figure="{name}">{format_money(getattr(board, name), "UAH")}<' in html


def test_overdue_reports_and_the_next_tranches_are_listed(funded):
    board = dashboards.officer_dashboard(funded.world.contest)
    # 2025's reports are all past due and not submitted.
    assert [r.pk for r in board.overdue_reports] == list(
        GrantReport.objects.filter(grant=funded.grant).order_by("due_on", "pk").values_list("pk", flat=True)
    )
    assert [t.pk for t in board.next_tranches] == [funded.first.pk, funded.second.pk]
    html = officer_client(funded).get(reverse("grants:dashboard", args=[funded.world.contest.pk])).content
    assert reverse("grants:report", args=[funded.report.pk]) in html.decode()


def test_targets_and_results_by_grant_region_and_overall(funded):
    more_grants(funded, 4)
    contest = funded.world.contest
    board = dashboards.officer_dashboard(contest)
    table = board.indicators
    readers = funded.readers.pk
    # Targets: 100 for the funded grant, 10 for each of the others; results only from accepted reports.
    assert table.overall[readers].target == Decimal("140")
    assert table.overall[readers].actual == Decimal(7 + 8 + 9 + 10)
    assert table.by_grant[funded.grant.pk][readers].actual is None
    by_region = dict(table.region_rows())
    assert by_region["Lviv Oblast"][0].actual == Decimal("7")
    chart = board.charts[f"indicator-{readers}"]
    assert chart.rows[-1].values == (Decimal("140"), Decimal("34"))

    response = officer_client(funded).get(reverse("grants:chart_csv", args=[contest.pk, chart.name]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Region", "Target", "Achieved (accepted reports)"]
    assert rows[-1] == ["All regions", "140", "34"]


def test_an_unknown_chart_is_404(funded):
    url = reverse("grants:chart_csv", args=[funded.world.contest.pk, "nothing"])
    assert officer_client(funded).get(url).status_code == 404


def test_the_grant_page_shows_the_grants_own_figures(funded):
    pay(funded, funded.first, date(2025, 1, 20), "ПД-7")
    funded.submit()
    services.accept_report(funded.report, by=funded.world.officer)
    web = Client()
    web.force_login(funded.world.member)
    response = web.get(reverse("grants:detail", args=[funded.grant.pk]))
    assert response.context["totals"]["paid"] == Decimal("20000.00")
    assert response.context["remaining"] == Decimal("20000.00")
    charts = {chart.title: chart for chart in response.context["charts"]}
    assert charts["Відвідувачі навчені (осіб)"].rows[0].values == (Decimal("100.00"), Decimal("120.00"))
    lines = {line.title: line.spent for line in response.context["lines"]}
    assert lines == {"Ноутбуки": Decimal("28000.50"), "Навчання": None}


def test_dashboard_query_count_is_the_same_for_one_grant_and_many(funded, django_assert_num_queries):
    pay(funded, funded.first, date(2025, 1, 20), "ПД-1")
    web = officer_client(funded)
    url = reverse("grants:dashboard", args=[funded.world.contest.pk])
    web.get(url)  # warm the session and the caches

    with CaptureQueriesContext(connection) as one:
        assert web.get(url).status_code == 200
    more_grants(funded, 6)
    OrganisationFactory()
    with django_assert_num_queries(len(one.captured_queries)):
        assert web.get(url).status_code == 200


def test_grant_page_query_count_does_not_grow_with_tranches_and_reports(world, django_assert_num_queries):
    grant = world.active()
    web = Client()
    web.force_login(world.member)
    url = reverse("grants:detail", args=[grant.pk])
    services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 6, 1), amount="10")
    web.get(url)
    with CaptureQueriesContext(connection) as few:
        web.get(url)
    for day in (5, 6, 7):
        services.schedule_tranche(grant, by=world.officer, planned_on=date(2025, 6, day), amount="10")
    with django_assert_num_queries(len(few.captured_queries)):
        web.get(url)


def test_the_grantees_list_costs_the_same_for_one_grant_and_many(world, django_assert_num_queries):
    world.offer()
    web = Client()
    web.force_login(world.member)
    url = reverse("grants:index")
    web.get(url)
    with CaptureQueriesContext(connection) as one:
        assert web.get(url).status_code == 200
    for _ in range(4):
        application = world.awarded()
        application.organisation.memberships.create(user=world.member)
        world.offer("1000.00", application=application)
    with django_assert_num_queries(len(one.captured_queries)):
        page = web.get(url)
    assert page.content.decode().count('class="card"') == 5
