from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from notifications.models import EmailOptOut, Message, TemplateOverride


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages change state only through delivery."""

    list_display = [
        "event",
        "channel",
        "recipient_key",
        "state",
        "attempts",
        "short_error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ]
    list_filter = ["state", "channel", "event"]
    search_fields = ["email", "recipient_key", "dedupe_key", "scope"]
    readonly_fields = [f.name for f in Message._meta.fields]

    @admin.display(description=_("last error"), ordering="last_error")
    def short_error(self, message: Message) -> str:
        return Truncator(message.last_error).chars(120) or "—"

    def has_add_permission(self, request):
        return False


admin.site.register(EmailOptOut)
admin.site.register(TemplateOverride)
