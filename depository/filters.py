"""The catalogue's search and filters: one FilterSet for the public page and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.regions import Region
from contests.models import Category
from core.filters import FilterSet
from depository import selectors
from depository.models import Practice


def _years() -> list[tuple[int, int]]:
    return [(year, year) for year in selectors.years_in_use()]


class PracticeFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=200)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=lambda request: selectors.categories_in_use(),
        method="filter_category",
        empty_label=_("All categories"),
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"), choices=Region.choices, empty_label=_("All regions")
    )
    year = django_filters.ChoiceFilter(
        label=_("Edition year"),
        choices=_years,
        method="filter_year",
        empty_label=_("All years"),
        help_text=_("The year of the contest's edition the case comes from."),
    )
    contest = django_filters.ModelChoiceFilter(
        label=_("Contest"),
        queryset=lambda request: selectors.contests_in_use(),
        empty_label=_("All contests"),
    )

    class Meta:
        model = Practice
        fields = ["q", "category", "region", "year", "contest"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Category labels name their classifier: two classifiers may both have a "1.2".
        field = self.form.fields["category"]
        field.label_from_instance = lambda c: f"{c.classifier.title}: {c.code} {c.title}"

    def filter_text(self, queryset: QuerySet[Practice], name: str, value: str) -> QuerySet[Practice]:
        return selectors.search(queryset, value)

    def filter_year(self, queryset: QuerySet[Practice], name: str, value: str) -> QuerySet[Practice]:
        return queryset.filter(year=int(value))

    def filter_category(self, queryset: QuerySet[Practice], name: str, value: Category) -> QuerySet[Practice]:
        return selectors.in_category(queryset, value)

    def filter_queryset(self, queryset: QuerySet[Practice]) -> QuerySet[Practice]:
        # The text search last: it orders by relevance, which the other filters must not undo.
        data = dict(self.form.cleaned_data)
        text = data.pop("q", "")
        for name, value in data.items():
            queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, text) if text else queryset
