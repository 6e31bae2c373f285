from django.contrib import admin

from mailings.models import Mailing, MailingRecipient, Subscriber


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["subject_uk", "contest", "state", "essential", "recipients_count", "sent_at"]
    list_filter = ["state", "essential"]
    search_fields = ["subject_uk"]
    readonly_fields = ["state", "recipients_count", "unsubscribed_count", "sent_at", "created_by"]


@admin.register(MailingRecipient)
class MailingRecipientAdmin(admin.ModelAdmin):
    list_display = ["mailing", "email", "language", "state"]
    list_filter = ["state", "language"]
    search_fields = ["email", "name"]
    raw_id_fields = ["mailing", "user", "message"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "topic", "language", "confirmed_at", "unsubscribed_at"]
    list_filter = ["topic", "language"]
    search_fields = ["email"]
