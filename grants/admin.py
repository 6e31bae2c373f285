"""Staff see grants read-mostly: money moves only through the services (and their audit)."""

from django.contrib import admin

from grants.models import AuditEntry, Disbursement, Grant, GrantReport, Indicator, PlanActivity, ProjectCard


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["application", "contest", "amount", "currency", "state", "starts_on", "ends_on"]
    list_filter = ["state", "contest"]
    search_fields = ["application__title", "application__organisation__name"]
    exclude = ["payee_iban"]


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyAdmin):
    list_display = ["grant", "amount", "planned_on", "state", "paid_on", "payment_reference"]
    list_filter = ["state"]


@admin.register(GrantReport)
class GrantReportAdmin(ReadOnlyAdmin):
    list_display = ["grant", "kind", "due_on", "state"]
    list_filter = ["state", "kind"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "direction", "contest"]
    list_filter = ["contest"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "grant", "actor", "amount", "currency"]
    list_filter = ["action"]


@admin.register(ProjectCard)
class ProjectCardAdmin(ReadOnlyAdmin):
    list_display = ["grant", "organiser", "manager_name", "version"]


@admin.register(PlanActivity)
class PlanActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "grant", "deadline", "state", "responsible"]
    list_filter = ["state"]
