import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from eservices import selectors, services
from eservices.categories import DEFAULTS
from eservices.models import EServiceYear, ServiceCategory

pytestmark = pytest.mark.django_db


def test_the_default_classifier_is_seeded_by_the_migration():
    codes = list(ServiceCategory.objects.order_by("order").values_list("code", flat=True))
    assert codes == [code for code, _title in DEFAULTS]
    assert {"diia", "pensions", "health", "digital-literacy", "registers"} <= set(codes)


def test_a_default_category_reads_in_the_visitors_language_a_typed_one_as_typed():
    category = ServiceCategory.objects.get(code="pensions")
    with translation.override("en"):
        assert category.label == "Pensions"
    own = ServiceCategory.objects.create(code="own", title="Власна категорія", order=999)
    assert own.label == "Власна категорія"


def test_unknown_accessibility_is_refused_and_nothing_saved(library, make_service):
    with pytest.raises(ValidationError) as error:
        make_service(library, accessibility=["teleportation"])
    assert "accessibility" in error.value.message_dict
    assert not library.eservices.exists()


def test_one_figure_per_service_and_year(library, make_service):
    service = make_service(library)
    services.set_year(service, year=2023, people_helped=10)
    services.set_year(service, year=2023, people_helped=25)  # replaces, no second row
    assert list(service.years.values_list("year", "people_helped")) == [(2023, 25)]
    with pytest.raises(IntegrityError), transaction.atomic():
        EServiceYear.objects.create(service=service, year=2023, people_helped=1)


def test_a_future_year_is_refused(library, make_service):
    service = make_service(library)
    with pytest.raises(ValidationError):
        services.set_year(service, year=2999, people_helped=1)
    assert not service.years.exists()


def test_unpublished_services_are_hidden_from_the_public_and_other_libraries(
    library, other_library, make_service, librarian, other_librarian
):
    shown = make_service(library, "Видима")
    hidden = make_service(library, "Чернетка", published=False)
    from django.contrib.auth.models import AnonymousUser

    assert set(selectors.visible_to(AnonymousUser())) == {shown}
    assert set(selectors.visible_to(other_librarian)) == {shown}
    assert set(selectors.visible_to(librarian)) == {shown, hidden}
    assert list(selectors.catalogue()) == [shown]


def test_search_by_words_in_name_help_or_library(library, other_library, make_service):
    pension = make_service(library, "Пенсійний фонд", help_given="Перерахунок пенсії")
    make_service(other_library, "Податки", help_given="Декларація")
    assert list(selectors.search(selectors.catalogue(), "пенсійний")) == [pension]
    assert list(selectors.search(selectors.catalogue(), "Озерне")) == [pension]  # the settlement
    assert list(selectors.search(selectors.catalogue(), "податки озерне")) == []


def test_totals_by_region_count_published_services_and_people_per_year(library, other_library, make_service):
    first = make_service(library, "Перша")
    second = make_service(library, "Друга")
    draft = make_service(library, "Чернетка", published=False)
    odesa = make_service(other_library, "Одеська")
    services.set_year(first, year=2023, people_helped=10)
    services.set_year(first, year=2024, people_helped=20)
    services.set_year(second, year=2024, people_helped=5)
    services.set_year(draft, year=2024, people_helped=1000)  # not published: not counted
    services.set_year(odesa, year=2023, people_helped=7)
    rows, years = selectors.totals_by_region()
    by_region = {row.region: row for row in rows}
    assert years == [2023, 2024]
    assert by_region["volyn"].services == 2
    assert by_region["volyn"].organisations == 1
    assert by_region["volyn"].people_by_year == {2023: 10, 2024: 25}
    assert by_region["volyn"].people_total == 35
    assert by_region["odesa"].people_by_year == {2023: 7}


@pytest.mark.postgres
def test_postgres_search_folds_the_case_of_cyrillic_words(library, make_service):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set.")
    pension = make_service(library, "Пенсійний фонд", help_given="Перерахунок")
    assert list(selectors.search(selectors.catalogue(), "ПЕНСІЙНИЙ")) == [pension]
    assert list(selectors.search(selectors.catalogue(), "тиха")) == [pension]  # the address
