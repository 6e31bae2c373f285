from django.contrib import admin

from reports.models import AnalyticReport, CitedCase


class CitedCaseInline(admin.TabularInline):
    model = CitedCase
    extra = 0
    raw_id_fields = ("practice",)


@admin.register(AnalyticReport)
class AnalyticReportAdmin(admin.ModelAdmin):
    """Read-mostly: reports are written and published on the organisers' pages."""

    list_display = ("title", "contest", "campaign", "state", "published_at")
    list_filter = ("state",)
    search_fields = ("title",)
    readonly_fields = ("contest", "campaign", "state", "published_at", "version", "created_by")
    inlines = [CitedCaseInline]
