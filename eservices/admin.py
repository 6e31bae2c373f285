from django.contrib import admin

from eservices.models import EService, EServiceYear, ServiceCategory


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    """Staff keep the classifier; a category in use cannot be deleted (PROTECT)."""

    list_display = ["code", "title", "order"]
    search_fields = ["code", "title"]


class YearInline(admin.TabularInline):
    model = EServiceYear
    extra = 0


@admin.register(EService)
class EServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "category", "published"]
    list_filter = ["published", "category"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["organisation"]
    inlines = [YearInline]
