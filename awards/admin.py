from django.contrib import admin

from awards.models import AwardSettings, Decision, Diploma, IssueRun, PublishedResults, SpecialAward


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["application", "contest", "nomination", "state", "place"]
    list_filter = ["state"]
    readonly_fields = ["state", "place", "proposed_by", "approved_by", "approved_at", "rank_position"]
    raw_id_fields = ["contest", "nomination", "application"]


@admin.register(Diploma)
class DiplomaAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "holder_name", "organisation_name", "contest_title", "place"]
    list_filter = ["kind"]
    search_fields = ["code", "organisation_name", "holder_name"]
    readonly_fields = [f.name for f in Diploma._meta.fields]


@admin.register(PublishedResults)
class PublishedResultsAdmin(admin.ModelAdmin):
    list_display = ["contest", "sha256", "published_at"]
    readonly_fields = ["contest", "file", "sha256", "size", "published_at"]


admin.site.register(AwardSettings)


@admin.register(SpecialAward)
class SpecialAwardAdmin(admin.ModelAdmin):
    """Read-only: the places and choices change through the service (their counter and lock)."""

    list_display = ["title", "contest", "places", "chosen"]
    readonly_fields = [f.name for f in SpecialAward._meta.fields]


@admin.register(IssueRun)
class IssueRunAdmin(admin.ModelAdmin):
    list_display = ["contest", "kind", "state", "done", "total", "created_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in IssueRun._meta.fields]
