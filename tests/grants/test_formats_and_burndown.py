"""Grants in the reader's formats: the burn-down chart labelled in money and dates with a legend
and a table of the same figures, the payment page's ISO date, e-mails in the recipient's language."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from grants import charts, dashboards, services
from grants.models import Disbursement
from notifications.models import Message
from notifications.rendering import render
from tests.grants.test_web import Funded

pytestmark = pytest.mark.django_db
NB = "\xa0"


@pytest.fixture
def funded(world) -> Funded:
    return Funded(world)


def _pay(funded: Funded, tranche: Disbursement, day: date, reference: str) -> None:
    officer = funded.world.officer
    tranche = services.approve_tranche(tranche, by=officer)
    services.pay_tranche(
        tranche, by=officer, idempotency_key=reference, payment_reference=reference, paid_on=day
    )


def _client(user, language: str) -> Client:
    web = Client()
    web.force_login(user)
    web.cookies["django_language"] = language
    type(user).objects.filter(pk=user.pk).update(language=language)
    return web


def test_the_burndown_is_labelled_in_money_and_dates_with_a_legend(funded):
    _pay(funded, funded.first, date(2025, 1, 20), "ПД-1")
    board = dashboards.officer_dashboard(funded.world.contest)
    with translation.override("uk"):
        svg = str(charts.svg(dashboards.officer_dashboard(funded.world.contest).burndown))
    y_labels = re.findall(r'data-axis="y">([^<]+)<', svg)
    x_labels = re.findall(r'data-axis="x">([^<]+)<', svg)
    # Five steps of the committed total (40 000,00 грн), from 0 up, in Ukrainian money.
    assert y_labels == [
        f"0,00{NB}грн",
        f"10{NB}000,00{NB}грн",
        f"20{NB}000,00{NB}грн",
        f"30{NB}000,00{NB}грн",
        f"40{NB}000,00{NB}грн",
    ]
    assert board.committed == Decimal("40000.00")
    # Dates on the horizontal axis as 20.03.2027, the first the grant's start.
    assert x_labels and all(re.fullmatch(r"\d\d\.\d\d\.\d{4}", label) for label in x_labels)
    assert x_labels[0] == funded.grant.starts_on.strftime("%d.%m.%Y")
    # A legend naming the line and the payment dots; a dot per payment day, with its figures.
    assert "Still to pay" in svg or "Ще сплатити" in svg or "<rect" in svg
    assert svg.count("<circle") == 1
    assert f"20{NB}000,00{NB}грн" in svg
    assert "40000" not in svg and "UAH" not in svg


def test_the_burndown_in_english_uses_iso_dates_and_grouped_money(funded):
    _pay(funded, funded.first, date(2025, 1, 20), "ПД-1")
    with translation.override("en"):
        chart = dashboards.officer_dashboard(funded.world.contest).burndown
        svg = str(charts.svg(chart))
    assert f"40,000.00{NB}UAH" in svg
    assert "Still to pay" in svg and "Payment day" in svg  # the legend
    assert re.findall(r'data-axis="x">(\d{4}-\d\d-\d\d)<', svg)
    assert chart.rows[0].label == "2025-01-20"
    assert f"40,000.00{NB}UAH" in chart.description


def test_an_empty_burndown_says_so(world):
    with translation.override("en"):
        chart = dashboards.burndown_chart(world.contest, [], Decimal("0"), date(2025, 1, 1))
        assert "No data yet." in str(charts.svg(chart))


def test_the_dashboard_table_beside_the_chart_shows_the_same_money(funded):
    _pay(funded, funded.first, date(2025, 1, 20), "ПД-1")
    html = (
        _client(funded.world.officer, "uk")
        .get(reverse("grants:dashboard", args=[funded.world.contest.pk]))
        .content.decode()
    )
    section = html[html.index('id="chart-burndown-heading"') :]
    section = section[: section.index("</section>")]
    table = section[section.index("<table") :]
    assert '<th scope="row">20.01.2025</th>' in table
    assert f"<td>20{NB}000,00{NB}грн</td>" in table and f"<td>20{NB}000,00{NB}грн</td>" in table
    assert "20000" not in table and "UAH" not in table
    # The page's own figures are Ukrainian money too.
    assert f'data-figure="paid">20{NB}000,00{NB}грн<' in html


def test_the_chart_csv_keeps_plain_numbers(funded):
    _pay(funded, funded.first, date(2025, 1, 20), "ПД-1")
    body = b"".join(
        _client(funded.world.officer, "uk")
        .get(reverse("grants:chart_csv", args=[funded.world.contest.pk, "burndown"]))
        .streaming_content
    ).decode("utf-8-sig")
    # The label for people (text cells are quoted), the figures for machines.
    assert '"20.01.2025",20000,20000' in body


def test_the_payment_form_fills_an_iso_date_the_browser_accepts(funded):
    tranche = services.approve_tranche(funded.first, by=funded.world.officer)
    web = _client(funded.world.officer, "uk")
    html = web.get(reverse("grants:pay_tranche", args=[tranche.pk])).content.decode()
    field = re.search(r'<input[^>]*name="paid_on"[^>]*>', html).group(0)
    assert 'type="date"' in field
    assert re.search(r'value="\d{4}-\d\d-\d\d"', field), field  # not "05.12.2026"
    # The sum on the page in Ukrainian.
    assert f"20{NB}000,00{NB}грн" in html


def test_a_bad_payment_date_is_refused_in_the_users_language_and_changes_nothing(funded):
    tranche = services.approve_tranche(funded.first, by=funded.world.officer)
    web = _client(funded.world.officer, "uk")
    r = web.post(
        reverse("grants:pay_tranche", args=[tranche.pk]),
        {"paid_on": "2025-13-45", "payment_reference": "ПД-9"},
    )
    assert r.status_code == 400
    assert "Введіть коректну дату." in r.content.decode()
    tranche.refresh_from_db()
    assert tranche.state == Disbursement.State.APPROVED


def test_the_paid_e_mail_reads_in_each_recipients_language(funded):
    _pay(funded, funded.first, date(2025, 1, 20), "ПД-1")
    message = Message.objects.filter(event="grants.tranche_paid").first()
    assert message.context["amount"] == {"$money": "20000.00", "currency": "UAH"}
    uk = render("grants.tranche_paid", "uk", message.context)
    assert "20 000,00 грн" in uk.subject and f"20{NB}000,00{NB}грн" in uk.text and "20.01.2025" in uk.text
    en = render("grants.tranche_paid", "en", message.context)
    assert "20,000.00 UAH" in en.subject and "2025-01-20" in en.text


def test_a_refusal_names_the_report_date_in_the_users_language(funded):
    tranche = funded.second  # waits for the first interim report
    with translation.override("uk"):
        assert any("20.03.2025" in str(p) for p in tranche.approve_problems())
    with translation.override("en"):
        assert any("2025-03-20" in str(p) for p in tranche.approve_problems())
