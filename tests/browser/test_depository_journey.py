"""A visitor without an account finds a library's case in the depository by words from its text,
opens it and sees the case structure, never an unpublished one; axe-core checks both pages, in
the Ukrainian interface the visitor's browser asks for."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.models import Application
from depository import services
from tests.depository.conftest import Cases

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cases(organiser) -> Cases:
    return Cases(organiser)


def test_visitor_searches_and_opens_a_case(page, cases, axe_check):
    wanted = cases.published(
        title="Цифрова приймальня для переселенців",
        solution="Бібліотека облаштувала цифрову приймальню: консультації щодо Дії та е-підпису.",
        region="kharkiv",
    )
    cases.published(title="Клуб комп'ютерної грамотності", solution="Заняття для старших людей щовівторка.")
    hidden = cases.application(Application.State.AWARDED, title="Неопублікована приймальня")
    services.withdraw(cases.published(hidden), by=cases.organiser)  # withdrawn: gone from the catalogue

    page.goto(reverse("depository:catalogue"))
    expect(page.locator("h1")).to_have_text("Депозитарій кращих практик")
    axe_check(page)

    page.locator("#id_q").fill("приймальня переселенців")
    page.locator("form[role=search] button[type=submit]").click()
    results = page.locator(".card-list .card h3 a")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text(wanted.title)

    results.first.click()
    expect(page.locator("h1")).to_have_text(wanted.title)
    assert page.url.endswith(reverse("depository:detail", args=[wanted.pk]))
    expect(page.locator("main")).to_contain_text("цифрову приймальню")
    axe_check(page)
