"""The grant officer reads the burn-down in Ukrainian: money and dates on its axes, a legend, the
same figures in a table; the payment form's date field comes filled (an ISO value the browser
takes). Screenshots at 1366×768 and 390×844 go to $H14_SHOTS when set."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from grants import services
from tests.browser.conftest import log_in
from tests.grants.conftest import World
from tests.grants.test_web import Funded

NB = "\xa0"


@pytest.fixture
def funded(db) -> Funded:
    return Funded(World())


def _shoot(page, name: str) -> None:
    folder = os.environ.get("H14_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _in_ukrainian(page, live_server, user) -> None:
    log_in(page, live_server, user)
    type(user).objects.filter(pk=user.pk).update(language="uk")
    page.context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server.url}])


def test_officer_pays_with_a_filled_date_and_reads_the_burndown(page, live_server, funded, axe_check):
    officer = funded.world.officer
    tranche = services.approve_tranche(funded.first, by=officer)
    _in_ukrainian(page, live_server, officer)

    # The payment page: the date field comes filled (an ISO value; the browser shows it its way).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/grants/tranches/{tranche.pk}/pay/")
    paid_on = page.locator("#id_paid_on")
    expect(paid_on).to_have_attribute("type", "date")
    assert paid_on.input_value()  # a value the browser rejected ("05.12.2026") would read as empty
    expect(page.locator("main")).to_contain_text(f"20{NB}000,00{NB}грн")
    axe_check(page)
    _shoot(page, "h14-pay-390")
    paid_on.fill("2025-01-20")
    page.locator("#id_payment_reference").fill("ПД-1")
    page.locator(f'form[action="/grants/tranches/{tranche.pk}/pay/"] button[type=submit]').click()
    expect(page.locator("main h1")).to_be_visible()

    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/grants/contests/{funded.world.contest.pk}/")
        chart = page.locator("section.report-chart", has=page.locator("#chart-burndown-heading"))
        svg = chart.locator("svg.chart")
        expect(svg).to_be_visible()
        # Axis labels in Ukrainian money and dates, and a legend.
        expect(svg.locator('text[data-axis="y"]').last).to_have_text(f"40{NB}000,00{NB}грн")
        expect(svg.locator('text[data-axis="x"]').first).to_have_text("01.01.2025")
        assert svg.locator("circle").count() == 1  # one payment day
        # The same figures in the table beside it.
        row = chart.locator("tbody tr").first
        expect(row.locator("th")).to_have_text("20.01.2025")
        expect(row.locator("td").first).to_have_text(f"20{NB}000,00{NB}грн")
        axe_check(page)
        _shoot(page, f"h14-burndown-{width}")
