from django.contrib import admin

from depository.models import Consent, Practice


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["pk", "title", "contest", "state", "awarded", "presentation", "published_at"]
    list_filter = ["state", "awarded", "presentation", "year"]
    search_fields = ["title", "organisation_name"]
    readonly_fields = ["state", "application", "contest", "nomination", "sections", "published_at"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["application", "granted", "changed_at"]
    readonly_fields = ["application", "granted", "changed_by", "changed_at"]
