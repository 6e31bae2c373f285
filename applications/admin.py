from django.contrib import admin
from django_fsm_log.admin import StateLogInline

from applications.models import Application, Attachment, LateSubmissionCode, Revision


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["field_key", "original_name", "kind", "size", "sha256", "file"]
    can_delete = False


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    readonly_fields = ["number", "title", "checksum", "submitted_at", "submitted_by"]
    fields = readonly_fields
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-mostly: the state moves only through the applicant and organiser pages and the API."""

    list_display = ["number", "title", "organisation", "contest", "nomination", "state", "submitted_at"]
    list_filter = ["state", "contest"]
    search_fields = ["number", "title", "organisation__name"]
    readonly_fields = ["state", "number", "submitted_at", "arrived_at", "created_by", "answers"]
    inlines = [AttachmentInline, RevisionInline, StateLogInline]


@admin.register(LateSubmissionCode)
class LateSubmissionCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "contest", "expires_at", "uses", "max_uses"]
