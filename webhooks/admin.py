from django.contrib import admin

from webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    """Read-only for staff: owners manage their endpoints; the secret is never shown here."""

    list_display = ["url", "organisation", "contest", "is_active", "consecutive_failures", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "organisation__name", "contest__title"]
    exclude = ["secret"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries change only by being sent."""

    list_display = ["uuid", "endpoint", "event", "state", "attempts", "status_code", "created_at"]
    list_filter = ["state", "event"]
    search_fields = ["uuid", "endpoint__url"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
