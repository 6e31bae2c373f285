"""The catalogue's search and filters: one FilterSet for the public page and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.regions import Region
from core.filters import FilterSet
from eservices import selectors
from eservices.models import EService


class EServiceFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=200)
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="organisation__region",
        choices=Region.choices,
        empty_label=_("All regions"),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=lambda request: selectors.categories(),
        empty_label=_("All categories"),
    )

    class Meta:
        model = EService
        fields = ["q", "region", "category"]

    def filter_text(self, queryset: QuerySet[EService], name: str, value: str) -> QuerySet[EService]:
        return selectors.search(queryset, value)


class OrganisationEServiceFilter(EServiceFilter):
    """The API's filters: also by organisation and by published (members see their drafts)."""

    organisation = django_filters.NumberFilter(label=_("Organisation"), field_name="organisation_id")
    published = django_filters.BooleanFilter(label=_("Published"))

    class Meta(EServiceFilter.Meta):
        fields = [*EServiceFilter.Meta.fields, "organisation", "published"]
