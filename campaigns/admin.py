from django.contrib import admin

from campaigns.models import Campaign, CampaignReport, Schedule


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "period_label", "owner", "due_at", "state"]
    list_filter = ["state"]
    search_fields = ["title", "owner__name"]
    readonly_fields = ["state", "opened_at", "created_by", "schedule", "period_key"]
    raw_id_fields = ["owner", "audience_contest", "audience_organisations", "managers"]


@admin.register(CampaignReport)
class CampaignReportAdmin(admin.ModelAdmin):
    """Read-mostly: reports change through their steps (the pages and the API)."""

    list_display = ["campaign", "organisation", "state", "submitted_at"]
    list_filter = ["state"]
    search_fields = ["organisation__name", "campaign__title"]
    readonly_fields = [
        "campaign",
        "organisation",
        "state",
        "answers",
        "submitted_at",
        "reviewed_at",
        "version",
    ]


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["template", "days", "lead_days", "is_active"]
    raw_id_fields = ["template"]
