from django.contrib import admin

from congress.models import Event, EventOrganiser, Invitation


class OrganiserInline(admin.TabularInline):
    model = EventOrganiser
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "place", "state"]
    list_filter = ["state"]
    search_fields = ["title", "place"]
    readonly_fields = ["state"]
    inlines = [OrganiserInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["event", "practice", "organisation", "state", "respond_by"]
    list_filter = ["state"]
    readonly_fields = ["state", "organisation"]
    raw_id_fields = ["event", "practice"]
