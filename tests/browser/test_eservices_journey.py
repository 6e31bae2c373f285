"""A librarian adds an e-service with a year's figure from the library's page and publishes it;
an anonymous visitor finds it in the catalogue by region and category. axe-core checks the
pages on the way."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.regions import Region
from eservices.models import EService, ServiceCategory
from tests.browser.conftest import log_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_librarian_publishes_a_service_and_a_visitor_finds_it(page, live_server, axe_check):
    # A transactional test starts with empty tables: the classifier's migration rows are gone.
    category, _created = ServiceCategory.objects.get_or_create(
        code="health", defaults={"title": "Health (eHealth)", "order": 60}
    )
    ServiceCategory.objects.get_or_create(code="tax", defaults={"title": "Taxes", "order": 40})
    library = OrganisationFactory(
        name="Бібліотека села Вигадане", region=Region.RIVNE, settlement="Вигадане", address="вул. Липова, 7"
    )
    librarian = UserFactory(full_name="Бібліотекарка Вигадана")
    library.memberships.create(user=librarian, is_admin=True)

    log_in(page, live_server, librarian)
    page.goto(live_server.url + reverse("accounts:organisation", args=[library.pk]))
    page.get_by_role("link", name="Manage the e-services").click()
    page.get_by_role("heading", name="E-services of Бібліотека села Вигадане").wait_for()
    axe_check(page)
    page.get_by_role("link", name="Add an e-service").click()
    page.locator("#id_name").fill("Запис до лікаря онлайн")
    page.locator("#id_category").select_option(label="Health (eHealth)")
    page.locator("#id_help_given").fill("Допомагаємо підписати декларацію з сімейним лікарем.")
    page.locator("#id_hours").fill("Пн–Пт 10:00–16:00")
    page.get_by_label("Step-free access").check()
    page.get_by_label("Published").check()
    axe_check(page)
    page.get_by_role("button", name="Add the e-service").click()
    expect(page.locator(".messages")).to_contain_text("The e-service was added")
    page.locator("#id_year").fill("2024")
    page.locator("#id_people_helped").fill("86")
    page.get_by_role("button", name="Save the figure").click()
    expect(page.locator(".messages")).to_contain_text("The figure for 2024 was saved")
    axe_check(page)

    service = EService.objects.get(organisation=library)
    assert service.published and list(service.years.values_list("year", "people_helped")) == [(2024, 86)]

    # An anonymous visitor: the menu → the catalogue → by region and category → the service.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="E-services").click()
    page.get_by_role("heading", name="E-services in libraries").wait_for()
    page.get_by_label("Region").select_option(label="Rivne Oblast")
    page.get_by_label("Category").select_option(label=str(category.label))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="1 e-service")).to_be_visible()
    expect(page.locator(".card-list")).to_contain_text("вул. Липова, 7")
    axe_check(page)
    page.get_by_role("link", name="Запис до лікаря онлайн").click()
    page.get_by_role("heading", name="Запис до лікаря онлайн").wait_for()
    expect(page.locator("main")).to_contain_text("86")
    axe_check(page)
