"""Exports of a contest's grants, tranches and reports: CSV and XLSX, safe from formula injection,
for the contest's grant officers only."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from grants import services
from tests.grants.test_web import Funded

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://example.org/x","click")'


@pytest.fixture
def funded(world) -> Funded:
    funded = Funded(world)
    officer = world.officer
    services.approve_tranche(funded.first, by=officer)
    services.pay_tranche(
        funded.first,
        by=officer,
        idempotency_key="k-1",
        payment_reference="+380-ПД-1",
        paid_on=date(2025, 1, 20),
    )
    services.save_report(funded.report, by=world.member, narrative=EVIL)
    services.submit_report(funded.report, by=world.member)
    services.request_report_changes(funded.report, by=officer, note="@SUM(A1:A9)")
    return funded


def officer(funded: Funded) -> Client:
    web = Client()
    web.force_login(funded.world.officer)
    return web


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def url(funded: Funded, kind: str, fmt: str) -> str:
    return reverse("grants:export", args=[funded.world.contest.pk, kind, fmt])


def test_grants_csv_has_the_figures(funded):
    rows = csv_rows(officer(funded).get(url(funded, "grants", "csv")))
    assert rows[0][:8] == [
        "Registration number",
        "Project title",
        "Organisation",
        "Region",
        "State",
        "Amount",
        "Paid",
        "Remaining",
    ]
    assert len(rows) == 2
    assert rows[1][4:8] == ["Active", "40000.00", "20000.00", "20000.00"]
    assert rows[1][11] == "3"  # overdue reports: 2025's, none accepted


def test_text_that_looks_like_a_formula_stays_text_in_csv(funded):
    tranches = csv_rows(officer(funded).get(url(funded, "tranches", "csv")))
    assert "'+380-ПД-1" in tranches[1]
    reports = csv_rows(officer(funded).get(url(funded, "reports", "csv")))
    cells = [cell for row in reports[1:] for cell in row]
    assert "'" + EVIL in cells and "'@SUM(A1:A9)" in cells
    assert EVIL not in cells


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(funded):
    for kind in ("grants", "tranches", "reports"):
        response = officer(funded).get(url(funded, kind, "xlsx"))
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        cells = [cell for row in workbook.active.iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells), kind
        values = [cell.value for cell in cells]
        if kind == "reports":
            assert "'" + EVIL in values and "'@SUM(A1:A9)" in values
        if kind == "tranches":
            assert "'+380-ПД-1" in values


def test_only_grant_officers_export(funded):
    for user in (funded.world.member, funded.world.organiser, funded.world.juror, funded.world.outsider):
        web = Client()
        web.force_login(user)
        assert web.get(url(funded, "grants", "csv")).status_code == 404


def test_unknown_kinds_and_formats_are_404(funded):
    assert officer(funded).get(url(funded, "budgets", "csv")).status_code == 404
    assert officer(funded).get(url(funded, "grants", "pdf")).status_code == 404


def test_export_queries_do_not_grow_with_rows(funded, count_queries):
    web = officer(funded)
    few = count_queries(lambda: csv_rows(web.get(url(funded, "reports", "csv"))))
    for _ in range(3):
        funded.world.offer("1000.00", application=funded.world.awarded())
    assert count_queries(lambda: csv_rows(web.get(url(funded, "reports", "csv")))) == few
