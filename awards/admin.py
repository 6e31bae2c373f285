from django.contrib import admin

from awards.models import AwardSettings, Decision, Diploma, PublishedResults


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["application", "contest", "nomination", "state", "place"]
    list_filter = ["state"]
    readonly_fields = ["state", "place", "proposed_by", "approved_by", "approved_at", "rank_position"]
    raw_id_fields = ["contest", "nomination", "application"]


@admin.register(Diploma)
class DiplomaAdmin(admin.ModelAdmin):
    list_display = ["code", "organisation_name", "contest_title", "nomination_title", "place"]
    search_fields = ["code", "organisation_name"]
    readonly_fields = [f.name for f in Diploma._meta.fields]


@admin.register(PublishedResults)
class PublishedResultsAdmin(admin.ModelAdmin):
    list_display = ["contest", "sha256", "published_at"]
    readonly_fields = ["contest", "file", "sha256", "size", "published_at"]


admin.site.register(AwardSettings)
