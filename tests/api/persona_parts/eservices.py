"""The e-services catalogue in the persona matrix: X (the applicant's library) has a published
service with a yearly figure and an unpublished one; Y (the other applicant's) a published one."""

from accounts.models import Organisation
from eservices import services
from eservices.models import Accessibility, ServiceCategory

ALLOWED_TEXT = """
# eservices.rules: the public reads published services; an organisation's members read and write
# its own (drafts included); totals by region are for whoever may create contests, and staff.
GET /api/v1/e-services/: everyone
POST /api/v1/e-services/: app
GET /api/v1/e-services/{id}/: everyone
PATCH /api/v1/e-services/{id}/: app
DELETE /api/v1/e-services/{id}/: app
GET /api/v1/e-service-years/: everyone
POST /api/v1/e-service-years/: app
GET /api/v1/e-service-years/{id}/: everyone
PATCH /api/v1/e-service-years/{id}/: app
DELETE /api/v1/e-service-years/{id}/: app
GET /api/v1/e-service-categories/: everyone
GET /api/v1/e-service-categories/{id}/: everyone
GET /api/v1/e-service-totals/: org oorg staff
# depository.rules: the case's organisers link it to e-services of its organisation.
PATCH /api/v1/depository-cases/{id}/e-services/: org staff
"""

RESOURCE_OF_ID = {
    "e-services": "eservice",
    "e-service-years": "eservice_year",
    "e-service-categories": "eservice_category",
}

LIST_SCOPE = {
    "/api/v1/e-services/": {"eservice": "everyone", "eservice_draft": "app", "other_eservice": "everyone"},
    "/api/v1/e-service-years/": {"eservice_year": "everyone", "eservice_draft_year": "app"},
}

BODIES = {
    ("POST", "/api/v1/e-services/"): {
        "organisation": "{organisation}",
        "name": "Допомога з «Дією»",
        "category": "{eservice_category}",
        "help_given": "Реєстрація і вхід до застосунку.",
        "published": True,
    },
    ("POST", "/api/v1/e-service-years/"): {
        "service": "{eservice}",
        "year": 2024,
        "people_helped": 120,
    },
}


def build(people: dict, ids: dict) -> None:
    x = Organisation.objects.get(pk=ids["organisation"])
    y = Organisation.objects.get(pk=ids["other_organisation"])
    category = ServiceCategory.objects.get(code="diia")

    def make(organisation: Organisation, name: str, published: bool):
        return services.create_service(
            organisation,
            by=people["applicant"],
            name=name,
            category=category,
            help_given="Допомагаємо створити обліковий запис.",
            hours="Пн–Пт 10:00–17:00",
            accessibility=[Accessibility.STEP_FREE],
            published=published,
        )

    published = make(x, "Дія в бібліотеці Ікс", True)
    draft = make(x, "Чернетка послуги Ікс", False)
    other = make(y, "Дія в бібліотеці Ігрек", True)
    ids["eservice"] = published.pk
    ids["eservice_draft"] = draft.pk
    ids["other_eservice"] = other.pk
    ids["eservice_year"] = services.set_year(published, year=2023, people_helped=80).pk
    ids["eservice_draft_year"] = services.set_year(draft, year=2023, people_helped=5).pk
    ids["eservice_category"] = category.pk


def build_fuzz(world) -> None:
    """The applicant's library offers a published service with a figure and keeps a draft."""
    library = world.applicant.memberships.get().organisation
    category = ServiceCategory.objects.get(code="pensions")
    for name, published in (("Пенсійний фонд онлайн", True), ("Чернетка", False)):
        service = services.create_service(
            library,
            by=world.applicant,
            name=name,
            category=category,
            help_given="Перерахунок пенсії.",
            published=published,
        )
        services.set_year(service, year=2024, people_helped=33)
