from django.contrib import admin
from django_fsm_log.admin import StateLogInline

from contests.models import (
    Category,
    Classifier,
    Contest,
    ContestRole,
    Criterion,
    FormField,
    Nomination,
)


class NominationInline(admin.TabularInline):
    model = Nomination
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class FormFieldInline(admin.StackedInline):
    model = FormField
    extra = 0


class ContestRoleInline(admin.TabularInline):
    model = ContestRole
    extra = 0
    autocomplete_fields = ["user"]
    fk_name = "contest"


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    """Read-mostly: the state moves only through the organiser pages and the API."""

    list_display = ["title", "state", "opens_at", "closes_at", "max_winners"]
    list_filter = ["state"]
    search_fields = ["title"]
    readonly_fields = ["state", "published_at", "created_by"]
    inlines = [
        ContestRoleInline,
        NominationInline,
        CriterionInline,
        FormFieldInline,
        StateLogInline,
    ]


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Classifier)
class ClassifierAdmin(admin.ModelAdmin):
    list_display = ["title"]
    inlines = [CategoryInline]
