"""Read side of the e-services catalogue: what a person sees, search, totals by region."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from accounts.models import Organisation
from accounts.regions import Region
from eservices.models import EService, EServiceYear, ServiceCategory


def published() -> QuerySet[EService]:
    return EService.objects.filter(published=True)


def visible_to(user: Any) -> QuerySet[EService]:
    """Published services, and every service of the organisations the person belongs to."""
    if user is None or not user.is_authenticated:
        return published()
    mine = Organisation.objects.filter(memberships__user=user).values("pk")
    return EService.objects.filter(Q(published=True) | Q(organisation__in=mine))


def with_list_data(services: QuerySet[EService]) -> QuerySet[EService]:
    """What a list shows (library, address, category, yearly figures) in a fixed number of queries."""
    return services.select_related("organisation", "category").prefetch_related(
        Prefetch("years", queryset=EServiceYear.objects.order_by("-year"))
    )


def catalogue() -> QuerySet[EService]:
    return with_list_data(published()).order_by("organisation__region", "organisation__name", "name", "pk")


def of_organisation(organisation: Organisation) -> QuerySet[EService]:
    return with_list_data(organisation.eservices.all()).order_by("name", "pk")


def categories() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.order_by("order", "code")


def search(services: QuerySet[EService], text: str) -> QuerySet[EService]:
    """Every word must occur in the service's name or help, or its library's name, settlement or
    address (PostgreSQL folds the case of any letter; SQLite is given casefolded text)."""
    for word in text.split()[:10]:
        if connection.vendor == "postgresql":
            services = services.filter(
                Q(name__icontains=word)
                | Q(help_given__icontains=word)
                | Q(organisation__name__icontains=word)
                | Q(organisation__settlement__icontains=word)
                | Q(organisation__address__icontains=word)
            )
        else:
            services = services.filter(search_text__contains=word.casefold())
    return services


def years_of(service: EService) -> QuerySet[EServiceYear]:
    return service.years.order_by("-year")


@dataclass
class RegionTotal:
    region: str
    label: str
    services: int = 0
    organisations: int = 0
    people_by_year: dict[int, int] = field(default_factory=dict)

    @property
    def people_total(self) -> int:
        return sum(self.people_by_year.values())


def totals_by_region(*, published_only: bool = True) -> tuple[list[RegionTotal], list[int]]:
    """Per region: published services, organisations offering them, people helped per year; and
    the years that have figures (ascending). Two queries, whatever the number of services."""
    services = published() if published_only else EService.objects.all()
    labels = dict(Region.choices)
    rows: dict[str, RegionTotal] = {}
    counted = (
        services.values("organisation__region")
        .annotate(services=Count("pk"), organisations=Count("organisation", distinct=True))
        .order_by()
    )
    for row in counted:
        region = row["organisation__region"]
        rows[region] = RegionTotal(
            region, str(labels.get(region, region)), row["services"], row["organisations"]
        )
    people: dict[str, dict[int, int]] = defaultdict(dict)
    summed = (
        EServiceYear.objects.filter(service__in=services.values("pk"))
        .values("service__organisation__region", "year")
        .annotate(people=Sum("people_helped"))
        .order_by()
    )
    years: set[int] = set()
    for row in summed:
        people[row["service__organisation__region"]][row["year"]] = row["people"]
        years.add(row["year"])
    for region, by_year in people.items():
        if region in rows:
            rows[region].people_by_year = dict(sorted(by_year.items()))
    ordered = sorted(rows.values(), key=lambda total: total.label)
    return ordered, sorted(years)
