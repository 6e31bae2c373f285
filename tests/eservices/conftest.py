"""Two libraries with members, and a way to make e-services."""

import pytest

from accounts.models import Organisation
from accounts.regions import Region
from eservices import services
from eservices.models import Accessibility, EService, ServiceCategory
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def library(db) -> Organisation:
    return OrganisationFactory(
        name="Бібліотека Вигадана", region=Region.VOLYN, settlement="Озерне", address="вул. Тиха, 5"
    )


@pytest.fixture
def other_library(db) -> Organisation:
    return OrganisationFactory(name="Бібліотека Інша", region=Region.ODESA, settlement="Морське")


@pytest.fixture
def librarian(library):
    user = UserFactory(full_name="Бібліотекарка Вигадана")
    library.memberships.create(user=user, is_admin=False)
    return user


@pytest.fixture
def other_librarian(other_library):
    user = UserFactory(full_name="Бібліотекар Інший")
    other_library.memberships.create(user=user, is_admin=True)
    return user


@pytest.fixture
def category(db) -> ServiceCategory:
    return ServiceCategory.objects.get(code="diia")


@pytest.fixture
def make_service(category, librarian):
    def make(organisation: Organisation, name: str = "Допомога з Дією", **fields) -> EService:
        data = {
            "name": name,
            "category": category,
            "help_given": "Створюємо обліковий запис.",
            "hours": "Пн–Пт 10–17",
            "accessibility": [Accessibility.STEP_FREE],
            "published": True,
            **fields,
        }
        return services.create_service(organisation, by=librarian, **data)

    return make


# The depository's fixtures (a contest with published cases), for the tests of the link.
from tests.depository.conftest import cases, outsider  # noqa: E402, F401
