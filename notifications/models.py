"""The outbox: one row per (event, channel, recipient, dedupe key), delivered by Celery.

Knows nothing of contests or grants: callers give an event key, recipients and a context.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        INAPP = "inapp", _("In the app")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.UUIDField(db_index=True, editable=False)
    event = models.CharField(_("event"), max_length=100)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    # "user:<pk>" or "email:<address>": what makes a recipient unique for deduplication.
    recipient_key = models.CharField(max_length=320)
    language = models.CharField(_("language"), max_length=8)
    scope = models.CharField(_("scope"), max_length=100, blank=True, db_index=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200)
    context = models.JSONField(default=dict)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient_key", "dedupe_key"], name="message_exactly_once"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""), name="message_has_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="message_due_idx"),
            models.Index(fields=["user", "channel", "read_at"], name="message_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_key} ({self.channel})"

    @property
    def retry_at(self):
        """When a message waiting after a failed attempt is tried again; None for any other."""
        return self.next_attempt_at if self.state == self.State.PENDING and self.last_error else None


class EmailOptOut(TimeStampedModel):
    """A user who does not want e-mail for an event that is not mandatory."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    event = models.CharField(_("event"), max_length=100)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="opt_out_unique")]


class TemplateOverride(TimeStampedModel):
    """An organiser's own wording of an event's message, for one scope (e.g. a contest)."""

    scope = models.CharField(_("scope"), max_length=100)
    event = models.CharField(_("event"), max_length=100)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True, help_text=_("Leave empty to use the plain text."))

    class Meta:
        verbose_name = _("template override")
        verbose_name_plural = _("template overrides")
        constraints = [
            models.UniqueConstraint(fields=["scope", "event", "language"], name="template_override_unique")
        ]
