"""Filters of lists, for pages and the API: what an invalid filter value answers.

Django's own Ukrainian catalogue answers a value outside the choices with «Зробить коректний
вибір…» (a misspelt imperative). Every filter form of ours says it with our own message instead,
which our catalogue translates: on the pages through `FilterSet`, in the API through
`FilterBackend` (the default filter backend, REST_FRAMEWORK in settings).
"""

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

INVALID_CHOICE = _("“%(value)s” is not one of the available choices. Choose one from the list.")
INVALID_PK = _("“%(pk)s” is not one of the available choices. Choose one from the list.")


def clear_choice_messages(form: forms.BaseForm) -> forms.BaseForm:
    """Our messages for values outside a field's choices, on every field of `form`."""
    for field in form.fields.values():
        if "invalid_choice" in field.error_messages:
            field.error_messages["invalid_choice"] = INVALID_CHOICE
        if "invalid_pk_value" in field.error_messages:
            field.error_messages["invalid_pk_value"] = INVALID_PK
    return form


class FilterSet(django_filters.rest_framework.FilterSet):
    """A FilterSet whose form answers invalid choices in our words."""

    @property
    def form(self) -> forms.BaseForm:
        if not hasattr(self, "_form"):
            clear_choice_messages(super().form)
        return self._form


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend with our messages, also for filter sets generated from `filterset_fields`
    and for those declared on django-filter's own FilterSet."""

    filterset_base = FilterSet

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            clear_choice_messages(filterset.form)
        return filterset
