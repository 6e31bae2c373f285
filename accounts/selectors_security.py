"""Reading the security log (issue 16, point 7): staff filter it by person, kind, dates and
address, on the page, in its export and through the API (one FilterSet for all three)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import SecurityEvent
from core.filters import FilterSet


def security_events() -> QuerySet[SecurityEvent]:
    """Newest first, with the people it names (one query per page)."""
    return SecurityEvent.objects.select_related("user", "actor").order_by("-at", "-id")


class SecurityEventFilter(FilterSet):
    person = django_filters.CharFilter(
        method="filter_person",
        label=_("Person"),
        help_text=_("A name, an e-mail address or an account number."),
    )
    kind = django_filters.ChoiceFilter(choices=SecurityEvent.Kind.choices, label=_("Event"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Until"))
    ip = django_filters.CharFilter(field_name="ip_address", lookup_expr="startswith", label=_("IP address"))

    class Meta:
        model = SecurityEvent
        fields = ["person", "kind", "since", "until", "ip"]

    def filter_person(
        self, queryset: QuerySet[SecurityEvent], name: str, value: str
    ) -> QuerySet[SecurityEvent]:
        value = value.strip()
        if not value:
            return queryset
        found = (
            Q(email__icontains=value) | Q(user__email__icontains=value) | Q(user__full_name__icontains=value)
        )
        if value.isdigit() and len(value) < 19:  # an account number (beyond 64 bits it is a name)
            found |= Q(user_id=int(value))
        return queryset.filter(found)
