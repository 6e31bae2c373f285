from django.contrib import admin

from notifications.models import EmailOptOut, Message, TemplateOverride


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages change state only through delivery."""

    list_display = ["event", "channel", "recipient_key", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "channel", "event"]
    search_fields = ["email", "recipient_key", "dedupe_key", "scope"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register(EmailOptOut)
admin.site.register(TemplateOverride)
